"""Intake: an SQS batch of S3 ObjectCreated events for submission manifests.

For each manifest: deduplicate on bucket, key and ETag; accept it only for the round the
application is waiting for; validate the form; check every listed document's bytes; then
start the execution (round 1) or resume it through the stored task token (a correction).
"""

import json
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from functions import manifests
from functions.aws import client
from functions.lifecycle import change_status, event_context
from functions.publish import publish
from functions.runtime import reference, store
from functions.settings import get_settings
from functions.store import ConflictError, NotFoundError, utcnow
from schemas.application import Application
from schemas.events import ApplicationReceived, ManifestRejected
from schemas.reasons import Reason, ReasonCode, make_reason
from schemas.status import Status

logger = Logger(service="goso-intake")
processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: SQSRecord) -> None:
    body = json.loads(record.body)
    for s3_record in body.get("Records", []):
        if not s3_record.get("eventName", "").startswith("ObjectCreated"):
            continue
        s3 = s3_record["s3"]
        handle_manifest(
            bucket=s3["bucket"]["name"],
            key=unquote_plus(s3["object"]["key"]),
            etag=s3["object"].get("eTag", "").strip('"'),
            version_id=s3["object"].get("versionId"),
        )


def handle_manifest(bucket: str, key: str, etag: str, version_id: str | None = None) -> None:
    parsed = manifests.parse_manifest_key(key)
    if parsed is None:
        logger.warning("Ignoring an object that is not a manifest", extra={"key": key})
        return
    application_id, round_number = parsed
    logger.append_keys(application_id=application_id, round=round_number)
    db = store()
    try:
        app = db.get_application(application_id)
    except NotFoundError:
        logger.warning("Manifest for an unknown application; nothing to record")
        return

    seen_etag = db.manifest_etag(application_id, round_number)
    if seen_etag == etag:
        logger.info("Duplicate manifest event ignored", extra={"etag": etag})
        return
    if seen_etag is not None:
        _reject_manifest(app, round_number, key, make_reason(ReasonCode.MANIFEST_CHANGED, round=round_number))
        return
    if not manifests.round_expected(app, round_number):
        reason = make_reason(ReasonCode.MANIFEST_ROUND_UNEXPECTED, round=round_number, status=app.status.value)
        _reject_manifest(app, round_number, key, reason)
        return

    s3 = client("s3")
    raw = _read_manifest(s3, bucket, key, etag, version_id)
    if raw is None:
        return
    result = manifests.check_manifest(raw, reference())
    receipt = db.manifest_receipt_put(application_id, round_number, etag, key)
    if result.manifest is None or result.fatal:
        _reject_application(app, round_number, key, result.reasons, receipt)
        return

    documents = manifests.check_documents(
        s3, bucket, application_id, round_number, result.manifest, reference(), app.documents
    )
    try:
        updated = change_status(
            db,
            app,
            Status.RECEIVED,
            actor=manifests.submitter(result.manifest),
            action="manifest_received",
            reasons=[doc.reason for doc in documents.values() if doc.reason and doc.round == round_number],
            detail={"round": round_number, "manifest_key": key, "etag": etag},
            extra_puts=[receipt],
            round=round_number,
            received_at=app.received_at or utcnow(),
            manifest_key=key,
            documents=documents,
            **manifests.record_fields(result.manifest, reference()),
        )
    except ConflictError:
        # Another delivery of the same upload won the race and claimed this round.
        logger.info("Manifest already claimed by a concurrent delivery")
        return
    publish(get_settings().event_bus_name, ApplicationReceived(**event_context(updated), round=round_number))
    if round_number == 1:
        _start_execution(updated)
    else:
        _resume_execution(updated)


def _read_manifest(s3, bucket: str, key: str, etag: str, version_id: str | None) -> bytes | None:
    """Read exactly the object version the event announced, or None if it was replaced since.

    A replaced manifest has its own event, which is processed on its own.
    """
    try:
        if version_id:
            return s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"].read()
        return s3.get_object(Bucket=bucket, Key=key, IfMatch=f'"{etag}"')["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
            logger.info("Manifest replaced after this event; its own event follows", extra={"etag": etag})
            return None
        raise


def _start_execution(app: Application) -> None:
    sfn = client("stepfunctions")
    try:
        response = sfn.start_execution(
            stateMachineArn=get_settings().state_machine_arn,
            name=app.application_id,
            input=json.dumps({"application_id": app.application_id, "round": 1}),
        )
    except sfn.exceptions.ExecutionAlreadyExists:
        logger.info("Execution already started")
        return
    logger.info("Execution started", extra={"execution_arn": response["executionArn"]})


def _resume_execution(app: Application) -> None:
    token = store().correction_token(app.application_id, app.round - 1)
    client("stepfunctions").send_task_success(
        taskToken=token, output=json.dumps({"application_id": app.application_id, "round": app.round})
    )
    logger.info("Execution resumed with a correction")


def _reject_manifest(app: Application, round_number: int, key: str, reason: Reason) -> None:
    """Record a manifest upload that the application was not waiting for; the application is unchanged."""
    logger.warning("Manifest not accepted", extra={"reason_code": reason.code.value})
    store().audit(app.application_id, "system:intake", "manifest_not_accepted", reasons=[reason], detail={"key": key})
    publish(
        get_settings().event_bus_name,
        ManifestRejected(**event_context(app), round=round_number, reason_codes=[reason.code.value]),
    )


def _reject_application(app: Application, round_number: int, key: str, reasons: list[Reason], receipt: dict) -> None:
    logger.info("Application rejected at intake", extra={"reason_codes": [r.code.value for r in reasons]})
    try:
        change_status(
            store(),
            app,
            Status.REJECTED,
            actor="system:intake",
            action="manifest_rejected",
            reasons=reasons,
            detail={"round": round_number, "manifest_key": key},
            extra_puts=[receipt],
            extra_events=(
                ManifestRejected(
                    **event_context(app), round=round_number, reason_codes=[r.code.value for r in reasons]
                ),
            ),
            round=round_number,
            manifest_key=key,
        )
    except ConflictError:
        logger.info("Manifest already claimed by a concurrent delivery")
        return
    if round_number > 1:
        # The execution waits for this correction; an invalid form ends it as rejected.
        client("stepfunctions").stop_execution(
            executionArn=app.execution_arn or _execution_arn(app.application_id),
            error="Intake.Rejected",
            cause="The corrected form was rejected at intake; see the application's reasons.",
        )


def _execution_arn(application_id: str) -> str:
    machine = get_settings().state_machine_arn
    return machine.replace(":stateMachine:", ":execution:") + f":{application_id}"


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
