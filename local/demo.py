"""Run the bundled sample applications through the pipeline, as applicants and operators would."""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from local.client import FINAL_STATUSES, ApiError, GosoClient, Submission, read_folder, submit_round
from local.sample_documents import CONTENT_TYPES, make_document
from schemas.reference import load_reference

SAMPLES_PACKAGE = "local.samples"
POLL_SECONDS = 0.3
DECISION_REASONS = {
    "approve": "Persyaratan teknis terpenuhi / technical requirements met",
    "reject": "Lokasi berdampingan dengan sekolah; tidak sesuai tata ruang / next to a school, not allowed by the zoning plan",
    "correction": "Denah lokasi tidak terbaca; unggah ulang dengan skala yang jelas / site plan unreadable, upload it with a clear scale",
}


@dataclass
class SampleResult:
    sample: str
    application_id: str = ""
    status: str = ""
    oss_status_code: str | None = None
    deemed_approval: bool = False
    permit_number: str | None = None
    permit_path: str | None = None
    reasons: list[str] = field(default_factory=list)
    expected: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def as_expected(self) -> bool:
        want = self.expected
        if self.status != want.get("status") or self.oss_status_code != want.get("oss_status_code"):
            return False
        if self.deemed_approval != want.get("deemed_approval", False):
            return False
        return all(code in self.reasons for code in want.get("reason_codes", []))

    def as_dict(self) -> dict:
        return {
            "sample": self.sample,
            "application_id": self.application_id,
            "status": self.status,
            "oss_status_code": self.oss_status_code,
            "deemed_approval": self.deemed_approval,
            "permit_number": self.permit_number,
            "permit_path": self.permit_path,
            "reasons": self.reasons,
        }


def load_samples() -> dict[str, dict]:
    folder = resources.files(SAMPLES_PACKAGE)
    return {
        entry.name.removesuffix(".json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def materialize(name: str, sample: dict, out_dir: Path, round_number: int = 1, slots: list[str] | None = None) -> Path:
    """Write a sample's submission folder for one round: application.json plus the documents it lists."""
    folder = out_dir / "samples" / name / f"round-{round_number}"
    folder.mkdir(parents=True, exist_ok=True)
    omitted = set(sample.get("omit_in_round_1", [])) if round_number == 1 else set()
    documents = []
    for spec in sample["documents"]:
        if spec["slot"] in omitted or (slots is not None and spec["slot"] not in slots):
            continue
        lines = [*spec["lines"], f"Pemohon / applicant: {sample['manifest']['business_name']}", f"Ronde / round {round_number}"]
        data = make_document(spec["kind"], spec["title"], lines)
        (folder / spec["file_name"]).write_bytes(data)
        documents.append({"slot": spec["slot"], "file_name": spec["file_name"], "content_type": CONTENT_TYPES[spec["kind"]]})
    manifest = {**sample["manifest"], "documents": documents}
    (folder / "application.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def demo_operator(sector: str) -> str:
    """Return the first configured operator of `sector`."""
    for operator, operator_sector in load_reference().operators.items():
        if operator_sector == sector:
            return operator
    raise LookupError(f"no operator is configured for sector {sector}")


def permit_file_name(permit_number: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", permit_number).strip("-") + ".pdf"


class Scenario:
    """Drive one sample: submit, answer correction requests, decide reviews, wait for the end."""

    def __init__(self, client: GosoClient, name: str, sample: dict, out_dir: Path, timeout: float, log=print):
        self.client = client
        self.name = name
        self.sample = sample
        self.out_dir = out_dir
        self.timeout = timeout
        self.log = log
        self.reviews = {sector: list(decisions) for sector, decisions in sample.get("reviews", {}).items()}
        self.corrections = list(sample.get("corrections", []))
        self.decided: set[str] = set()

    def run(self) -> SampleResult:
        result = SampleResult(sample=self.name, expected=self.sample["expected"])
        try:
            self._run(result)
        except (ApiError, TimeoutError, OSError) as error:
            result.error = str(error)
            self.log(f"[{self.name}] failed: {error}")
        return result

    def _run(self, result: SampleResult) -> None:
        manifest, files = read_folder(materialize(self.name, self.sample, self.out_dir))
        submission = submit_round(self.client, manifest, files)
        result.application_id = submission.application_id
        self.log(f"[{self.name}] submitted as {submission.application_id}")
        deadline = time.monotonic() + self.timeout
        round_number = 1
        record = {}
        while time.monotonic() < deadline:
            record = self.client.status(submission)
            status = record["status"]
            if status in FINAL_STATUSES:
                break
            if status == "CORRECTION_REQUESTED" and record["round"] == round_number and self.corrections:
                round_number += 1
                self._correct(submission, round_number)
            elif status == "IN_REVIEW":
                self._decide_open_tasks(submission)
            time.sleep(POLL_SECONDS)
        else:
            raise TimeoutError(f"{self.name} did not reach a final status within {self.timeout:.0f} s (last: {record.get('status')})")
        result.status = record["status"]
        result.oss_status_code = record.get("oss_status_code")
        result.deemed_approval = record.get("deemed_approval", False)
        result.permit_number = record.get("permit_number")
        result.reasons = [reason["code"] for reason in record.get("reasons", [])]
        if result.status == "ISSUED":
            link = self.client.permit_link(submission)
            path = self.out_dir / "permits" / permit_file_name(result.permit_number)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.client.download(link["url"]))
            result.permit_path = str(path)
        self.log(f"[{self.name}] {result.status} (OSS {result.oss_status_code}) {result.permit_number or ''}".rstrip())

    def _correct(self, submission: Submission, round_number: int) -> None:
        correction = self.corrections.pop(0)
        folder = materialize(self.name, self.sample, self.out_dir, round_number, slots=correction["documents"])
        manifest, files = read_folder(folder)
        submit_round(self.client, manifest, files, submission)
        self.log(f"[{self.name}] correction round {round_number} uploaded: {', '.join(correction['documents'])}")

    def _decide_open_tasks(self, submission: Submission) -> None:
        view = self.client.operator_view(submission.application_id)
        for task in view["tasks"]:
            if task["state"] != "OPEN" or task["task_id"] in self.decided:
                continue
            queue = self.reviews.get(task["sector"], [])
            if not queue:
                continue  # No decision is scripted, so the deadline passes.
            decision = queue.pop(0)
            self.client.decide(task["task_id"], decision, DECISION_REASONS[decision], demo_operator(task["sector"]))
            self.decided.add(task["task_id"])
            self.log(f"[{self.name}] {task['sector']} decided {decision} on {task['task_id']}")


def run_demo(api_url: str, out_dir: Path, timeout: float = 120, log=print, only: list[str] | None = None) -> list[SampleResult]:
    """Run every sample concurrently; return their results in sample order."""
    samples = load_samples()
    if only:
        unknown = sorted(set(only) - set(samples))
        if unknown:
            raise KeyError(f"unknown sample(s) {unknown}; available: {sorted(samples)}")
        samples = {name: samples[name] for name in only}
    client = GosoClient(api_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "issuer-public-key.pem").write_bytes(client.issuer_public_key())
    with ThreadPoolExecutor(max_workers=len(samples)) as pool:
        futures = [
            pool.submit(Scenario(GosoClient(api_url), name, sample, out_dir, timeout, log).run)
            for name, sample in samples.items()
        ]
        return [future.result() for future in futures]


def summary(results: list[SampleResult]) -> dict:
    counts = {status: 0 for status in ("ISSUED", "REJECTED", "INCOMPLETE", "FAILED")}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return {"applications": [r.as_dict() for r in results], "counts": counts}
