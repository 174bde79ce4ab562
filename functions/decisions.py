"""Operator decisions on review tasks: checked, recorded in the audit trail, sent to the execution."""

import json

from aws_lambda_powertools import Logger

from functions.aws import client
from functions.lifecycle import change_status, event_context
from functions.runtime import reference, store
from functions.store import ConflictError as StoreConflict
from functions.store import NotFoundError, utcnow
from schemas.events import ReviewDecided
from schemas.reasons import ReasonCode, make_reason
from schemas.review import Decision, ReviewDecision, ReviewTask, TaskState, parse_task_id

logger = Logger(child=True)
_MAX_ATTEMPTS = 5

# Errors the state machine catches on the review Map.
ERROR_REJECTED = "Review.Rejected"
ERROR_CORRECTION = "Review.CorrectionRequested"


class DecisionRejected(Exception):
    """The decision cannot be taken: an HTTP status, a stable code, and the message in both languages."""

    def __init__(self, status: int, code: str, en: str, id: str):  # noqa: A002 - the language code
        super().__init__(en)
        self.status = status
        self.code = code
        self.message_id = id


def decide(task_id: str, decision: ReviewDecision) -> ReviewTask:
    try:
        application_id, sector, round_number = parse_task_id(task_id)
    except ValueError as error:
        raise DecisionRejected(
            400,
            "TASK_ID_INVALID",
            en=f"Invalid {error}.",
            id=f"Nomor tugas '{task_id}' tidak valid: gunakan bentuk NOMOR_PERMOHONAN.SEKTOR.rRONDE.",
        ) from error
    operator_sector = reference().operators.get(decision.operator_id)
    if operator_sector is None:
        raise DecisionRejected(
            403,
            "OPERATOR_UNKNOWN",
            en=f"Operator '{decision.operator_id}' is not in the operators configuration; ask the office to register the operator.",
            id=f"Petugas '{decision.operator_id}' tidak terdaftar; minta kantor mendaftarkan petugas tersebut.",
        )
    if operator_sector != sector:
        raise DecisionRejected(
            403,
            "OPERATOR_WRONG_SECTOR",
            en=f"Operator '{decision.operator_id}' belongs to sector {operator_sector}, not to {sector} of task {task_id}.",
            id=f"Petugas '{decision.operator_id}' termasuk sektor {operator_sector}, bukan sektor {sector} dari tugas {task_id}.",
        )
    db = store()
    try:
        task, token = db.get_task(application_id, sector, round_number)
    except NotFoundError as error:
        raise DecisionRejected(
            404, "TASK_NOT_FOUND", en=f"Review task {task_id} was not found.", id=f"Tugas peninjauan {task_id} tidak ditemukan."
        ) from error
    if task.state is not TaskState.OPEN:
        raise DecisionRejected(
            409,
            "TASK_NOT_OPEN",
            en=f"Task {task_id} is {task.state.value}; only OPEN tasks can be decided.",
            id=f"Tugas {task_id} berstatus {task.state.value}; hanya tugas OPEN yang dapat diputuskan.",
        )
    now = utcnow()
    if now > task.deadline:
        deadline = task.deadline.isoformat(timespec="seconds")
        raise DecisionRejected(
            409,
            "TASK_DEADLINE_PASSED",
            en=f"Task {task_id} passed its deadline {deadline}; it is deemed approved.",
            id=f"Tugas {task_id} melewati batas waktu {deadline}; permohonan dianggap disetujui.",
        )

    decided = task.model_copy(
        update={
            "state": TaskState.DECIDED,
            "decision": decision.decision,
            "operator_id": decision.operator_id,
            "decided_at": now,
            "reason": decision.reason,
        }
    )
    if not db.close_task(decided):
        raise DecisionRejected(
            409,
            "TASK_NOT_OPEN",
            en=f"Task {task_id} was decided or closed meanwhile.",
            id=f"Tugas {task_id} sudah diputuskan atau ditutup.",
        )
    _record(decided)
    _notify_execution(decided, token)
    logger.info("Review decided", extra={"application_id": application_id, "task_id": task_id, "decision": decision.decision.value})
    return decided


def _record(task: ReviewTask) -> None:
    """Write the decision into the application and its audit trail, retrying lost races."""
    db = store()
    sector_name = reference().sectors[task.sector].name_en
    for _ in range(_MAX_ATTEMPTS):
        app = db.get_application(task.application_id)
        changes: dict = {}
        reasons = None
        if task.decision is Decision.APPROVE:
            changes["approved_sectors"] = sorted({*app.approved_sectors, task.sector})
        elif task.decision is Decision.REJECT:
            reasons = [make_reason(ReasonCode.REVIEW_REJECTED, sector=sector_name, detail=task.reason)]
        else:
            reasons = [make_reason(ReasonCode.REVIEW_CORRECTION_REQUESTED, sector=sector_name, detail=task.reason)]
            changes["correction_requested_by"] = f"sector:{task.sector}"
        event = ReviewDecided(
            **{**event_context(app), "sector": task.sector},
            task_id=task.task_id,
            decision=task.decision.value,
            operator_id=task.operator_id,
            within_deadline=task.decided_at <= task.deadline,
            decision_seconds=(task.decided_at - task.created_at).total_seconds(),
        )
        try:
            change_status(
                db,
                app,
                app.status,
                actor=f"operator:{task.operator_id}",
                action=f"review_{task.decision.value}",
                reasons=reasons,
                detail={"task_id": task.task_id, "sector": task.sector, "decision": task.decision.value, "reason": task.reason},
                extra_events=(event,),
                **changes,
            )
            break
        except StoreConflict:
            continue
    else:
        raise StoreConflict(f"could not record the decision on {task.task_id}")
    if task.decision is not Decision.APPROVE:
        # A rejection is final and a correction restarts the review: other open tasks close now.
        for other in db.tasks_of(task.application_id):
            if other.state is TaskState.OPEN and other.round == task.round:
                db.close_task(other.model_copy(update={"state": TaskState.CLOSED, "decided_at": utcnow()}))


def _notify_execution(task: ReviewTask, token: str) -> None:
    sfn = client("stepfunctions")
    if task.decision is Decision.APPROVE:
        sfn.send_task_success(taskToken=token, output=json.dumps({"sector": task.sector, "decision": "approve"}))
        return
    cause = json.dumps({"task_id": task.task_id, "sector": task.sector, "operator_id": task.operator_id})
    error = ERROR_REJECTED if task.decision is Decision.REJECT else ERROR_CORRECTION
    sfn.send_task_failure(taskToken=token, error=error, cause=cause)


