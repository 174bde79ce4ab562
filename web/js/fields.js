// The manifest's form fields (business, owner, location): rendering, reading, filling and
// showing validation errors next to each field. Used by the application form and by the
// correction step of the status page.

import { h } from "./dom.js";
import { hasKey, setText } from "./i18n.js";
import { enumOf } from "./schema.js";

// People type spaces, dots and dashes inside long numbers, and the server strips them too.
const stripNumberSeparators = (text) => text.replace(/[\s.\-]/g, "");
const stripPhoneSeparators = (text) => text.replace(/[\s\-()]/g, "");

// "50.000.000" or "Rp 50,000,000" become 50000000. Anything else is passed on as text so the
// schema's type check reports it.
function parseRupiah(text) {
  const cleaned = text.replace(/^rp\.?/i, "").replace(/[\s.,]/g, "");
  return /^\d+$/.test(cleaned) ? Number(cleaned) : text;
}

// Accept a decimal comma as well as a decimal point: "12,5" and "12.5" are 12.5.
function parseDecimal(text) {
  const cleaned = text.replace(/\s/g, "").replace(",", ".");
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : text;
}

const SECTIONS = [
  {
    name: "business",
    fields: [
      { path: "nib", kind: "text", inputmode: "numeric", clean: stripNumberSeparators },
      { path: "business_name", kind: "text", autocomplete: "organization" },
      { path: "legal_form", kind: "select" },
      { path: "kbli", kind: "text", inputmode: "numeric", datalist: true },
      { path: "investment_value_idr", kind: "text", inputmode: "numeric", parse: parseRupiah },
      { path: "land_area_m2", kind: "text", inputmode: "decimal", parse: parseDecimal },
    ],
  },
  {
    name: "owner",
    fields: [
      { path: "owner.name", kind: "text", autocomplete: "name" },
      { path: "owner.nik", kind: "text", inputmode: "numeric", clean: stripNumberSeparators },
      { path: "owner.npwp", kind: "text", inputmode: "numeric", clean: stripNumberSeparators, optional: true },
      { path: "owner.phone", kind: "tel", autocomplete: "tel", clean: stripPhoneSeparators },
      { path: "owner.email", kind: "email", autocomplete: "email" },
    ],
  },
  {
    name: "location",
    fields: [
      { path: "location.region_code", kind: "select" },
      { path: "location.district_code", kind: "select", optional: true },
      { path: "location.address", kind: "textarea", autocomplete: "street-address" },
    ],
  },
];

export const FIELD_PATHS = SECTIONS.flatMap((section) => section.fields.map((field) => field.path));

function fieldId(prefix, path) {
  return `${prefix}-${path.replace(/\./g, "-").replace(/_/g, "-")}`;
}

function getPath(object, path) {
  return path.split(".").reduce((node, part) => (node == null ? undefined : node[part]), object);
}

function setPath(object, path, value) {
  const parts = path.split(".");
  let node = object;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part];
  }
  node[parts.at(-1)] = value;
}

// The translation key of an error: a field-specific one when the dictionary has it, e.g.
// "errors.owner.nik.pattern", else the keyword's general one, e.g. "errors.pattern".
export function errorKey(path, keyword) {
  const field = path.replace(/\.\d+(?=\.|$)/g, "");
  const specific = `errors.${field}.${keyword}`;
  return hasKey(specific) ? specific : `errors.${keyword}`;
}

export class FieldSet {
  constructor({ prefix, schema, reference }) {
    this.prefix = prefix;
    this.schema = schema;
    this.reference = reference;
    this.inputs = new Map();
    this.errorElements = new Map();
    this.element = h("div", { class: "fieldsets" }, SECTIONS.map((section) => this.renderSection(section)));
    this.input("location.region_code").addEventListener("change", () => this.fillDistricts());
    this.fillDistricts();
  }

  renderSection(section) {
    return h(
      "fieldset",
      { class: "fieldset", "data-section": section.name },
      h("legend", { i18n: `sections.${section.name}` }),
      section.fields.map((field) => this.renderField(field)),
    );
  }

