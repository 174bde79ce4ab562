// Element construction without innerHTML, so no user or server text is ever parsed as HTML.

import { setText } from "./i18n.js";

// h("p", {class: "help", i18n: "fields.nib.help"}, child, ...) builds an element. `i18n` and
// `i18nParams` give it a translated text, and other attributes are set as given (false and null omit them).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  const { i18n, i18nParams, ...rest } = attributes;
  for (const [name, value] of Object.entries(rest)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    element.setAttribute(name, value === true ? "" : String(value));
  }
  if (i18n) {
    setText(element, i18n, i18nParams ?? null);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Times are stored in UTC and shown in WITA (UTC+8), the time zone of Gorontalo.
export function formatWita(isoTime) {
  if (!isoTime) {
    return "";
  }
  const formatted = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Makassar",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(isoTime));
  return `${formatted} WITA`;
}

// The current time as ISO 8601 with the device's UTC offset, e.g. 2026-03-02T09:30:00+08:00.
export function nowWithOffset(date = new Date()) {
  const pad = (value) => String(value).padStart(2, "0");
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const absolute = Math.abs(offsetMinutes);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`
  );
}
