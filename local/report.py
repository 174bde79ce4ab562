"""The monitors' evidence pack: what happened to every application in a period, and who decided.

Read from DynamoDB only: the application records, their review tasks and their audit
trails. Times are stored in UTC; the period is given in WITA dates (UTC+8) and every time in
the Markdown is shown in WITA.
"""

import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from boto3.dynamodb.conditions import Attr

from functions.store import Store
from schemas.application import Application
from schemas.review import ReviewTask, TaskState
from schemas.status import FINAL_STATUSES, RiskLevel, Status

WITA = timezone(timedelta(hours=8), "WITA")

# Audit actions that decide something about an application, and who takes them.
DECISION_ACTIONS = {
    "manifest_rejected": "intake rejected the form",
    "correction_requested": "correction requested",
    "review_approve": "sector review approved",
    "review_reject": "sector review rejected",
    "review_correction": "sector review requested a correction",
    "deemed_approval": "deemed approval (review deadline missed)",
    "closed_rejected": "application closed as rejected",
    "closed_incomplete": "application closed as incomplete (correction deadline missed)",
    "failed": "application failed",
    "permit_issued": "permit issued",
}


@dataclass(frozen=True)
class Period:
    """Whole WITA days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, WITA).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, WITA).astimezone(UTC)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass
class ApplicationEvidence:
    application: Application
    tasks: list[ReviewTask]
    audit: list[dict[str, Any]]


def list_applications(store: Store, period: Period) -> list[Application]:
    """Return the applications created within `period`, oldest first.

    NOTE: this is a Scan with a filter, which reads the whole table (audit entries
    included) on every run. The pipeline never lists applications by date, so the table has
    no index for it. An occasional report over a provincial office's volume (thousands of
    applications a year) reads a few thousand read units, a fraction of a cent. If reports
    become frequent, add a GSI keyed by creation month (GSI3PK = APPS#{yyyy-mm},
    GSI3SK = created_at) and Query it.
    """
    applications = []
    kwargs: dict[str, Any] = {"FilterExpression": Attr("type").eq("application") & Attr("SK").eq("META")}
    while True:
        response = store.table.scan(**kwargs)
        for item in response["Items"]:
            application = Application.model_validate_json(item["data"])
            if period.contains(application.created_at):
                applications.append(application)
        if "LastEvaluatedKey" not in response:
            break
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return sorted(applications, key=lambda application: application.created_at)


def collect(store: Store, period: Period) -> list[ApplicationEvidence]:
    return [
        ApplicationEvidence(
            application=application,
            tasks=store.tasks_of(application.application_id),
            audit=sorted(store.audit_trail(application.application_id), key=lambda entry: entry["at"]),
        )
        for application in list_applications(store, period)
    ]


# --- figures ---------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """Return the nearest-rank percentile (the smallest value with `fraction` of values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _issued_at(evidence: ApplicationEvidence) -> datetime | None:
    for entry in evidence.audit:
        if entry["action"] == "permit_issued":
            return _parse_time(entry["at"])
    return None


def _reason_text(entry: dict[str, Any]) -> str:
    """Return the recorded reason of an audit entry: the operator's text, else the reason messages."""
    detail = entry.get("detail") or {}
    parts = []
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    for reason in entry.get("reasons") or []:
        message = reason.get("message", {}).get("en") or reason.get("code", "")
        if message and message not in parts:
            parts.append(message)
    return "; ".join(parts)


def _issue_basis(item: ApplicationEvidence, detail: dict[str, Any]) -> str:
    """Return the basis of an issued permit as text, because its audit entry records only facts."""
    number = detail.get("permit_number", "")
    if detail.get("deemed_approval"):
        return f"permit {number} issued on a deemed approval: a sector review passed its deadline"
    if item.tasks:
        return f"permit {number} issued after every sector review approved"
    return f"permit {number} issued on complete requirements; risk level {item.application.risk_level or '?'} needs no review"


def decisions(evidence: list[ApplicationEvidence]) -> list[dict[str, Any]]:
    """Return every decision in the audit trails: who made it, when, and the recorded reason."""
    rows = []
    for item in evidence:
        for entry in item.audit:
            if entry["action"] not in DECISION_ACTIONS:
                continue
            detail = entry.get("detail") or {}
            reason = _reason_text(entry)
            if not reason and entry["action"] == "permit_issued":
                reason = _issue_basis(item, detail)
            rows.append(
                {
                    "application_id": item.application.application_id,
                    "sector": detail.get("sector") or item.application.sector,
                    "action": entry["action"],
                    "description": DECISION_ACTIONS[entry["action"]],
                    "actor": entry["actor"],
                    "at": entry["at"],
                    "previous_status": entry.get("previous_status"),
                    "status": entry.get("status"),
                    "reason_codes": [reason.get("code") for reason in entry.get("reasons") or []],
                    "reason": reason,
                }
            )
    return sorted(rows, key=lambda row: row["at"])


def review_deadlines(evidence: list[ApplicationEvidence]) -> dict[str, Any]:
    """Count review tasks decided by an operator within their deadline versus deemed approved."""
    decided_in_time = decided_late = deemed = still_open = 0
    for item in evidence:
        for task in item.tasks:
            if task.state is TaskState.DEEMED_APPROVED:
                deemed += 1
            elif task.state is TaskState.DECIDED and task.decided_at is not None:
                if task.decided_at <= task.deadline:
                    decided_in_time += 1
                else:
                    decided_late += 1
            elif task.state is TaskState.OPEN:
                still_open += 1
    closed = decided_in_time + decided_late + deemed
    return {
        "tasks_decided_within_deadline": decided_in_time,
        "tasks_decided_after_deadline": decided_late,
        "tasks_deemed_approved": deemed,
        "tasks_still_open": still_open,
        "share_decided_within_deadline": round(decided_in_time / closed, 4) if closed else None,
    }


def time_to_permit(evidence: list[ApplicationEvidence]) -> dict[str, dict[str, Any]]:
    """Return the count, median and p95 seconds from first accepted manifest to permit, per risk level."""
    by_risk: dict[str, list[float]] = defaultdict(list)
    for item in evidence:
        app = item.application
        issued_at = _issued_at(item)
        if app.status is not Status.ISSUED or issued_at is None or app.risk_level is None:
            continue
        started = app.received_at or app.created_at
        by_risk[app.risk_level.value].append((issued_at - started).total_seconds())
    figures = {}
    for level in RiskLevel:
        values = by_risk.get(level.value, [])
        figures[level.value] = {
            "count": len(values),
            "median_seconds": round(statistics.median(values), 3) if values else None,
            "p95_seconds": round(percentile(values, 0.95), 3) if values else None,
        }
    return figures


def build_report(store: Store, period: Period) -> dict[str, Any]:
    evidence = collect(store, period)
    applications = [item.application for item in evidence]
    by_sector: dict[str, Counter] = defaultdict(Counter)
    for app in applications:
        by_sector[app.sector or "UNKNOWN"][app.status.value] += 1
    correction_rounds = [app.round - 1 for app in applications]
    channels = Counter(app.channel.value for app in applications)
    return {
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "timezone": "WITA (UTC+8), whole days",
            "start_utc": period.start.isoformat(),
            "end_utc": period.end.isoformat(),
        },
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": f"DynamoDB table {store.table_name}: application records, review tasks and audit trails",
        "applications": len(applications),
        "by_status": dict(sorted(Counter(app.status.value for app in applications).items())),
        "by_sector": {sector: dict(sorted(counts.items())) for sector, counts in sorted(by_sector.items())},
        "still_open": sum(1 for app in applications if app.status not in FINAL_STATUSES),
        "review_deadlines": review_deadlines(evidence),
        "time_to_permit": time_to_permit(evidence),
        "deemed_approvals": {
            "applications": sum(1 for app in applications if app.deemed_approval),
            "tasks": sum(1 for item in evidence for task in item.tasks if task.state is TaskState.DEEMED_APPROVED),
        },
        "correction_rounds": {
            # Requested counts every request; total counts the rounds applicants resubmitted.
            "requested": sum(1 for item in evidence for entry in item.audit if entry["action"] == "correction_requested"),
            "total": sum(correction_rounds),
            "applications_with_corrections": sum(1 for rounds in correction_rounds if rounds),
        },
        "channels": {
            "online": channels.get("online", 0),
            "assisted": channels.get("assisted", 0),
            "assisted_share": round(channels.get("assisted", 0) / len(applications), 4) if applications else None,
        },
        "decisions": decisions(evidence),
        "records": [
            {
                "application_id": app.application_id,
                "sector": app.sector,
                "risk_level": app.risk_level.value if app.risk_level else None,
                "status": app.status.value,
                "channel": app.channel.value,
                "officer_id": app.officer_id,
                "created_at": app.created_at.isoformat(),
                "rounds": app.round,
                "deemed_approval": app.deemed_approval,
                "permit_number": app.permit_number,
            }
            for app in applications
        ],
    }


