// Client of the GOSO HTTP API. The API shares the form's origin unless `config.json` beside
// index.html names another one as {"api_url": "https://..."}.

let apiBase = "";

export class ApiError extends Error {
  constructor(status, body) {
    // Errors carry {code, message: {id, en}, reasons}; a plain-text body becomes {message}.
    super(body?.message?.en ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    // Reasons {code, message: {id, en}, field, document} when the API sends them.
    this.reasons = Array.isArray(body?.reasons) ? body.reasons : [];
  }
}

export async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) {
      const config = await response.json();
      apiBase = (config.api_url ?? "").replace(/\/$/, "");
    }
  } catch {
    // Without a readable config.json the API shares the form's origin.
  }
}

async function request(method, path, { token = null, body = undefined } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

export const api = {
  manifestSchema: () => request("GET", "/schema/manifest"),
  reference: () => request("GET", "/reference"),
  // documents: [{slot, content_type, size, file_name}]
  createApplication: (documents) => request("POST", "/applications", { body: { documents } }),
  requestCorrection: (applicationId, token, documents) =>
    request("POST", `/applications/${encodeURIComponent(applicationId)}/corrections`, {
      token,
      body: { documents },
    }),
  application: (applicationId, token) =>
    request("GET", `/applications/${encodeURIComponent(applicationId)}`, { token }),
  permit: (applicationId, token) =>
    request("GET", `/applications/${encodeURIComponent(applicationId)}/permit`, { token }),
};
