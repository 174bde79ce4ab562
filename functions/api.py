"""HTTP API: applicants, public permit verification and operators (IAM-authorised in AWS)."""

import hashlib
import hmac
import html
import json
import re
import secrets
import uuid
from dataclasses import asdict
from datetime import datetime
from datetime import timedelta

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions import api_errors, decisions
from functions.api_errors import ApiProblem
from functions.aws import client
from functions.domain.deadlines import WITA
from functions.lifecycle import event_context
from functions.publish import publish
from functions.runtime import reference, store
from functions.settings import get_settings
from functions.store import NotFoundError as RecordNotFound
from functions.store import utcnow
from functions.uploads import UploadsRequest, check_upload_requests, presign_document, presign_manifest
from schemas.application import Application
from schemas.events import ApplicationCreated
from schemas.permit import VerificationAnswer
from schemas.reasons import Reason
from schemas.review import ReviewDecision
from schemas.status import Status, oss_status_code

logger = Logger(service="goso-api")
app = APIGatewayHttpResolver(
    cors=CORSConfig(allow_origin=get_settings().form_origin, allow_headers=["Authorization", "Content-Type"]),
    enable_validation=False,
)
PERMIT_LINK_SECONDS = 300
# Application ids are UUIDs. Any other id gets 404 without a table read.
APPLICATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_PERMIT_NUMBER_CHARS = 64


def _json_body() -> dict:
    try:
        body = app.current_event.json_body
    except UnicodeDecodeError as error:
        raise api_errors.invalid_request(
            "the body is not UTF-8 text; send JSON encoded as UTF-8", "isi permintaan bukan teks UTF-8; kirim JSON UTF-8"
        ) from error
    except json.JSONDecodeError as error:
        raise api_errors.invalid_request(
            f"the body is not valid JSON ({error.msg}, line {error.lineno})",
            f"isi permintaan bukan JSON yang valid ({error.msg}, baris {error.lineno})",
        ) from error
    except RecursionError as error:
        raise api_errors.invalid_request("the JSON body is nested too deeply", "JSON terlalu dalam bertingkat") from error
    if not isinstance(body, dict):
        raise api_errors.invalid_request("the body must be a JSON object", "isi permintaan harus berupa objek JSON")
    return body


def _validation_problem(error: ValidationError) -> ApiProblem:
    """Turn a request model's validation error into one reason per invalid field."""
    reasons = []
    for problem in error.errors(include_url=False):
        field = ".".join(str(part) for part in problem["loc"]) or "body"
        reasons.append(
            {
                "code": "REQUEST_INVALID",
                "message": {
                    "id": f"Kolom '{field}' tidak valid ({problem['msg']}). Perbaiki lalu kirim ulang.",
                    "en": f"Field '{field}' is invalid: {problem['msg']}. Correct it and send again.",
                },
                "field": field,
                "document": None,
            }
        )
    problem = api_errors.invalid_request(" ".join(r["message"]["en"] for r in reasons))
    problem.reasons = reasons
    return problem


def _authorised_application(application_id: str) -> Application:
    """Return the application if the request carries its access token; 401 otherwise, 404 if unknown."""
    if not APPLICATION_ID.fullmatch(application_id):
        raise api_errors.application_not_found(application_id[:64])
    header = (app.current_event.headers.get("authorization") or "").strip()
    scheme, _, token = header.partition(" ")
    # The scheme name is case-insensitive (RFC 9110, section 11.1).
    if scheme.lower() != "bearer" or not token.strip():
        raise api_errors.access_token_missing()
    stored = store().get_access_token_hash(application_id)
    if stored is None:
        raise api_errors.application_not_found(application_id)
    if not hmac.compare_digest(stored, hashlib.sha256(token.strip().encode()).hexdigest()):
        raise api_errors.access_token_invalid()
    return store().get_application(application_id)


def _uploads(application_id: str, round_number: int, body: dict) -> dict:
    try:
        request = UploadsRequest.model_validate(body)
    except ValidationError as error:
        raise _validation_problem(error) from error
    reasons = check_upload_requests(request.documents, reference())
    if reasons:
        raise upload_problem(reasons)
    settings = get_settings()
    s3 = client("s3")
    expiry = settings.upload_url_expiry_seconds
    uploads = {
        doc.slot: presign_document(
            s3, settings.upload_bucket, application_id, round_number, doc, reference().slots[doc.slot].max_bytes, expiry
        ).as_dict()
        for doc in request.documents
    }
    manifest = presign_manifest(s3, settings.upload_bucket, application_id, round_number, expiry).as_dict()
    return {
        "round": round_number,
        "documents": uploads,
        "manifest": manifest,
        "expires_at": (utcnow() + timedelta(seconds=expiry)).isoformat(),
    }


def upload_problem(reasons: list[Reason]) -> ApiProblem:
    """Return a 400 problem listing the declared uploads' reasons, as the pipeline words them."""
    return ApiProblem(
        400,
        "UPLOAD_REQUEST_INVALID",
        en=" ".join(r.message.en for r in reasons),
        id=" ".join(r.message.id for r in reasons),
        reasons=[r.model_dump(mode="json") for r in reasons],
    )