# --- output ----------------------------------------------------------------------------------


def _wita(value: str) -> str:
    return _parse_time(value).astimezone(WITA).strftime("%Y-%m-%d %H:%M:%S WITA")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def to_markdown(report: dict[str, Any]) -> str:
    period = report["period"]
    statuses = sorted({status for counts in report["by_sector"].values() for status in counts})
    lines = [
        f"# GOSO evidence pack, {period['from']} to {period['to']} (WITA)",
        "",
        f"Generated {report['generated_at']} from {report['source']}.",
        f"Applications created in the period: {report['applications']}; still open: {report['still_open']}.",
        "",
        "## Applications by sector and status",
        "",
        *_table(
            ["sector", *statuses, "total"],
            [[sector, *(counts.get(s, 0) for s in statuses), sum(counts.values())] for sector, counts in report["by_sector"].items()],
        ),
        "",
        "## Review deadlines",
        "",
        *_table(["figure", "value"], [[key.replace("_", " "), value] for key, value in report["review_deadlines"].items()]),
        "",
        "## Time to permit by risk level (seconds from first accepted manifest)",
        "",
        *_table(
            ["risk level", "permits", "median", "p95"],
            [[level, f["count"], f["median_seconds"], f["p95_seconds"]] for level, f in report["time_to_permit"].items()],
        ),
        "",
        "## Deemed approvals, corrections and channels",
        "",
        *_table(
            ["figure", "value"],
            [
                ["applications with a deemed approval", report["deemed_approvals"]["applications"]],
                ["review tasks deemed approved", report["deemed_approvals"]["tasks"]],
                ["corrections requested", report["correction_rounds"]["requested"]],
                ["correction rounds resubmitted", report["correction_rounds"]["total"]],
                ["applications that resubmitted", report["correction_rounds"]["applications_with_corrections"]],
                ["online applications", report["channels"]["online"]],
                ["assisted applications", report["channels"]["assisted"]],
                ["assisted-channel share", report["channels"]["assisted_share"]],
            ],
        ),
        "",
        "## Decisions",
        "",
        "Every decision recorded in the audit trails of these applications, oldest first.",
        "",
        *_table(
            ["time", "application", "sector", "decision", "actor", "reason"],
            [
                [_wita(row["at"]), row["application_id"], row["sector"], row["description"], row["actor"], row["reason"]]
                for row in report["decisions"]
            ],
        ),
        "",
    ]
    return "\n".join(lines)


def write_report(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write the report as JSON and Markdown under `out_dir`; return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"evidence-{report['period']['from']}-to-{report['period']['to']}"
    json_path = out_dir / f"{stem}.json"
    markdown_path = out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown_path.write_text(to_markdown(report), encoding="utf-8")
    return json_path, markdown_path
