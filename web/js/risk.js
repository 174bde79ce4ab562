// Business scale and the documents a KBLI activity needs, from the reference data the API
// serves at /reference. The scale limits match the server's rule (PP 7/2021 article 35):
// capital excluding land and buildings up to IDR 1 billion is micro, up to 5 billion small,
// up to 10 billion medium, above that large.

export const MICRO_MAX_IDR = 1_000_000_000;
export const SMALL_MAX_IDR = 5_000_000_000;
export const MEDIUM_MAX_IDR = 10_000_000_000;

export function businessScale(investmentValueIdr) {
  if (!Number.isFinite(investmentValueIdr) || investmentValueIdr < 0) {
    return null;
  }
  if (investmentValueIdr <= MICRO_MAX_IDR) {
    return "micro";
  }
  if (investmentValueIdr <= SMALL_MAX_IDR) {
    return "small";
  }
  if (investmentValueIdr <= MEDIUM_MAX_IDR) {
    return "medium";
  }
  return "large";
}

// Return {rule, scale, risk, requiredSlots, needsReview}, or null when the rule table has no
// row for the code or the investment value is not a valid amount.
export function assess(reference, kbli, investmentValueIdr) {
  const rule = reference.rules.find((row) => row.kbli === kbli);
  const scale = businessScale(investmentValueIdr);
  if (!rule || !scale) {
    return null;
  }
  const risk = rule.risk[scale];
  return {
    rule,
    scale,
    risk,
    requiredSlots: rule.required_slots[risk] ?? [],
    needsReview: risk === "MT" || risk === "T",
  };
}
