// Translation of the page between Bahasa Indonesia (default) and English.
//
// Static text carries `data-i18n="dotted.key"` (with optional `data-i18n-params` as JSON) and
// is re-translated on every language switch. Text that arrives already translated, such as
// the server's reason messages, carries both versions in `data-text-id` and `data-text-en`.

export const LANGUAGES = ["id", "en"];
const DEFAULT_LANGUAGE = "id";
const STORAGE_KEY = "goso.language";

const dictionaries = {};
let language = DEFAULT_LANGUAGE;

export async function loadDictionaries(baseUrl = "i18n/") {
  const loaded = await Promise.all(
    LANGUAGES.map(async (lang) => {
      const response = await fetch(`${baseUrl}${lang}.json`);
      if (!response.ok) {
        throw new Error(`dictionary ${lang}.json failed to load: HTTP ${response.status}`);
      }
      return [lang, await response.json()];
    }),
  );
  for (const [lang, dictionary] of loaded) {
    dictionaries[lang] = dictionary;
  }
  const saved = readSavedLanguage();
  language = LANGUAGES.includes(saved) ? saved : DEFAULT_LANGUAGE;
  document.documentElement.lang = language;
}

function readSavedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function currentLanguage() {
  return language;
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) {
    throw new Error(`unsupported language '${lang}', expected one of ${LANGUAGES.join(", ")}`);
  }
  language = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private browsing may block storage, and then the choice lasts until the page reloads.
  }
  translate(document);
}

function lookup(dictionary, key) {
  let node = dictionary;
  for (const part of key.split(".")) {
    if (node === undefined || node === null) {
      return undefined;
    }
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

// A parameter given as {id, en} is shown in the current language.
function paramText(value) {
  if (value !== null && typeof value === "object" && "id" in value && "en" in value) {
    return String(value[language]);
  }
  return String(value);
}

export function hasKey(key) {
  return lookup(dictionaries[language] ?? {}, key) !== undefined;
}

// Translate a key into the current language, falling back to Indonesian, then to the key itself.
export function t(key, params = {}) {
  const template =
    lookup(dictionaries[language] ?? {}, key) ?? lookup(dictionaries[DEFAULT_LANGUAGE] ?? {}, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? paramText(params[name]) : match));
}

// Give an element a translated text that follows language switches.
export function setText(element, key, params = null) {
  element.dataset.i18n = key;
  if (params) {
    element.dataset.i18nParams = JSON.stringify(params);
  } else {
    delete element.dataset.i18nParams;
  }
  element.textContent = t(key, params ?? {});
}

// Give an element a text that exists in both languages, e.g. a reason message {id, en}.
export function setBilingualText(element, texts) {
  delete element.dataset.i18n;
  element.dataset.textId = texts.id;
  element.dataset.textEn = texts.en;
  element.textContent = texts[language];
}

export function translate(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    const params = element.dataset.i18nParams ? JSON.parse(element.dataset.i18nParams) : {};
    element.textContent = t(element.dataset.i18n, params);
  }
  for (const element of root.querySelectorAll("[data-i18n-attr]")) {
    // Format: "attribute:key;attribute:key", e.g. "aria-label:status.copy".
    for (const pair of element.dataset.i18nAttr.split(";")) {
      const [attribute, key] = pair.split(":");
      element.setAttribute(attribute, t(key));
    }
  }
  for (const element of root.querySelectorAll("[data-text-id]")) {
    element.textContent = language === "en" ? element.dataset.textEn : element.dataset.textId;
  }
}

// Format a byte count as megabytes in both languages' number formats, e.g. {id: "5", en: "5"}.
export function megabytes(bytes) {
  const value = bytes / (1024 * 1024);
  const format = (locale) => value.toLocaleString(locale, { maximumFractionDigits: 1 });
  return { id: format("id-ID"), en: format("en-GB") };
}
