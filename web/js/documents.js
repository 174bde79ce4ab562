// Document slot inputs: the file checks made before any upload (size, emptiness, real type
// from the first bytes), SHA-256 per file and a progress bar per upload.

import { h } from "./dom.js";
import { megabytes, setBilingualText, setText } from "./i18n.js";
import { detectContentType, sha256Hex } from "./upload.js";

const TYPE_NAMES = { "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG" };
const TYPE_EXTENSIONS = { "application/pdf": ".pdf", "image/jpeg": ".jpg,.jpeg", "image/png": ".png" };

export function typeNames(contentTypes) {
  return contentTypes.map((type) => TYPE_NAMES[type] ?? type).join(", ");
}

// Check a file against its slot: not empty, within the size limit, and of an accepted type
// by its first bytes. Returns {contentType, error}, where error is {key, params} or null.
export async function checkDocument(definition, file) {
  if (file.size === 0) {
    return { contentType: null, error: { key: "documents.errors.empty", params: {} } };
  }
  if (file.size > definition.max_bytes) {
    const params = { size: megabytes(file.size), limit: megabytes(definition.max_bytes) };
    return { contentType: null, error: { key: "documents.errors.too_large", params } };
  }

  const contentType = await detectContentType(file);
  const types = typeNames(definition.content_types);
  if (contentType === null) {
    return { contentType, error: { key: "documents.errors.unknown_type", params: { types } } };
  }
  if (!definition.content_types.includes(contentType)) {
    const params = { detected: TYPE_NAMES[contentType], types };
    return { contentType, error: { key: "documents.errors.wrong_type", params } };
  }
  return { contentType, error: null };
}

export class DocumentPicker {
  constructor({ prefix, reference }) {
    this.prefix = prefix;
    this.slots = new Map(reference.slots.map((slot) => [slot.slot, slot]));
    // slot -> {file, contentType, error: {key, params} | null}
    this.entries = new Map();
    this.checks = new Map();
    this.rows = new Map();
    this.required = [];
    this.optional = [];
    this.requiredList = h("div", { class: "documents__list" });
    this.optionalList = h("div", { class: "documents__list" });
    this.optionalBox = h(
      "details",
      { class: "documents__optional" },
      h("summary", { i18n: "documents.optional_summary" }),
      this.optionalList,
    );
    this.element = h("div", { class: "documents" }, this.requiredList, this.optionalBox);
  }

  row(slot) {
    if (this.rows.has(slot)) {
      return this.rows.get(slot);
    }
    const definition = this.slots.get(slot);
    const id = `${this.prefix}-doc-${slot.replace(/_/g, "-")}`;
    const title = h("span");
    setBilingualText(title, { id: definition.title_id, en: definition.title_en });
    const marker = h("span", { class: "documents__marker" });

    const input = h("input", {
      type: "file",
      id,
      name: slot,
      "data-slot": slot,
      accept: definition.content_types.map((type) => `${type},${TYPE_EXTENSIONS[type] ?? ""}`).join(","),
      "aria-describedby": `${id}-help ${id}-error`,
    });
    input.addEventListener("change", () => this.choose(slot, input.files[0] ?? null));

    const progress = h("progress", { max: 100, value: 0, "aria-labelledby": `${id}-label` });
    const progressText = h("span", { class: "upload__text", "aria-live": "polite" });
    const row = {
      input,
      marker,
      error: h("p", { class: "field__error", id: `${id}-error`, "aria-live": "polite" }),
      progress,
      progressText,
      progressBox: h("div", { class: "upload", hidden: true }, progress, progressText),
    };

    row.element = h(
      "div",
      { class: "field document", "data-document": slot },
      h("label", { for: id, id: `${id}-label`, class: "field__label" }, title, " ", marker),
      h("p", {
        class: "field__help",
        id: `${id}-help`,
        i18n: "documents.limits",
        i18nParams: { types: typeNames(definition.content_types), size: megabytes(definition.max_bytes) },
      }),
      input,
      row.error,
      row.progressBox,
    );
    this.rows.set(slot, row);
    return row;
  }