@app.exception_handler(ApiProblem)
def _handle_problem(error: ApiProblem) -> Response:
    return Response(status_code=error.status_code, content_type=content_types.APPLICATION_JSON, body=json.dumps(error.body()))


@app.not_found
def _handle_not_found(error: Exception) -> Response:
    problem = api_errors.route_not_found(app.current_event.http_method, app.current_event.path)
    return _handle_problem(problem)


@app.post("/applications")
def create_application() -> tuple[dict, int]:
    body = _json_body()
    application_id = str(uuid.uuid4())
    logger.append_keys(application_id=application_id)
    uploads = _uploads(application_id, 1, {"documents": body.get("documents", [])})
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = Application(application_id=application_id, status=Status.DRAFT, created_at=now, updated_at=now)
    store().create_application(record, hashlib.sha256(token.encode()).hexdigest(), actor="applicant")
    publish(get_settings().event_bus_name, ApplicationCreated(**event_context(record)))
    logger.info("Application created")
    return {"application_id": application_id, "access_token": token, **uploads}, 201


@app.post("/applications/<application_id>/corrections")
def correction_uploads(application_id: str) -> tuple[dict, int]:
    record = _authorised_application(application_id)
    if record.status is not Status.CORRECTION_REQUESTED:
        raise api_errors.wrong_status(
            record.status.value,
            "correction uploads open only when a correction is requested",
            "unggahan perbaikan hanya dibuka bila perbaikan diminta",
        )
    return _uploads(application_id, record.round + 1, _json_body()), 201


def public_view(record: Application) -> dict:
    """Return what the applicant sees of their application (no task tokens, no internal errors)."""
    data = record.model_dump(mode="json", exclude={"execution_arn", "error"})
    data["oss_status_code"] = oss_status_code(record.status, record.deemed_approval)
    return data


@app.get("/applications/<application_id>")
def application_status(application_id: str) -> dict:
    return public_view(_authorised_application(application_id))


@app.get("/applications/<application_id>/permit")
def permit_link(application_id: str) -> dict:
    record = _authorised_application(application_id)
    if record.status is not Status.ISSUED or not record.permit_key:
        raise api_errors.wrong_status(
            record.status.value,
            "the permit can be downloaded once it is ISSUED",
            "izin dapat diunduh setelah berstatus ISSUED (terbit)",
        )
    url = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": get_settings().permit_bucket, "Key": record.permit_key},
        ExpiresIn=PERMIT_LINK_SECONDS,
    )
    return {"permit_number": record.permit_number, "url": url, "expires_in_seconds": PERMIT_LINK_SECONDS}


@app.get("/verify")
def verify_permit() -> dict | Response:
    """Public verification by permit number, as the permit's QR code links to it.

    A browser (Accept: text/html), such as a phone that scanned the QR code, gets a page;
    other clients get JSON.
    """
    result = _verification()
    if "text/html" in (app.current_event.headers.get("accept") or ""):
        return Response(status_code=200, content_type="text/html; charset=utf-8", body=verification_page(result))
    return result


def verification_page(result: dict) -> str:
    """Render the verification result as a small bilingual HTML page; every value is escaped."""
    permit = dict(result.get("permit") or {})
    if "issued_at" in permit:
        issued = datetime.fromisoformat(permit["issued_at"]).astimezone(WITA)
        permit["issued_at"] = issued.strftime("%Y-%m-%d %H:%M WITA")
    if result["valid"]:
        verdict = "Izin sah / Valid permit"
    else:
        verdict = "Izin tidak sah atau tidak ditemukan / Not a valid permit"
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(permit[key]))}</td></tr>"
        for key, label in (
            ("business_name", "Nama usaha / Business"),
            ("nib", "NIB"),
            ("kbli", "KBLI"),
            ("kbli_title", "Kegiatan / Activity"),
            ("issued_at", "Terbit / Issued"),
            ("deemed_approval", "Fiktif positif / Deemed approval"),
            ("sha256", "SHA-256"),
        )
        if key in permit
    )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(verdict)}</title></head><body>"
        f"<h1>{html.escape(verdict)}</h1>"
        f"<p>{html.escape(result.get('permit_number') or '')}: {html.escape(result['reason'])}</p>"
        f"<table>{rows}</table>"
        "<p>DPMPTSP Provinsi Gorontalo</p></body></html>"
    )


