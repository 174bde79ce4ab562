"""Issue: render the permit, sign it with the KMS key and store it in the business account."""

import hashlib

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws import client
from functions.lifecycle import change_status, event_context
from functions.permit_numbers import counter_name, permit_key, permit_number, verification_url
from functions.runtime import reference, store
from functions.settings import get_settings
from functions.store import utcnow
from schemas.events import PermitIssued
from schemas.permit import Permit
from schemas.status import Status

logger = Logger(service="goso-issue")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    application_id = event["application_id"]
    logger.append_keys(application_id=application_id)
    settings = get_settings()
    db = store()
    app = db.get_application(application_id)
    if app.status is Status.ISSUED:
        logger.info("Permit already issued", extra={"permit_number": app.permit_number})
        return {"permit_number": app.permit_number}
    issued_at = utcnow()
    if app.permit_number is None:
        # The number is stored before the permit is rendered, so a retried invocation reuses it
        # instead of leaving a gap in the sector's sequence.
        sequence = db.next_sequence(counter_name(app.sector, issued_at))
        number = permit_number(app.sector, issued_at, sequence)
        app = change_status(
            db, app, Status.ISSUING, actor="system:issue", action="permit_number_assigned",
            detail={"permit_number": number}, permit_number=number,
        )
    # The PDF stack (reportlab, qrcode, Pillow, pyHanko) is imported here rather than with the
    # module, so the cold start stays short and a retry for an issued permit never loads it.
    from functions.permits.render import render_permit_pdf
    from functions.permits.signing import sign_pdf

    number = app.permit_number
    key = permit_key(app.nib, number)
    ref = reference()
    permit = Permit(
        permit_number=number,
        application_id=application_id,
        nib=app.nib,
        business_name=app.business_name,
        kbli=app.kbli,
        kbli_title=app.kbli_title or "",
        sector=app.sector,
        risk_level=app.risk_level,
        region_code=app.region_code,
        issued_at=issued_at,
        deemed_approval=app.deemed_approval,
        key=key,
        sha256="",
    )
    unsigned = render_permit_pdf(
        permit,
        verify_url=verification_url(settings.verify_base_url, number),
        sector_name=ref.sectors[app.sector].name_id,
        region_name=ref.regions[app.region_code].name,
    )
    signed = sign_pdf(unsigned, kms_client=client("kms"), key_id=settings.signing_key_id)
    permit = permit.model_copy(update={"sha256": hashlib.sha256(signed).hexdigest()})
    client("s3").put_object(
        Bucket=settings.permit_bucket,
        Key=key,
        Body=signed,
        ContentType="application/pdf",
        Metadata={"application-id": application_id, "permit-number": number},
    )
    started = app.received_at or app.created_at
    change_status(
        db,
        app,
        Status.ISSUED,
        actor="system:issue",
        action="permit_issued",
        detail={"permit_number": number, "key": key, "deemed_approval": app.deemed_approval},
        extra_puts=[db.permit_put(permit)],
        extra_events=(
            PermitIssued(
                **event_context(app),
                permit_number=number,
                deemed_approval=app.deemed_approval,
                time_to_permit_seconds=(issued_at - started).total_seconds(),
            ),
        ),
        permit_number=number,
        permit_key=key,
    )
    logger.info("Permit issued", extra={"permit_number": number})
    return {"permit_number": number}
