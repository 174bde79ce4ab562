"""A client of the GOSO HTTP API that uploads like the web form: pre-signed POSTs over HTTP."""

import hashlib
import json
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

FINAL_STATUSES = {"ISSUED", "REJECTED", "INCOMPLETE", "FAILED"}
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class ApiError(RuntimeError):
    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {_error_text(body)}")
        self.status = status
        self.body = body


def _error_text(body: str) -> str:
    """Return the API's message (and reason messages), or the raw body if it is not JSON."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return body[:500]
    if not isinstance(data, dict):
        return body[:500]
    reasons = [reason["message"]["en"] for reason in data.get("reasons", []) if isinstance(reason, dict)]
    message = data.get("message", body[:500])
    return " ".join(reasons) or str(message.get("en") if isinstance(message, dict) else message)


def content_type_of(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass
class Submission:
    application_id: str
    access_token: str


class GosoClient:
    def __init__(self, api_url: str, timeout: float = 30):
        self.api_url = api_url.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout

    def _request(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.session.request(method, self.api_url + path, headers=headers, timeout=self.timeout, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response.status_code, response.text)
        return response.json()

    # --- applicant ----------------------------------------------------------------------

    def create(self, documents: list[dict]) -> dict:
        return self._request("POST", "/applications", json={"documents": documents})

    def correction_uploads(self, submission: Submission, documents: list[dict]) -> dict:
        path = f"/applications/{submission.application_id}/corrections"
        return self._request("POST", path, token=submission.access_token, json={"documents": documents})

    def status(self, submission: Submission) -> dict:
        return self._request("GET", f"/applications/{submission.application_id}", token=submission.access_token)

    def permit_link(self, submission: Submission) -> dict:
        return self._request("GET", f"/applications/{submission.application_id}/permit", token=submission.access_token)

    def upload(self, post: dict, data: bytes, file_name: str, content_type: str) -> None:
        """Upload through a pre-signed POST, retrying transient failures as the form does."""
        for attempt in range(3):
            response = self.session.post(
                post["url"], data=post["fields"], files={"file": (file_name, data, content_type)}, timeout=self.timeout
            )
            if response.status_code in (200, 201, 204):
                return
            if response.status_code < 500:
                raise ApiError(response.status_code, response.text)
            time.sleep(0.5 * 2**attempt)
        raise ApiError(response.status_code, response.text)

    def download(self, url: str) -> bytes:
        response = self.session.get(url, timeout=self.timeout)
        if response.status_code != 200:
            raise ApiError(response.status_code, response.text)
        return response.content

    # --- public -------------------------------------------------------------------------

    def verify(self, permit_number: str) -> dict:
        return self._request("GET", f"/verify?permit={quote(permit_number, safe='')}")

    def issuer_public_key(self) -> bytes:
        response = self.session.get(self.api_url + "/issuer-public-key", timeout=self.timeout)
        if response.status_code != 200:
            raise ApiError(response.status_code, response.text)
        return response.content

    # --- operators ----------------------------------------------------------------------

    def open_tasks(self, sector: str) -> list[dict]:
        return self._request("GET", f"/operator/tasks?sector={quote(sector)}")["tasks"]

    def decide(self, task_id: str, decision: str, reason: str, operator_id: str) -> dict:
        body = {"decision": decision, "reason": reason, "operator_id": operator_id}
        return self._request("POST", f"/operator/tasks/{quote(task_id, safe='')}/decision", json=body)

    def operator_view(self, application_id: str) -> dict:
        return self._request("GET", f"/operator/applications/{application_id}")


def read_folder(folder: Path, manifest_name: str = "application.json") -> tuple[dict, dict[str, tuple[bytes, str, str]]]:
    """Read a submission folder: its manifest and the files it lists, by slot.

    Missing `size`, `sha256` and `content_type` entries are filled from the files, as the
    form computes them in the browser. A listed file that does not exist is reported.
    """
    manifest_path = folder / manifest_name
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{manifest_path} is not valid JSON ({error.msg}, line {error.lineno} column {error.colno}); fix the file and submit again"
        ) from None
    except FileNotFoundError:
        raise FileNotFoundError(f"{manifest_path} not found: a submission folder needs an {manifest_name}") from None
    files: dict[str, tuple[bytes, str, str]] = {}
    if not isinstance(manifest, dict):
        raise ValueError(f"{manifest_path} must hold a JSON object, not {type(manifest).__name__}")
    root = folder.resolve()
    for entry in manifest.get("documents", []):
        if not isinstance(entry, dict) or "file_name" not in entry or "slot" not in entry:
            raise ValueError(f"each entry of 'documents' in {manifest_path} needs a 'slot' and a 'file_name'")
        path = (folder / entry["file_name"]).resolve()
        if root not in path.parents:
            raise ValueError(f"{entry['file_name']} (slot {entry.get('slot')}) is outside {folder}: list files inside the folder")
        if not path.is_file():
            raise FileNotFoundError(f"{path} is listed in {manifest_name} (slot {entry.get('slot')}) but does not exist")
        data = path.read_bytes()
        entry.setdefault("content_type", content_type_of(path))
        entry.setdefault("size", len(data))
        entry.setdefault("sha256", hashlib.sha256(data).hexdigest())
        files[entry["slot"]] = (data, entry["file_name"], entry["content_type"])
    return manifest, files


def submit_round(
    client: GosoClient,
    manifest: dict,
    files: dict[str, tuple[bytes, str, str]],
    submission: Submission | None = None,
) -> Submission:
    """Create the application (or open a correction round), upload the documents, then the manifest."""
    declared = [
        {"slot": slot, "content_type": content_type, "size": len(data), "file_name": name}
        for slot, (data, name, content_type) in files.items()
    ]
    if submission is None:
        created = client.create(declared)
        submission = Submission(created["application_id"], created["access_token"])
    else:
        created = client.correction_uploads(submission, declared)
    for slot, (data, name, content_type) in files.items():
        client.upload(created["documents"][slot], data, name, content_type)
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    client.upload(created["manifest"], body, "application.json", "application/json")
    return submission
