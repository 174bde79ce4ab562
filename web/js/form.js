// The application page: fields, the documents the activity needs, the assisted-service mode,
// and the submission (create the application, upload each document, then the manifest).

import { ApiError, api } from "./api.js";
import { DocumentPicker, manifestEntry, uploadDocuments } from "./documents.js";
import { h, nowWithOffset, formatWita } from "./dom.js";
import { FieldSet, errorKey } from "./fields.js";
import { setBilingualText, setText } from "./i18n.js";
import { assess } from "./risk.js";
import { validate } from "./schema.js";
import { saveAccessToken, saveManifest } from "./storage.js";
import { uploadWithRetry } from "./upload.js";

const KBLI_PATTERN = /^[0-9]{5}$/;

export function renderErrorSummary(summary, items) {
  // items: [{target: element to focus, label: {key} | null, message: {key, params} | {texts}}]
  summary.replaceChildren(
    h("h2", { class: "error-summary__title", i18n: "form.errors_title" }),
    h(
      "ul",
      {},
      items.map((item) => {
        const message = h("span");
        if (item.message.texts) {
          setBilingualText(message, item.message.texts);
        } else {
          setText(message, item.message.key, item.message.params ?? null);
        }
        const link = h("a", { href: item.target ? `#${item.target.id}` : "#" });
        if (item.label) {
          link.append(h("span", { i18n: item.label.key, i18nParams: item.label.params ?? null }), ": ");
        }
        link.append(message);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          item.target?.focus();
        });
        return h("li", {}, link);
      }),
    ),
  );
  summary.hidden = items.length === 0;
  if (items.length) {
    summary.focus();
  }
}

export class ApplicationForm {
  constructor({ schema, reference }) {
    this.schema = schema;
    this.reference = reference;
    this.pending = null;
    this.busy = false;
    this.fields = new FieldSet({ prefix: "f", schema, reference });
    this.picker = new DocumentPicker({ prefix: "f", reference });
    this.picker.onChange = () => this.updateMissing();
    this.element = this.render();
    for (const path of ["kbli", "investment_value_idr"]) {
      this.fields.input(path).addEventListener("input", () => this.updateRequirements());
    }
    this.updateRequirements();
  }

