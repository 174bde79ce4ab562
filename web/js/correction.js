// The correction step of the status page: replace the documents (and fields) that the
// pipeline named, then upload a new full manifest for the next round that lists only the
// replaced documents. Documents of earlier rounds that the manifest leaves out are kept.

import { ApiError, api } from "./api.js";
import { DocumentPicker, manifestEntry, uploadDocuments } from "./documents.js";
import { h } from "./dom.js";
import { FieldSet, errorKey } from "./fields.js";
import { setText } from "./i18n.js";
import { renderErrorSummary } from "./form.js";
import { validate } from "./schema.js";
import { saveManifest, storedManifest } from "./storage.js";
import { uploadWithRetry } from "./upload.js";

// Rebuild the form fields from the status record when this tab has no stored manifest. The
// record keeps business facts only, so the owner's personal data must be typed again.
function fieldsFromRecord(record) {
  const location = { region_code: record.region_code ?? undefined };
  if (record.district_code) {
    location.district_code = record.district_code;
  }
  return {
    nib: record.nib ?? undefined,
    business_name: record.business_name ?? undefined,
    legal_form: record.legal_form ?? undefined,
    kbli: record.kbli ?? undefined,
    investment_value_idr: record.investment_value_idr ?? undefined,
    land_area_m2: record.land_area_m2 ?? undefined,
    location,
  };
}

function channelOf(record, stored) {
  const source = stored ?? record;
  if (source.channel !== "assisted") {
    return { channel: "online" };
  }
  return { channel: "assisted", officer_id: source.officer_id, consent_at: source.consent_at };
}

export class CorrectionForm {
  constructor({ schema, reference, record, token, onSent }) {
    this.schema = schema;
    this.reference = reference;
    this.record = record;
    this.token = token;
    this.onSent = onSent;
    this.busy = false;
    this.stored = storedManifest(record.application_id);
    const known = new Set(reference.slots.map((slot) => slot.slot));
    this.namedSlots = [...new Set(record.reasons.map((reason) => reason.document).filter((slot) => known.has(slot)))];
    this.namedFields = [...new Set(record.reasons.map((reason) => reason.field).filter(Boolean))];
    this.fields = new FieldSet({ prefix: "c", schema, reference });
    this.fields.fill(this.stored ?? fieldsFromRecord(record));
    this.fields.highlight(this.namedFields);
    this.picker = new DocumentPicker({ prefix: "c", reference });
    this.picker.setSlots(
      this.namedSlots,
      reference.slots.map((slot) => slot.slot).filter((slot) => !this.namedSlots.includes(slot)),
    );
    this.element = this.render();
  }

  render() {
    this.summary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
    this.status = h("p", { class: "form-status", role: "status", "aria-live": "polite", id: "c-status" });
    this.submitButton = h("button", { type: "submit", class: "button", id: "c-submit", i18n: "correction.submit" });
    const fieldsOpen = this.namedFields.length > 0 || this.stored === null;
    const form = h(
      "form",
      { class: "correction-form", novalidate: true, id: "correction-form" },
      this.summary,
      h(
        "fieldset",
        { class: "fieldset", "data-section": "correction-documents" },
        h("legend", { i18n: this.namedSlots.length ? "correction.documents" : "correction.documents_optional" }),
        this.picker.element,
      ),
      h(
        "details",
        { class: "correction-fields", open: fieldsOpen },
        h("summary", { i18n: "correction.fields" }),
        this.stored === null ? h("p", { class: "notice", i18n: "correction.retype_personal" }) : null,
        this.fields.element,
      ),
      h("div", { class: "actions" }, this.submitButton),
      this.status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    return h(
      "section",
      { class: "correction", "aria-labelledby": "correction-title", id: "correction" },
      h("h2", { id: "correction-title", i18n: "correction.title" }),
      h("p", { i18n: "correction.intro" }),
      form,
    );
  }

  manifestFields() {
    return { ...this.fields.values(), ...channelOf(this.record, this.stored) };
  }

  async check(manifest) {
    this.fields.clearErrors();
    const errors = validate(this.schema, { ...manifest, documents: [] });
    this.fields.showErrors(errors);
    const items = errors.map((error) => ({
      target: this.fields.input(error.path) ?? null,
      label: this.fields.input(error.path) ? { key: `fields.${error.path}.label` } : null,
      message: { key: errorKey(error.path, error.keyword), params: error.params },
    }));
    if (items.length) {
      this.element.querySelector("details.correction-fields").open = true;
    }
    await this.picker.settled();
    for (const slot of this.picker.invalidSlots()) {
      const entry = this.picker.entries.get(slot);
      items.push({ target: this.picker.row(slot).input, label: null, message: { key: entry.error.key, params: entry.error.params } });
    }
    for (const slot of this.picker.missingRequired()) {
      const definition = this.picker.slots.get(slot);
      this.picker.showError(slot, "correction.errors.missing_document");
      items.push({
        target: this.picker.row(slot).input,
        label: null,
        message: { key: "correction.errors.missing_named", params: { title: { id: definition.title_id, en: definition.title_en } } },
      });
    }
    return items;
  }

  async submit() {
    if (this.busy) {
      return;
    }
    this.summary.hidden = true;
    const manifest = this.manifestFields();
    const items = await this.check(manifest);
    if (items.length) {
      renderErrorSummary(this.summary, items);
      return;
    }
    this.busy = true;
    this.submitButton.disabled = true;
    try {
      setText(this.status, "form.progress.hashing");
      const prepared = await this.picker.prepare();
      setText(this.status, "correction.progress.requesting");
      const declared = prepared.map(({ slot, content_type, size, file_name }) => ({ slot, content_type, size, file_name }));
      const uploads = await api.requestCorrection(this.record.application_id, this.token, declared);
      setText(this.status, "form.progress.uploading");
      await uploadDocuments(this.picker, prepared, uploads.documents, uploadWithRetry);
      const full = { ...manifest, documents: prepared.map(manifestEntry) };
      setText(this.status, "form.progress.manifest");
      const blob = new Blob([JSON.stringify(full)], { type: "application/json" });
      await uploadWithRetry(uploads.manifest, blob, "application.json");
      saveManifest(this.record.application_id, full);
      setText(this.status, "correction.progress.sent", { round: uploads.round });
      this.onSent(uploads.round);
    } catch (error) {
      if (error instanceof ApiError && error.reasons.length) {
        renderErrorSummary(
          this.summary,
          error.reasons.map((reason) => ({ target: null, label: null, message: { texts: reason.message } })),
        );
      }
      setText(this.status, "form.progress.request_failed", { detail: error.message });
      this.submitButton.disabled = false;
    } finally {
      this.busy = false;
    }
  }
}
