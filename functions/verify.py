"""Verify: check that the permit's requirements are complete and route the application by risk."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.domain.requirements import check_documents
from functions.domain.risk import assess
from functions.lifecycle import change_status
from functions.runtime import deadline_for, reference, store
from schemas.application import VerificationResult
from schemas.status import Status

logger = Logger(service="goso-verify")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    application_id = event["application_id"]
    round_number = int(event["round"])
    logger.append_keys(application_id=application_id, round=round_number)
    db = store()
    app = db.get_application(application_id)
    if app.status is not Status.VERIFYING:
        app = change_status(db, app, Status.VERIFYING, actor="system:verify", action="verification_started")

    assessment = assess(app.kbli, app.investment_value_idr or 0, reference())
    reasons = check_documents(assessment.required_slots, app.documents, reference())
    _, correction_seconds = deadline_for("correction", assessment.sector)
    # After a correction, sectors that already approved do not review again.
    pending = [sector for sector in assessment.review_sectors if sector not in app.approved_sectors]
    review_sectors = [
        {"sector": sector, "timeout_seconds": deadline_for("review", sector)[1]} for sector in pending
    ]
    complete = not reasons
    needs_review = complete and bool(review_sectors)
    result = VerificationResult(
        application_id=application_id,
        round=round_number,
        complete=complete,
        risk_level=assessment.risk_level,
        needs_review=needs_review,
        review_sectors=review_sectors,
        reasons=reasons,
        correction_timeout_seconds=correction_seconds,
    )
    changes = {
        "sector": assessment.sector,
        "kbli_title": assessment.title,
        "risk_level": assessment.risk_level,
        "business_scale": assessment.scale,
        "review_sectors": assessment.review_sectors,
    }
    if not complete:
        status, action = Status.VERIFYING, "requirements_incomplete"
    elif needs_review:
        status, action = Status.IN_REVIEW, "requirements_verified"
    else:
        status, action = Status.ISSUING, "requirements_verified"
    change_status(
        db,
        app,
        status,
        actor="system:verify",
        action=action,
        reasons=reasons,
        detail={"risk_level": assessment.risk_level.value, "review_sectors": pending},
        correction_requested_by=None if complete else "verification",
        **changes,
    )
    logger.info("Verification finished", extra={"complete": complete, "risk_level": assessment.risk_level.value})
    return result.model_dump(mode="json")
