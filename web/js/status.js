// The status page: polls GET /applications/{id}, follows the application through the
// pipeline, shows reasons in the chosen language, the correction step and the permit link.

import { ApiError, api } from "./api.js";
import { CorrectionForm } from "./correction.js";
import { h, formatWita } from "./dom.js";
import { setBilingualText, setText } from "./i18n.js";
import { tokenDetails } from "./form.js";
import { accessToken, forgetAccessToken, saveAccessToken } from "./storage.js";

export const POLL_INTERVAL_MS = 1500;
const MAX_POLL_INTERVAL_MS = 15000;
const FINAL_STATUSES = new Set(["ISSUED", "REJECTED", "INCOMPLETE", "FAILED"]);
const STEPS = ["submitted", "verifying", "review", "issuing", "issued"];
const STEP_OF_STATUS = {
  DRAFT: 0,
  RECEIVED: 1,
  VERIFYING: 1,
  CORRECTION_REQUESTED: 1,
  IN_REVIEW: 2,
  ISSUING: 3,
  ISSUED: 4,
};

export class StatusPage {
  constructor({ schema, reference, applicationId }) {
    this.schema = schema;
    this.reference = reference;
    this.applicationId = applicationId;
    this.token = accessToken(applicationId);
    this.timer = null;
    this.disposed = false;
    this.shownVersion = null;
    this.correctionRound = null;
    this.failures = 0;
    this.element = h("section", { class: "page", "aria-labelledby": "status-title" });
    if (this.token) {
      this.renderPage();
      this.poll();
    } else {
      this.renderTokenRequest();
    }
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  renderTokenRequest(rejected = false) {
    const input = h("input", {
      type: "text",
      id: "token-input",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "token-input-help token-input-error",
    });
    const error = h("p", { class: "field__error", id: "token-input-error", "aria-live": "polite" });
    if (rejected) {
      setText(error, "status.token_rejected");
    }
    const form = h(
      "form",
      { novalidate: true },
      h(
        "div",
        { class: "field" },
        h("label", { for: "token-input", class: "field__label", i18n: "token.access_token" }),
        h("p", { class: "field__help", id: "token-input-help", i18n: "status.token_needed" }),
        input,
        error,
      ),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button", i18n: "status.open" })),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        setText(error, "errors.required");
        return;
      }
      saveAccessToken(this.applicationId, token, { persistent: true });
      this.token = token;
      this.renderPage();
      this.poll();
    });
    this.element.replaceChildren(
      h("h1", { id: "status-title", i18n: "status.title" }),
      h("p", {}, h("code", {}, this.applicationId)),
      form,
    );
  }

  renderPage() {
    this.statusBox = h("div", { class: "status-box", role: "status", "aria-live": "polite", id: "status-box" });
    this.steps = h("ol", { class: "steps", id: "status-steps" });
    this.reasons = h("div", { class: "reasons", "aria-live": "polite", id: "status-reasons" });
    this.facts = h("dl", { class: "facts", id: "status-facts" });
    this.documents = h("div", { class: "status-documents", id: "status-documents" });
    this.permit = h("div", { class: "permit", id: "permit" });
    this.correction = h("div", { id: "correction-slot" });
    this.pollError = h("p", { class: "field__error", "aria-live": "assertive", id: "status-error" });
    this.element.replaceChildren(
      h("h1", { id: "status-title", i18n: "status.title" }),
      this.statusBox,
      this.pollError,
      this.steps,
      this.reasons,
      this.permit,
      this.correction,
      h("h2", { i18n: "status.details" }),
      this.facts,
      this.documents,
      h("div", { class: "token-box" }, ...tokenDetails(this.applicationId, this.token)),
    );
    setText(this.statusBox, "status.loading");
  }

  async poll() {
    if (this.disposed) {
      return;
    }
    let record = null;
    try {
      record = await api.application(this.applicationId, this.token);
      this.failures = 0;
      this.pollError.replaceChildren();
      delete this.pollError.dataset.i18n;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
        forgetAccessToken(this.applicationId);
        if (error.status === 401) {
          this.renderTokenRequest(true);
        } else {
          setText(this.statusBox, "status.not_found");
        }
        return;
      }
      this.failures += 1;
      setText(this.pollError, "status.poll_failed", { detail: error.message });
    }
    if (this.disposed) {
      return;
    }
    if (record) {
      this.show(record);
      if (FINAL_STATUSES.has(record.status)) {
        return;
      }
    }
    const delay = Math.min(POLL_INTERVAL_MS * 2 ** this.failures, MAX_POLL_INTERVAL_MS);
    this.timer = setTimeout(() => this.poll(), delay);
  }

  show(record) {
    if (record.version === this.shownVersion) {
      return;
    }
    this.shownVersion = record.version;
    this.element.dataset.status = record.status;
    this.renderStatus(record);
    this.renderSteps(record);
    this.renderReasons(record);
    this.renderFacts(record);
    this.renderDocuments(record);
    this.renderPermit(record);
    this.renderCorrection(record);
  }

  renderStatus(record) {
    const code = record.oss_status_code;
    this.statusBox.removeAttribute("data-i18n");
    const parts = [
      h("p", { class: "status-box__label" }, h("strong", { id: "status-label", "data-status": record.status, i18n: `statuses.${record.status}.label` })),
      h("p", { class: "status-box__help", i18n: `statuses.${record.status}.help` }),
      code ? h("p", { class: "status-box__code", i18n: "status.oss_code", i18nParams: { code } }) : null,
      record.status === "CORRECTION_REQUESTED" && record.correction_deadline
        ? h("p", { class: "status-box__deadline", i18n: "status.correction_deadline", i18nParams: { time: formatWita(record.correction_deadline) } })
        : null,
    ];
    this.statusBox.replaceChildren(...parts.filter(Boolean));
    this.statusBox.className = `status-box status-box--${record.status.toLowerCase()}`;
  }

  renderSteps(record) {
    const current = STEP_OF_STATUS[record.status];
    this.steps.hidden = current === undefined;
    if (current === undefined) {
      return;
    }
    const reviewSkipped = record.risk_level === "R" || record.risk_level === "MR";
    this.steps.replaceChildren(
      ...STEPS.map((step, index) => {
        let state = "todo";
        if (index < current) {
          state = "done";
        } else if (index === current) {
          state = "current";
        }
        if (step === "review" && reviewSkipped && index <= current) {
          state = "skipped";
        }
        if (record.status === "ISSUED" && index === current) {
          state = "done";
        }
        return h(
          "li",
          { class: `steps__item steps__item--${state}`, "aria-current": index === current ? "step" : null },
          h("span", { i18n: `steps.${step}` }),
          " ",
          h("span", { class: "visually-hidden", i18n: `steps.state.${state}` }),
        );
      }),
    );
  }

  renderReasons(record) {
    if (!record.reasons.length) {
      this.reasons.replaceChildren();
      return;
    }
    this.reasons.replaceChildren(
      h("h2", { i18n: "status.reasons" }),
      h(
        "ul",
        { class: "reasons__list" },
        record.reasons.map((reason) => {
          const message = h("span", { class: "reason__message" });
          setBilingualText(message, reason.message);
          return h("li", { class: "reason", "data-code": reason.code }, message, " ", h("code", { class: "reason__code" }, reason.code));
        }),
      ),
    );
  }

  renderFacts(record) {
    const rows = [
      ["status.facts.application_id", h("code", {}, record.application_id)],
      ["status.facts.business", record.business_name],
      ["status.facts.kbli", record.kbli ? `${record.kbli} ${record.kbli_title ?? ""}`.trim() : null],
      ["status.facts.risk", record.risk_level ? h("span", { i18n: `risk.${record.risk_level}.label` }) : null],
      ["status.facts.channel", h("span", { i18n: `channel.${record.channel}` })],
      ["status.facts.officer", record.officer_id],
      ["status.facts.round", String(record.round)],
      ["status.facts.updated", formatWita(record.updated_at)],
    ];
    this.facts.replaceChildren(
      ...rows
        .filter(([, value]) => value !== null && value !== undefined && value !== "")
        .flatMap(([key, value]) => [h("dt", { i18n: key }), h("dd", {}, value)]),
    );
  }

  renderDocuments(record) {
    const documents = Object.values(record.documents ?? {});
    if (!documents.length) {
      this.documents.replaceChildren();
      return;
    }
    const slots = new Map(this.reference.slots.map((slot) => [slot.slot, slot]));
    this.documents.replaceChildren(
      h("h3", { i18n: "status.documents" }),
      h(
        "ul",
        { class: "document-list" },
        documents.map((document) => {
          const title = h("span");
          const definition = slots.get(document.slot);
          if (definition) {
            setBilingualText(title, { id: definition.title_id, en: definition.title_en });
          } else {
            title.textContent = document.slot;
          }
          return h(
            "li",
            { "data-slot": document.slot },
            title,
            ": ",
            document.file_name,
            " ",
            h("span", { class: document.accepted ? "ok" : "bad", i18n: document.accepted ? "status.accepted" : "status.not_accepted" }),
          );
        }),
      ),
    );
  }

  renderPermit(record) {
    if (record.status !== "ISSUED") {
      this.permit.replaceChildren();
      return;
    }
    const button = h("button", { type: "button", class: "button", id: "permit-button", i18n: "permit.get" });
    const result = h("p", { id: "permit-result", "aria-live": "polite" });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const link = await api.permit(this.applicationId, this.token);
        result.replaceChildren(
          h("a", { href: link.url, id: "permit-link", target: "_blank", rel: "noopener", i18n: "permit.open", i18nParams: { number: link.permit_number } }),
          " ",
          h("span", { class: "field__help", i18n: "permit.expires", i18nParams: { minutes: Math.round(link.expires_in_seconds / 60) } }),
        );
      } catch (error) {
        setText(result, "permit.failed", { detail: error.message });
      } finally {
        button.disabled = false;
      }
    });
    const parts = [
      h("h2", { i18n: "permit.title" }),
      h("p", { i18n: "permit.number", i18nParams: { number: record.permit_number ?? "" } }),
      record.deemed_approval ? h("p", { i18n: "permit.deemed" }) : null,
      button,
      result,
    ];
    this.permit.replaceChildren(...parts.filter(Boolean));
  }

  renderCorrection(record) {
    if (record.status !== "CORRECTION_REQUESTED") {
      this.correction.replaceChildren();
      this.correctionRound = null;
      return;
    }
    // Keep the form the applicant is filling in while polling continues.
    if (this.correctionRound === record.round) {
      return;
    }
    this.correctionRound = record.round;
    const form = new CorrectionForm({
      schema: this.schema,
      reference: this.reference,
      record,
      token: this.token,
      onSent: () => {
        clearTimeout(this.timer);
        this.poll();
      },
    });
    this.correction.replaceChildren(form.element);
  }
}

