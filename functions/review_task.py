"""Review task: open a sector's review task and keep its task token for the operator's decision."""

from datetime import timedelta

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.lifecycle import event_context
from functions.publish import publish
from functions.runtime import store
from functions.settings import get_settings
from functions.store import utcnow
from schemas.events import ReviewTaskCreated
from schemas.review import ReviewTask, TaskState, make_task_id

logger = Logger(service="goso-review-task")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    application_id = event["application_id"]
    round_number = int(event["round"])
    sector = event["sector"]
    logger.append_keys(application_id=application_id, round=round_number, sector=sector)
    db = store()
    now = utcnow()
    task = ReviewTask(
        task_id=make_task_id(application_id, sector, round_number),
        application_id=application_id,
        sector=sector,
        round=round_number,
        state=TaskState.OPEN,
        created_at=now,
        deadline=now + timedelta(seconds=int(event["timeout_seconds"])),
    )
    db.put_task(task, event["task_token"])
    db.audit(
        application_id,
        "system:review_task",
        "review_task_opened",
        detail={"task_id": task.task_id, "sector": sector, "deadline": task.deadline.isoformat()},
    )
    app = db.get_application(application_id)
    publish(
        get_settings().event_bus_name,
        ReviewTaskCreated(**{**event_context(app), "sector": sector}, task_id=task.task_id, deadline=task.deadline),
    )
    logger.info("Review task opened", extra={"task_id": task.task_id})
    return {"task_id": task.task_id}
