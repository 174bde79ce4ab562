"""Record outcomes that the state machine decides: deemed approvals, closures and failures."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.lifecycle import change_status, event_context
from functions.runtime import deadline_for, reference, store
from functions.store import ConflictError, utcnow
from schemas.application import Application
from schemas.events import DeadlineMissed, DeemedApproval
from schemas.reasons import ReasonCode, make_reason
from schemas.review import Decision, TaskState
from schemas.status import Status

logger = Logger(service="goso-record-outcome")
_MAX_ATTEMPTS = 5


def _sector_name(code: str) -> str:
    sector = reference().sectors.get(code)
    return sector.name_en if sector else code


def deemed_approval(event: dict) -> dict:
    """Record a deemed approval by a sector that missed its review deadline."""
    db = store()
    sector = event["sector"]
    task, _ = db.get_task(event["application_id"], sector, int(event["round"]))
    now = utcnow()
    closed = task.model_copy(update={"state": TaskState.DEEMED_APPROVED, "decided_at": now, "operator_id": "system:deadline"})
    if not db.close_task(closed):
        # Decided or closed in the meantime (a rejection elsewhere closes open tasks).
        logger.info("Review task no longer open; no deemed approval", extra={"task_id": task.task_id})
        return {"sector": sector, "decision": "none"}
    reason = make_reason(ReasonCode.REVIEW_DEEMED_APPROVED, sector=_sector_name(sector))
    for _ in range(_MAX_ATTEMPTS):
        app = db.get_application(task.application_id)
        context = {**event_context(app), "sector": sector}
        try:
            change_status(
                db,
                app,
                app.status,
                actor="system:deadline",
                action="deemed_approval",
                reasons=[*app.reasons, reason],
                detail={"task_id": task.task_id, "sector": sector, "deadline": task.deadline.isoformat()},
                extra_events=(
                    DeemedApproval(**context, task_id=task.task_id, deadline=task.deadline),
                    DeadlineMissed(**context, step="review", deadline=task.deadline),
                ),
                approved_sectors=sorted({*app.approved_sectors, sector}),
                deemed_approval=True,
            )
            break
        except ConflictError:
            continue
    else:
        raise ConflictError(f"could not record the deemed approval of {task.task_id}")
    return {"sector": sector, "decision": "deemed_approve"}


def prepare_correction(event: dict) -> dict:
    app = store().get_application(event["application_id"])
    _, seconds = deadline_for("correction", app.sector)
    return {"correction_timeout_seconds": seconds}


def incomplete(event: dict) -> dict:
    db = store()
    app = db.get_application(event["application_id"])
    deadline = app.correction_deadline or utcnow()
    reason = make_reason(ReasonCode.CORRECTION_DEADLINE_MISSED, deadline=deadline.isoformat(timespec="seconds"))
    change_status(
        db,
        app,
        Status.INCOMPLETE,
        actor="system:deadline",
        action="closed_incomplete",
        reasons=[reason, *app.reasons],
        extra_events=(DeadlineMissed(**event_context(app), step="correction", deadline=deadline),),
    )
    return {"status": Status.INCOMPLETE.value}


def rejected(event: dict) -> dict:
    """Close the application after a sector's rejection; the decision itself is already audited."""
    db = store()
    app = db.get_application(event["application_id"])
    rejection = next((t for t in db.tasks_of(app.application_id) if t.decision is Decision.REJECT), None)
    _close_open_tasks(app)
    change_status(
        db,
        app,
        Status.REJECTED,
        actor="system:pipeline",
        action="closed_rejected",
        reasons=app.reasons,
        detail={
            "task_id": rejection.task_id if rejection else None,
            "decided_by": rejection.operator_id if rejection else None,
        },
    )
    return {"status": Status.REJECTED.value}


def failed(event: dict) -> dict:
    db = store()
    app = db.get_application(event["application_id"])
    if app.status.is_final:
        logger.warning("Failure after a final status; status kept", extra={"status": app.status.value})
        return {"status": app.status.value}
    error = event.get("error") or {}
    summary = str(error.get("Error", "unknown error"))
    _close_open_tasks(app)
    change_status(
        db,
        app,
        Status.FAILED,
        actor="system:pipeline",
        action="failed",
        reasons=[make_reason(ReasonCode.PIPELINE_FAILED, detail=summary)],
        detail={"error": summary, "cause": str(error.get("Cause", ""))[:2000]},
        error=summary,
    )
    return {"status": Status.FAILED.value}


def _close_open_tasks(app: Application) -> None:
    db = store()
    for task in db.tasks_of(app.application_id):
        if task.state is TaskState.OPEN:
            db.close_task(task.model_copy(update={"state": TaskState.CLOSED, "decided_at": utcnow()}))


ACTIONS = {
    "deemed_approval": deemed_approval,
    "prepare_correction": prepare_correction,
    "incomplete": incomplete,
    "rejected": rejected,
    "failed": failed,
}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    logger.append_keys(application_id=event.get("application_id"), action=event.get("action"))
    action = ACTIONS.get(event.get("action", ""))
    if action is None:
        raise ValueError(f"unknown action '{event.get('action')}'; expected one of {sorted(ACTIONS)}")
    result = action(event)
    logger.info("Outcome recorded", extra={"result": result})
    return result