  // Show the required slots first and the others in a collapsed list. Chosen files are kept.
  setSlots(required, optional) {
    this.required = required.filter((slot) => this.slots.has(slot));
    this.optional = optional.filter((slot) => this.slots.has(slot) && !this.required.includes(slot));
    this.requiredList.replaceChildren(
      ...this.required.map((slot) => {
        const row = this.row(slot);
        setText(row.marker, "documents.required");
        return row.element;
      }),
    );
    this.optionalList.replaceChildren(
      ...this.optional.map((slot) => {
        const row = this.row(slot);
        setText(row.marker, "fields.optional");
        return row.element;
      }),
    );
    this.optionalBox.hidden = this.optional.length === 0;
  }

  visibleSlots() {
    return [...this.required, ...this.optional];
  }

  // `onChange` (when set) runs after a chosen file has been checked.
  choose(slot, file) {
    const check = this.checkFile(slot, file).then(() => this.onChange?.());
    this.checks.set(slot, check);
    return check;
  }

  async checkFile(slot, file) {
    const row = this.row(slot);
    row.error.replaceChildren();
    delete row.error.dataset.i18n;
    row.input.removeAttribute("aria-invalid");
    row.progressBox.hidden = true;
    if (!file) {
      this.entries.delete(slot);
      return;
    }

    const { contentType, error } = await checkDocument(this.slots.get(slot), file);
    this.entries.set(slot, { file, contentType, error });
    if (error) {
      setText(row.error, error.key, error.params);
      row.input.setAttribute("aria-invalid", "true");
    }
  }

  async settled() {
    await Promise.all(this.checks.values());
  }

  // Slots of the visible list whose chosen file failed a check.
  invalidSlots() {
    return this.visibleSlots().filter((slot) => this.entries.get(slot)?.error);
  }

  missingRequired() {
    return this.required.filter((slot) => !this.entries.has(slot));
  }

  // Valid files of the visible slots, hashed: [{slot, file, content_type, size, file_name, sha256}].
  async prepare() {
    await this.settled();
    const chosen = this.visibleSlots()
      .map((slot) => [slot, this.entries.get(slot)])
      .filter(([, entry]) => entry && !entry.error);
    return Promise.all(
      chosen.map(async ([slot, entry]) => ({
        slot,
        file: entry.file,
        content_type: entry.contentType,
        size: entry.file.size,
        file_name: entry.file.name,
        sha256: await sha256Hex(entry.file),
      })),
    );
  }

  showProgress(slot, loaded, total) {
    const row = this.row(slot);
    const percent = total > 0 ? Math.round((loaded / total) * 100) : 0;
    row.progressBox.hidden = false;
    row.progress.value = percent;
    row.progressText.textContent = `${percent}%`;
  }

  showUploadState(slot, key, params = null) {
    const row = this.row(slot);
    row.progressBox.hidden = false;
    setText(row.progressText, key, params);
  }

  showError(slot, key, params = null) {
    const row = this.row(slot);
    setText(row.error, key, params);
    row.input.setAttribute("aria-invalid", "true");
  }

}

// Upload each prepared document through its pre-signed POST, showing progress per file.
// Every upload runs to its end before the first failure, if any, is thrown, so a retry never
// races an upload still in flight.
export async function uploadDocuments(picker, prepared, posts, uploadWithRetry, done = new Set()) {
  const results = await Promise.allSettled(
    prepared
      .filter((document) => !done.has(document.slot))
      .map(async (document) => {
        picker.showProgress(document.slot, 0, document.size);
        try {
          await uploadWithRetry(posts[document.slot], document.file, document.file_name, {
            onProgress: (loaded, total) => picker.showProgress(document.slot, loaded, total),
            onRetry: (attempt) => picker.showUploadState(document.slot, "upload.retrying", { attempt }),
          });
        } catch (error) {
          picker.showUploadState(document.slot, "upload.failed");
          throw error;
        }
        picker.showUploadState(document.slot, "upload.done");
        done.add(document.slot);
      }),
  );
  const failure = results.find((result) => result.status === "rejected");
  if (failure) {
    throw failure.reason;
  }
}

export function manifestEntry(document) {
  return {
    slot: document.slot,
    file_name: document.file_name,
    content_type: document.content_type,
    size: document.size,
    sha256: document.sha256,
  };
}