def _verification() -> dict:
    number = app.current_event.get_query_string_value("permit") or ""
    if not number:
        raise api_errors.invalid_request(
            "missing query parameter 'permit', e.g. /verify?permit=503/DAG/2026/000001",
            "parameter 'permit' tidak ada, misalnya /verify?permit=503/DAG/2026/000001",
            field="permit",
        )
    if len(number) > MAX_PERMIT_NUMBER_CHARS:
        return VerificationAnswer(valid=False, permit_number=number[:MAX_PERMIT_NUMBER_CHARS], reason="not a permit number").model_dump()
    try:
        permit = store().get_permit(number)
    except RecordNotFound:
        answer = VerificationAnswer(valid=False, permit_number=number, reason="no permit with this number was issued")
        return answer.model_dump()
    answer = VerificationAnswer(valid=permit.status == "VALID", permit_number=number, reason=f"permit is {permit.status}")
    summary = permit.model_dump(mode="json", include={"business_name", "nib", "kbli", "kbli_title", "sector", "region_code", "issued_at", "deemed_approval", "sha256", "status"})
    return {**answer.model_dump(), "permit": summary}


@app.get("/issuer-public-key")
def issuer_public_key() -> Response:
    from functions.permits.signing import public_key_pem

    pem = public_key_pem(client("kms"), get_settings().signing_key_id)
    return Response(status_code=200, content_type="application/x-pem-file", body=pem.decode())


@app.get("/schema/manifest")
def manifest_schema() -> dict:
    # Only this route needs the manifest model, which intake validates.
    from schemas.manifest import Manifest

    return Manifest.model_json_schema()


@app.get("/reference")
def reference_data() -> dict:
    """Return sectors, regions, document slots and the rule table, for the form's field help."""
    ref = reference()
    rules = []
    for rule in ref.rules.values():
        levels = sorted({level for level in rule.risk.values()})
        rules.append(
            {
                "kbli": rule.kbli,
                "title": rule.title,
                "sector": rule.sector,
                "risk": {scale.value: level.value for scale, level in rule.risk.items()},
                "required_slots": {level.value: ref.required_slots(rule, level) for level in levels},
            }
        )
    return {
        "sectors": [asdict(sector) for sector in ref.sectors.values()],
        "regions": [asdict(region) for region in ref.regions.values()],
        "districts": [asdict(district) for district in ref.districts.values()],
        "slots": [asdict(slot) for slot in ref.slots.values()],
        "rules": rules,
    }


# --- operator routes (IAM-authorised in AWS) ----------------------------------------------


@app.get("/operator/tasks")
def list_tasks() -> dict:
    sector = app.current_event.get_query_string_value("sector") or ""
    if sector not in reference().sectors:
        raise api_errors.sector_unknown(sector, sorted(reference().sectors))
    tasks = store().open_tasks(sector)
    return {"sector": sector, "tasks": [t.model_dump(mode="json") for t in tasks]}


def iam_operator(user_arn: str) -> str | None:
    """Return the operator id an IAM caller acts as: the session name of an assumed role or the user name.

    Operators call the API with a role they assume under their operator id as the session
    name (`aws sts assume-role --role-session-name op-dag-1`), or as an IAM user of that name.
    """
    resource = user_arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    if kind == "assumed-role" and "/" in rest:
        return rest.split("/", 1)[1]
    if kind == "user" and rest:
        return rest.rsplit("/", 1)[-1]
    return None


def _check_caller(operator_id: str) -> None:
    """In AWS the operator routes are IAM-authorised: the body's operator must be the caller."""
    iam = (app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}).get("iam")
    if not iam:
        return  # The local stack has no IAM; the operators configuration still applies.
    caller = iam_operator(iam.get("userArn", ""))
    if caller != operator_id:
        logger.warning("Operator id does not match the IAM caller", extra={"operator_id": operator_id})
        raise ApiProblem(
            403,
            "OPERATOR_NOT_CALLER",
            en=f"operator_id '{operator_id}' is not the authenticated caller; sign the request as that operator.",
            id=f"operator_id '{operator_id}' bukan pemanggil yang terautentikasi; tanda tangani permintaan sebagai petugas itu.",
        )


@app.post("/operator/tasks/<task_id>/decision")
def decide(task_id: str) -> dict:
    try:
        decision = ReviewDecision.model_validate(_json_body())
    except ValidationError as error:
        raise _validation_problem(error) from error
    _check_caller(decision.operator_id)
    try:
        task = decisions.decide(task_id, decision)
    except decisions.DecisionRejected as error:
        logger.warning("Decision not accepted", extra={"task_id": task_id, "code": error.code})
        raise ApiProblem(error.status, error.code, en=str(error), id=error.message_id) from error
    return task.model_dump(mode="json")


@app.get("/operator/applications/<application_id>")
def operator_view(application_id: str) -> dict:
    if not APPLICATION_ID.fullmatch(application_id):
        raise api_errors.application_not_found(application_id[:64])
    try:
        record = store().get_application(application_id)
    except RecordNotFound as error:
        raise api_errors.application_not_found(application_id) from error
    return {
        "application": {**record.model_dump(mode="json"), "oss_status_code": oss_status_code(record.status, record.deemed_approval)},
        "tasks": [t.model_dump(mode="json") for t in store().tasks_of(application_id)],
        "audit": store().audit_trail(application_id),
    }


@app.get("/operator/accounts/<nib>/applications")
def account_applications(nib: str) -> dict:
    return {"nib": nib, "applications": [public_view(a) for a in store().applications_of(nib)]}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
