"""Request correction: tell the applicant what to fix and keep the task token until it arrives.

The state machine waits on the token; intake resumes it when the corrected manifest of the
next round arrives, and the state's timeout closes the application as incomplete.
"""

from datetime import timedelta

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.lifecycle import change_status, event_context
from functions.runtime import store
from functions.store import utcnow
from schemas.events import CorrectionRequested
from schemas.status import Status

logger = Logger(service="goso-request-correction")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    application_id = event["application_id"]
    round_number = int(event["round"])
    logger.append_keys(application_id=application_id, round=round_number)
    db = store()
    deadline = utcnow() + timedelta(seconds=int(event["timeout_seconds"]))
    db.put_correction_token(application_id, round_number, event["task_token"], deadline)
    app = db.get_application(application_id)
    requested_by = app.correction_requested_by or "verification"
    event_out = CorrectionRequested(
        **event_context(app),
        round=round_number,
        requested_by=requested_by,
        reason_codes=[reason.code.value for reason in app.reasons],
        deadline=deadline,
    )
    change_status(
        db,
        app,
        Status.CORRECTION_REQUESTED,
        actor="system:request_correction",
        action="correction_requested",
        reasons=app.reasons,
        detail={"requested_by": requested_by, "deadline": deadline.isoformat()},
        extra_events=(event_out,),
        correction_deadline=deadline,
    )
    logger.info("Correction requested", extra={"reason_codes": event_out.reason_codes})
    return {"deadline": deadline.isoformat()}
