// Uploads through S3 pre-signed POSTs, with progress and retries, plus the checks on a file's
// bytes that the pipeline also makes (content type from magic numbers, SHA-256).

export const UPLOAD_ATTEMPTS = 3;
export const RETRY_BASE_DELAY_MS = 1000;

export class UploadError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
    // Network errors, timeouts and server errors may pass on a later attempt. A 4xx means the
    // policy rejected the request, which then fails again.
    this.retryable = status === 0 || status >= 500;
  }
}

// Send one pre-signed POST: the policy fields first, the file last, as S3 requires.
// `onProgress(loaded, total)` follows the upload.
export function postFile(post, blob, fileName, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) {
      form.append(name, value);
    }
    form.append("file", blob, fileName);

    const xhr = new XMLHttpRequest();
    xhr.open("POST", post.url);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        onProgress(event.loaded, event.total);
      }
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(blob.size, blob.size);
        resolve(xhr.status);
      } else {
        reject(new UploadError(`upload of ${fileName} failed: HTTP ${xhr.status}`, xhr.status));
      }
    });
    xhr.addEventListener("error", () => reject(new UploadError(`upload of ${fileName} failed: network error`, 0)));
    xhr.addEventListener("timeout", () => reject(new UploadError(`upload of ${fileName} timed out`, 0)));
    xhr.send(form);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Upload with up to `attempts` tries, waiting 1 s, then 2 s (doubling) between them.
// `onRetry(attempt, error)` is called before each new try.
export async function uploadWithRetry(post, blob, fileName, { onProgress, onRetry, attempts = UPLOAD_ATTEMPTS } = {}) {
  let lastError = null;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await postFile(post, blob, fileName, onProgress ?? (() => {}));
    } catch (error) {
      lastError = error;
      if (!(error instanceof UploadError) || !error.retryable || attempt === attempts) {
        break;
      }
      onRetry?.(attempt + 1, error);
      await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
    }
  }
  throw lastError;
}

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// The pipeline, like PDF readers, accepts a PDF header anywhere in the first 1024 bytes.
const PDF_HEADER_WINDOW = 1024;

// Return the content type the file's first bytes show (PDF, JPEG or PNG), or null.
export async function detectContentType(blob) {
  const bytes = new Uint8Array(await blob.slice(0, PDF_HEADER_WINDOW).arrayBuffer());
  if (PNG_SIGNATURE.every((value, index) => bytes[index] === value)) {
    return "image/png";
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "image/jpeg";
  }
  const head = new TextDecoder("latin1").decode(bytes);
  if (head.includes("%PDF-")) {
    return "application/pdf";
  }
  return null;
}
