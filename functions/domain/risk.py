"""Business scale and risk assessment of one KBLI activity."""

from dataclasses import dataclass

from schemas.reference import Reference
from schemas.status import BusinessScale, RiskLevel

# Upper bounds of business capital excluding land and buildings, in IDR (PP 7/2021 article 35).
MICRO_MAX_IDR = 1_000_000_000
SMALL_MAX_IDR = 5_000_000_000
MEDIUM_MAX_IDR = 10_000_000_000


class UnknownKbli(LookupError):
    """A KBLI code that neither the rule table nor the loaded KBLI list contains."""

    def __init__(self, kbli: str, hint: str) -> None:
        super().__init__(f"KBLI code {kbli!r} is unknown; {hint}")
        self.kbli = kbli
        self.hint = hint


@dataclass
class Assessment:
    kbli: str
    title: str
    sector: str
    scale: BusinessScale
    risk_level: RiskLevel
    review_sectors: list[str]
    required_slots: list[str]
    from_rule_table: bool


def business_scale(investment_value_idr: int) -> BusinessScale:
    """Classify a business by its capital excluding land and buildings (PP 7/2021).

    Micro up to IDR 1 billion, small above 1 up to 5 billion, medium above 5 up to 10
    billion, large above 10 billion. Raises ValueError for a negative amount.
    """
    if investment_value_idr < 0:
        raise ValueError(f"investment value cannot be negative, got {investment_value_idr}")
    if investment_value_idr <= MICRO_MAX_IDR:
        return BusinessScale.MICRO
    if investment_value_idr <= SMALL_MAX_IDR:
        return BusinessScale.SMALL
    if investment_value_idr <= MEDIUM_MAX_IDR:
        return BusinessScale.MEDIUM
    return BusinessScale.LARGE


def assess(kbli: str, investment_value_idr: int, ref: Reference) -> Assessment:
    """Derive scale, risk level, reviewing sectors and required documents; raise UnknownKbli.

    Only MT and T need a technical review: by the rule's sector, plus the environment
    sector when the activity needs an environmental approval.
    """
    rule = ref.rule_for(kbli)
    if rule is None:
        raise UnknownKbli(kbli, ref.kbli_hint(kbli))

    scale = business_scale(investment_value_idr)
    risk_level = rule.risk[scale]
    review_sectors: list[str] = []
    if risk_level.needs_review:
        review_sectors.append(rule.sector)
        if rule.environmental_approval and ref.environment_sector != rule.sector:
            review_sectors.append(ref.environment_sector)

    return Assessment(
        kbli=rule.kbli,
        title=rule.title,
        sector=rule.sector,
        scale=scale,
        risk_level=risk_level,
        review_sectors=review_sectors,
        required_slots=ref.required_slots(rule, risk_level),
        from_rule_table=rule.from_rule_table,
    )