  renderField(field) {
    const id = fieldId(this.prefix, field.path);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const control = this.renderControl(field, id);
    control.setAttribute("aria-describedby", `${helpId} ${errorId}`);
    control.dataset.path = field.path;
    this.inputs.set(field.path, control);

    const error = h("p", { class: "field__error", id: errorId, "aria-live": "polite" });
    this.errorElements.set(field.path, error);
    const label = h("label", { for: id, class: "field__label" }, h("span", { i18n: `fields.${field.path}.label` }));
    if (field.optional) {
      label.append(" ", h("span", { class: "field__optional", i18n: "fields.optional" }));
    }
    const datalist = field.datalist ? this.renderKbliList(`${id}-list`) : null;
    if (datalist) {
      control.setAttribute("list", datalist.id);
    }
    return h(
      "div",
      { class: "field", "data-field": field.path },
      label,
      h("p", { class: "field__help", id: helpId, i18n: `fields.${field.path}.help` }),
      control,
      datalist,
      error,
      h("p", { class: "field__note", id: `${id}-note`, "aria-live": "polite" }),
    );
  }

  renderControl(field, id) {
    const common = { id, name: field.path, autocomplete: field.autocomplete ?? "off" };
    if (field.kind === "select") {
      return h("select", common, this.options(field.path));
    }
    if (field.kind === "textarea") {
      return h("textarea", { ...common, rows: 3 });
    }
    return h("input", { ...common, type: field.kind, inputmode: field.inputmode ?? null, spellcheck: "false" });
  }

  options(path) {
    const placeholder = h("option", { value: "", i18n: "fields.choose" });
    if (path === "legal_form") {
      return [placeholder, ...enumOf(this.schema, "legal_form").map((value) => h("option", { value, i18n: `legal_form.${value}` }))];
    }
    if (path === "location.region_code") {
      return [placeholder, ...this.reference.regions.map((region) => h("option", { value: region.code }, `${region.code} ${region.name}`))];
    }
    return [placeholder];
  }

  renderKbliList(id) {
    const options = this.reference.rules.map((rule) => h("option", { value: rule.kbli }, `${rule.kbli} ${rule.title}`));
    return h("datalist", { id }, options);
  }

  fillDistricts(selected = "") {
    const region = this.input("location.region_code").value;
    const districtSelect = this.input("location.district_code");
    const current = selected || districtSelect.value;
    const districts = region ? this.reference.districts.filter((district) => district.code.startsWith(`${region}.`)) : [];
    districtSelect.replaceChildren(
      h("option", { value: "", i18n: "fields.choose_optional" }),
      ...districts.map((district) => h("option", { value: district.code }, `${district.code} ${district.name}`)),
    );
    districtSelect.value = districts.some((district) => district.code === current) ? current : "";
    districtSelect.disabled = districts.length === 0;
  }

  input(path) {
    return this.inputs.get(path);
  }

  note(path) {
    return this.element.querySelector(`#${fieldId(this.prefix, path)}-note`);
  }

  // Read the fields as manifest values. Empty fields are left out, so the "required" check reports them.
  values() {
    const result = {};
    for (const section of SECTIONS) {
      for (const field of section.fields) {
        let text = this.input(field.path).value.trim();
        if (field.clean) {
          text = field.clean(text);
        }
        if (text === "") {
          continue;
        }
        setPath(result, field.path, field.parse ? field.parse(text) : text);
      }
    }
    return result;
  }

  fill(values) {
    for (const path of FIELD_PATHS) {
      const value = getPath(values, path);
      if (value === undefined || value === null) {
        continue;
      }
      this.input(path).value = String(value);
      if (path === "location.region_code") {
        this.fillDistricts(getPath(values, "location.district_code") ?? "");
      }
    }
  }

  clearErrors() {
    for (const [path, element] of this.errorElements) {
      element.replaceChildren();
      delete element.dataset.i18n;
      this.input(path).removeAttribute("aria-invalid");
    }
  }

  // Show each error under its field, and return the errors that belong to none of these fields.
  showErrors(errors) {
    const unplaced = [];
    for (const error of errors) {
      const element = this.errorElements.get(error.path);
      if (!element) {
        unplaced.push(error);
        continue;
      }
      if (!element.dataset.i18n) {
        setText(element, errorKey(error.path, error.keyword), error.params);
        this.input(error.path).setAttribute("aria-invalid", "true");
      }
    }
    return unplaced;
  }

  // Mark fields that a server reason names, e.g. a correction request on "owner.phone".
  highlight(paths) {
    for (const path of paths) {
      this.input(path)?.closest(".field")?.classList.add("field--flagged");
    }
  }
}