// The tracking page: open an application by id and access token, or one with a token in this browser.
export function renderTrackPage(knownIds) {
  const idInput = h("input", { type: "text", id: "track-id", autocomplete: "off", spellcheck: "false" });
  const tokenInput = h("input", { type: "text", id: "track-token", autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "field__error", "aria-live": "polite", id: "track-error" });
  const form = h(
    "form",
    { novalidate: true },
    h("div", { class: "field" }, h("label", { for: "track-id", class: "field__label", i18n: "token.application_id" }), idInput),
    h(
      "div",
      { class: "field" },
      h("label", { for: "track-token", class: "field__label", i18n: "token.access_token" }),
      h("p", { class: "field__help", i18n: "status.token_needed" }),
      tokenInput,
    ),
    error,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button", i18n: "status.open" })),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    const token = tokenInput.value.trim();
    if (!id || !token) {
      setText(error, "status.track_missing");
      return;
    }
    saveAccessToken(id, token, { persistent: true });
    window.location.hash = `#/status/${encodeURIComponent(id)}`;
  });
  return h(
    "section",
    { class: "page", "aria-labelledby": "track-title" },
    h("h1", { id: "track-title", i18n: "nav.track" }),
    knownIds.length
      ? h(
          "div",
          {},
          h("h2", { i18n: "status.known" }),
          h("ul", {}, knownIds.map((id) => h("li", {}, h("a", { href: `#/status/${encodeURIComponent(id)}` }, h("code", {}, id))))),
        )
      : null,
    form,
  );
}
