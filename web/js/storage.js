// Access tokens and submitted manifests kept in the browser, keyed by application id.
//
// Tokens of online applications go to localStorage so the applicant can come back later.
// Tokens of assisted applications, typed on an officer's shared device, and manifests,
// which hold the owner's personal data, stay in sessionStorage and end with the tab.

const TOKEN_PREFIX = "goso.token.";
const MANIFEST_PREFIX = "goso.manifest.";

function storages() {
  const found = [];
  for (const name of ["sessionStorage", "localStorage"]) {
    try {
      found.push(window[name]);
    } catch {
      // Storage is blocked, e.g. by browser privacy settings.
    }
  }
  return found;
}

export function saveAccessToken(applicationId, token, { persistent }) {
  const storage = persistent ? window.localStorage : window.sessionStorage;
  storage.setItem(TOKEN_PREFIX + applicationId, token);
}

export function accessToken(applicationId) {
  for (const storage of storages()) {
    const token = storage.getItem(TOKEN_PREFIX + applicationId);
    if (token) {
      return token;
    }
  }
  return null;
}

export function forgetAccessToken(applicationId) {
  for (const storage of storages()) {
    storage.removeItem(TOKEN_PREFIX + applicationId);
  }
}

// Application ids with a stored token in this browser.
export function knownApplications() {
  const ids = new Set();
  for (const storage of storages()) {
    for (let index = 0; index < storage.length; index += 1) {
      const key = storage.key(index);
      if (key?.startsWith(TOKEN_PREFIX)) {
        ids.add(key.slice(TOKEN_PREFIX.length));
      }
    }
  }
  return [...ids];
}

export function saveManifest(applicationId, manifest) {
  window.sessionStorage.setItem(MANIFEST_PREFIX + applicationId, JSON.stringify(manifest));
}

export function storedManifest(applicationId) {
  const text = window.sessionStorage.getItem(MANIFEST_PREFIX + applicationId);
  return text ? JSON.parse(text) : null;
}