  render() {
    this.summary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
    this.riskPanel = h("div", { class: "risk", "aria-live": "polite", id: "risk-panel" });
    this.missingConfirm = h("input", { type: "checkbox", id: "f-missing-confirm" });
    this.missingBox = h(
      "div",
      { class: "notice", hidden: true, id: "f-missing" },
      h("p", { id: "f-missing-text", "aria-live": "polite" }),
      h(
        "div",
        { class: "check" },
        this.missingConfirm,
        h("label", { for: "f-missing-confirm", i18n: "documents.missing_confirm" }),
      ),
    );
    this.status = h("p", { class: "form-status", role: "status", "aria-live": "polite", id: "f-status" });
    this.tokenBox = h("div", { class: "token-box", hidden: true, id: "f-token" });
    this.submitButton = h("button", { type: "submit", class: "button", id: "f-submit", i18n: "form.submit" });

    this.form = h(
      "form",
      { class: "application-form", novalidate: true, id: "application-form" },
      this.summary,
      this.fields.element,
      h(
        "fieldset",
        { class: "fieldset", "data-section": "documents" },
        h("legend", { i18n: "sections.documents" }),
        h("p", { class: "field__help", i18n: "documents.intro" }),
        this.riskPanel,
        this.picker.element,
        this.missingBox,
      ),
      this.renderAssisted(),
      h("div", { class: "actions" }, this.submitButton),
      this.status,
      this.tokenBox,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    return h(
      "section",
      { class: "page", "aria-labelledby": "form-title" },
      h("h1", { id: "form-title", i18n: "form.title" }),
      h("p", { class: "lead", i18n: "form.intro" }),
      this.form,
    );
  }

  renderAssisted() {
    this.assistedToggle = h("input", { type: "checkbox", id: "f-assisted" });
    this.officerInput = h("input", {
      type: "text",
      id: "f-officer-id",
      name: "officer_id",
      autocomplete: "off",
      "aria-describedby": "f-officer-id-help f-officer-id-error",
    });
    this.officerError = h("p", { class: "field__error", id: "f-officer-id-error", "aria-live": "polite" });
    this.consentBox = h("input", { type: "checkbox", id: "f-consent", "aria-describedby": "f-consent-time f-consent-error" });
    this.consentTime = h("p", { class: "field__note", id: "f-consent-time", "aria-live": "polite" });
    this.consentError = h("p", { class: "field__error", id: "f-consent-error", "aria-live": "polite" });
    this.consentAt = null;
    this.assistedDetails = h(
      "div",
      { class: "assisted", hidden: true, id: "f-assisted-details" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "f-officer-id", class: "field__label", i18n: "assisted.officer_id.label" }),
        h("p", { class: "field__help", id: "f-officer-id-help", i18n: "assisted.officer_id.help" }),
        this.officerInput,
        this.officerError,
      ),
      h(
        "div",
        { class: "field" },
        h("div", { class: "check" }, this.consentBox, h("label", { for: "f-consent", i18n: "assisted.consent" })),
        this.consentTime,
        this.consentError,
      ),
    );
    this.assistedToggle.addEventListener("change", () => {
      this.assistedDetails.hidden = !this.assistedToggle.checked;
    });
    this.consentBox.addEventListener("change", () => {
      this.consentAt = this.consentBox.checked ? nowWithOffset() : null;
      if (this.consentAt) {
        setText(this.consentTime, "assisted.consent_recorded", { time: formatWita(this.consentAt) });
      } else {
        this.consentTime.replaceChildren();
        delete this.consentTime.dataset.i18n;
      }
    });
    return h(
      "fieldset",
      { class: "fieldset", "data-section": "assisted" },
      h("legend", { i18n: "sections.assisted" }),
      h(
        "div",
        { class: "check" },
        this.assistedToggle,
        h("label", { for: "f-assisted", i18n: "assisted.toggle" }),
      ),
      h("p", { class: "field__help", i18n: "assisted.help" }),
      this.assistedDetails,
    );
  }

  updateRequirements() {
    const values = this.fields.values();
    const kbli = values.kbli ?? "";
    const investment = values.investment_value_idr;
    const assessment = typeof investment === "number" ? assess(this.reference, kbli, investment) : null;
    const note = this.fields.note("kbli");
    const rule = this.reference.rules.find((row) => row.kbli === kbli);
    if (rule) {
      note.textContent = `${rule.kbli} ${rule.title}`;
      delete note.dataset.i18n;
    } else if (KBLI_PATTERN.test(kbli)) {
      setText(note, "form.kbli_not_in_table", { kbli });
    } else {
      note.replaceChildren();
      delete note.dataset.i18n;
    }
    this.renderRisk(assessment);
    const allSlots = this.reference.slots.map((slot) => slot.slot);
    const required = assessment ? assessment.requiredSlots : [];
    this.picker.setSlots(required, allSlots.filter((slot) => !required.includes(slot)));
    this.updateMissing();
  }

  renderRisk(assessment) {
    if (!assessment) {
      this.riskPanel.replaceChildren(h("p", { i18n: "form.risk_prompt" }));
      return;
    }
    const sector = this.reference.sectors.find((row) => row.code === assessment.rule.sector);
    const sectorName = h("span");
    if (sector) {
      setBilingualText(sectorName, { id: sector.name_id, en: sector.name_en });
    } else {
      sectorName.textContent = assessment.rule.sector;
    }
    this.riskPanel.replaceChildren(
      h(
        "dl",
        { class: "facts" },
        h("dt", { i18n: "form.risk.activity" }),
        h("dd", {}, `${assessment.rule.kbli} ${assessment.rule.title}`),
        h("dt", { i18n: "form.risk.sector" }),
        h("dd", {}, sectorName),
        h("dt", { i18n: "form.risk.scale" }),
        h("dd", { i18n: `scale.${assessment.scale}` }),
        h("dt", { i18n: "form.risk.level" }),
        h("dd", { "data-risk": assessment.risk }, h("strong", { i18n: `risk.${assessment.risk}.label` })),
      ),
      h("p", { i18n: `risk.${assessment.risk}.help` }),
    );
  }

  updateMissing() {
    const missing = this.picker.missingRequired();
    this.missingBox.hidden = missing.length === 0;
    if (missing.length) {
      const titles = missing.map((slot) => this.picker.slots.get(slot));
      setText(this.missingBox.querySelector("#f-missing-text"), "documents.missing", {
        titles: {
          id: titles.map((slot) => slot.title_id).join("; "),
          en: titles.map((slot) => slot.title_en).join("; "),
        },
      });
    } else {
      this.missingConfirm.checked = false;
    }
  }

  // The manifest without its document list.
  manifestFields() {
    const manifest = this.fields.values();
    if (this.assistedToggle.checked) {
      manifest.channel = "assisted";
      const officer = this.officerInput.value.trim();
      if (officer) {
        manifest.officer_id = officer;
      }
      if (this.consentAt) {
        manifest.consent_at = this.consentAt;
      }
    } else {
      manifest.channel = "online";
    }
    return manifest;
  }

  clearProblems() {
    this.fields.clearErrors();
    for (const element of [this.officerError, this.consentError]) {
      element.replaceChildren();
      delete element.dataset.i18n;
    }
    this.officerInput.removeAttribute("aria-invalid");
    this.summary.hidden = true;
    this.summary.replaceChildren();
  }

  // Validate fields and chosen files; returns the summary items, empty when all is well.
  async check(manifest) {
    const errors = validate(this.schema, { ...manifest, documents: [] });
    if (manifest.channel === "assisted") {
      if (!manifest.officer_id) {
        errors.push({ path: "officer_id", keyword: "required", params: {} });
      }
      if (!manifest.consent_at) {
        errors.push({ path: "consent_at", keyword: "required", params: {} });
      }
    }
    const unplaced = this.fields.showErrors(errors);
    const items = errors
      .filter((error) => !unplaced.includes(error))
      .map((error) => ({
        target: this.fields.input(error.path),
        label: { key: `fields.${error.path}.label` },
        message: { key: errorKey(error.path, error.keyword), params: error.params },
      }));
    for (const error of unplaced) {
      const assisted = { officer_id: [this.officerError, this.officerInput], consent_at: [this.consentError, this.consentBox] };
      const [element, target] = assisted[error.path] ?? [null, null];
      const key = errorKey(error.path, error.keyword);
      if (element) {
        setText(element, key, error.params);
        target.setAttribute("aria-invalid", "true");
      }
      items.push({ target, label: { key: `assisted.${error.path}.label` }, message: { key, params: error.params } });
    }

    await this.picker.settled();
    for (const slot of this.picker.invalidSlots()) {
      const entry = this.picker.entries.get(slot);
      items.push({
        target: this.picker.row(slot).input,
        label: null,
        message: { key: entry.error.key, params: entry.error.params },
      });
    }
    if (this.picker.missingRequired().length && !this.missingConfirm.checked) {
      items.push({ target: this.missingConfirm, label: null, message: { key: "documents.errors.missing_required" } });
    }
    return items;
  }

  setBusy(busy) {
    this.busy = busy;
    this.submitButton.disabled = busy;
    this.form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  async submit() {
    if (this.busy) {
      return;
    }
    if (this.pending) {
      await this.resume();
      return;
    }
    this.clearProblems();
    const manifest = this.manifestFields();
    const items = await this.check(manifest);
    if (items.length) {
      renderErrorSummary(this.summary, items);
      return;
    }

    this.setBusy(true);
    try {
      setText(this.status, "form.progress.hashing");
      const prepared = await this.picker.prepare();
      setText(this.status, "form.progress.creating");
      const declared = prepared.map(({ slot, content_type, size, file_name }) => ({ slot, content_type, size, file_name }));
      const created = await api.createApplication(declared);
      saveAccessToken(created.application_id, created.access_token, { persistent: manifest.channel === "online" });
      this.showToken(created);
      this.lock();
      const full = { ...manifest, documents: prepared.map(manifestEntry) };
      const problems = validate(this.schema, full);
      if (problems.length) {
        throw new Error(`manifest does not match the schema at ${problems.map((problem) => problem.path).join(", ")}`);
      }
      this.pending = { created, prepared, manifest: full, done: new Set() };
      await this.upload();
    } catch (error) {
      this.showFailure(error);
    } finally {
      this.setBusy(false);
    }
  }

  async resume() {
    if (Date.now() > Date.parse(this.pending.created.expires_at)) {
      setText(this.status, "form.progress.expired");
      return;
    }
    this.setBusy(true);
    try {
      await this.upload();
    } catch (error) {
      this.showFailure(error);
    } finally {
      this.setBusy(false);
    }
  }

  async upload() {
    const { created, prepared, manifest, done } = this.pending;
    setText(this.status, "form.progress.uploading");
    await uploadDocuments(this.picker, prepared, created.documents, uploadWithRetry, done);
    setText(this.status, "form.progress.manifest");
    const blob = new Blob([JSON.stringify(manifest)], { type: "application/json" });
    await uploadWithRetry(created.manifest, blob, "application.json");
    saveManifest(created.application_id, manifest);
    this.pending = null;
    setText(this.status, "form.progress.sent");
    window.location.hash = `#/status/${encodeURIComponent(created.application_id)}`;
  }

  // Once the application exists, its fields and files stay fixed, so a retry sends the same ones.
  lock() {
    for (const fieldset of this.form.querySelectorAll("fieldset")) {
      fieldset.disabled = true;
    }
  }

  showToken(created) {
    this.tokenBox.hidden = false;
    this.tokenBox.replaceChildren(...tokenDetails(created.application_id, created.access_token));
  }

  showFailure(error) {
    if (error instanceof ApiError && error.reasons.length) {
      renderErrorSummary(
        this.summary,
        error.reasons.map((reason) => ({
          target: this.picker.slots.has(reason.document) ? this.picker.row(reason.document).input : this.fields.input(reason.field ?? "") ?? null,
          label: null,
          message: { texts: reason.message },
        })),
      );
      setText(this.status, "form.progress.failed");
      return;
    }
    if (this.pending) {
      setText(this.submitButton, "form.retry");
      setText(this.status, "form.progress.upload_failed", { detail: error.message });
    } else {
      setText(this.status, "form.progress.request_failed", { detail: error.message });
    }
  }
}

// The application id and access token, for the applicant to write down.
export function tokenDetails(applicationId, token) {
  const tokenCode = h("code", { class: "token", id: "access-token" }, token);
  const copy = h("button", { type: "button", class: "button button--small", i18n: "token.copy" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(token);
      setText(copy, "token.copied");
    } catch {
      setText(copy, "token.copy_failed");
    }
  });
  return [
    h("h2", { i18n: "token.title" }),
    h("p", { i18n: "token.help" }),
    h(
      "dl",
      { class: "facts" },
      h("dt", { i18n: "token.application_id" }),
      h("dd", {}, h("code", { id: "application-id" }, applicationId)),
      h("dt", { i18n: "token.access_token" }),
      h("dd", {}, tokenCode, " ", copy),
    ),
  ];
}
