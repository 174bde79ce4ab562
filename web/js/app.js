// Entry point: loads the dictionaries, the manifest schema and the reference data, then
// routes between the form (#/), the status page (#/status/{id}) and tracking (#/track).

import { api, loadConfig } from "./api.js";
import { h } from "./dom.js";
import { ApplicationForm } from "./form.js";
import { currentLanguage, loadDictionaries, setLanguage, setText, translate } from "./i18n.js";
import { StatusPage, renderTrackPage } from "./status.js";
import { knownApplications } from "./storage.js";

const main = document.getElementById("main");
let context = null;
let view = null;

function updateLanguageButton(button) {
  // The button names the other language in that language, so a reader of either finds it.
  const other = currentLanguage() === "id" ? "en" : "id";
  button.textContent = other === "en" ? "English" : "Bahasa Indonesia";
  button.lang = other;
}

function updateTitle() {
  document.title = `${main.querySelector("h1")?.textContent ?? ""} – GOSO`;
}

function route() {
  view?.dispose?.();
  view = null;
  const hash = window.location.hash || "#/";
  const statusMatch = hash.match(/^#\/status\/([^/]+)$/);
  if (statusMatch) {
    view = new StatusPage({ ...context, applicationId: decodeURIComponent(statusMatch[1]) });
    main.replaceChildren(view.element);
  } else if (hash === "#/track") {
    main.replaceChildren(renderTrackPage(knownApplications()));
  } else {
    view = new ApplicationForm(context);
    main.replaceChildren(view.element);
  }
  translate(main);
  updateTitle();
  main.focus({ preventScroll: true });
}

async function start() {
  const languageButton = document.getElementById("language-switch");
  try {
    await Promise.all([loadDictionaries(), loadConfig()]);
    translate(document);
    updateLanguageButton(languageButton);
    languageButton.addEventListener("click", () => {
      setLanguage(currentLanguage() === "id" ? "en" : "id");
      updateLanguageButton(languageButton);
      updateTitle();
    });
    const [schema, reference] = await Promise.all([api.manifestSchema(), api.reference()]);
    context = { schema, reference };
  } catch (error) {
    const message = h("p", { class: "field__error", role: "alert" });
    setText(message, "app.load_failed", { detail: error.message });
    main.replaceChildren(message);
    return;
  }
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "true";
}

start();
