"""The one declaration of GOSO's topology, read by both the CDK app and the local stack.

Plain data with no CDK import, so the local stack and the handlers never load CDK. Each
function names its handler, its environment (setting name to resource attribute), the
resources it uses with the access it needs, and what triggers it.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

STATE_MACHINE_DEFINITION = Path(__file__).with_name("statemachine.asl.json")
SERVICE_NAME = "goso"
METRICS_NAMESPACE = "GOSO"


class Resource(StrEnum):
    TABLE = "table"
    UPLOAD_BUCKET = "upload_bucket"
    PERMIT_BUCKET = "permit_bucket"
    INTAKE_QUEUE = "intake_queue"
    EVENT_BUS = "event_bus"
    SIGNING_KEY = "signing_key"
    STATE_MACHINE = "state_machine"
    API = "api"


class Access(StrEnum):
    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"
    PUT_EVENTS = "put_events"
    SIGN = "sign"
    START_EXECUTION = "start_execution"
    TASK_RESPONSE = "task_response"
    CONSUME = "consume"


class Trigger(StrEnum):
    QUEUE = "queue"
    STATE_MACHINE = "state_machine"
    HTTP_API = "http_api"
    EVENT_RULE = "event_rule"


@dataclass(frozen=True)
class HttpRoute:
    """One route of the HTTP API. Operator routes need a SigV4-signed (IAM-authorised) request."""

    method: str
    path: str
    iam_authorised: bool = False


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: str
    description: str
    trigger: Trigger
    uses: dict[Resource, Access]
    # Setting name (environment variable) -> resource whose name, ARN or URL it carries.
    environment: dict[str, Resource] = field(default_factory=dict)
    memory_mb: int = 256
    timeout_seconds: int = 30
    # Placeholder in the ASL file that resolves to this function's ARN, if the state machine calls it.
    asl_placeholder: str | None = None
    # Routes of the HTTP API that reach this function (only for Trigger.HTTP_API).
    routes: tuple[HttpRoute, ...] = ()


_COMMON_ENV = {"TABLE_NAME": Resource.TABLE, "EVENT_BUS_NAME": Resource.EVENT_BUS}
_COMMON_USES = {Resource.TABLE: Access.READ_WRITE, Resource.EVENT_BUS: Access.PUT_EVENTS}

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="intake",
        handler="functions.intake.handler",
        description="Check an uploaded manifest and its documents, then start or resume the execution",
        trigger=Trigger.QUEUE,
        uses={
            **_COMMON_USES,
            Resource.UPLOAD_BUCKET: Access.READ,
            Resource.INTAKE_QUEUE: Access.CONSUME,
            Resource.STATE_MACHINE: Access.START_EXECUTION,
        },
        environment={
            **_COMMON_ENV,
            "UPLOAD_BUCKET": Resource.UPLOAD_BUCKET,
            "STATE_MACHINE_ARN": Resource.STATE_MACHINE,
        },
        memory_mb=1024,
        timeout_seconds=120,
    ),
    FunctionSpec(
        name="verify",
        handler="functions.verify.handler",
        description="Check that the requirements for the permit are complete and route by risk",
        trigger=Trigger.STATE_MACHINE,
        uses=dict(_COMMON_USES),
        environment=dict(_COMMON_ENV),
        asl_placeholder="VerifyFunctionArn",
    ),
    FunctionSpec(
        name="request_correction",
        handler="functions.request_correction.handler",
        description="Ask the applicant for a correction and keep the task token until it arrives",
        trigger=Trigger.STATE_MACHINE,
        uses=dict(_COMMON_USES),
        environment=dict(_COMMON_ENV),
        asl_placeholder="RequestCorrectionFunctionArn",
    ),
    FunctionSpec(
        name="review_task",
        handler="functions.review_task.handler",
        description="Open a sector review task and keep its task token for the operator's decision",
        trigger=Trigger.STATE_MACHINE,
        uses=dict(_COMMON_USES),
        environment=dict(_COMMON_ENV),
        asl_placeholder="ReviewTaskFunctionArn",
    ),
    FunctionSpec(
        name="record_outcome",
        handler="functions.record_outcome.handler",
        description="Record deemed approvals, rejections, incomplete closures and failures",
        trigger=Trigger.STATE_MACHINE,
        uses=dict(_COMMON_USES),
        environment=dict(_COMMON_ENV),
        asl_placeholder="RecordOutcomeFunctionArn",
    ),
    FunctionSpec(
        name="issue",
        handler="functions.issue.handler",
        description="Render, sign and store the permit in the business account",
        trigger=Trigger.STATE_MACHINE,
        uses={
            **_COMMON_USES,
            Resource.PERMIT_BUCKET: Access.WRITE,
            Resource.SIGNING_KEY: Access.SIGN,
        },
        environment={
            **_COMMON_ENV,
            "PERMIT_BUCKET": Resource.PERMIT_BUCKET,
            "SIGNING_KEY_ID": Resource.SIGNING_KEY,
            "VERIFY_BASE_URL": Resource.API,
        },
        memory_mb=1024,
        timeout_seconds=60,
        asl_placeholder="IssueFunctionArn",
    ),
    FunctionSpec(
        name="api",
        handler="functions.api.handler",
        description="HTTP API for applicants, public verification and operators",
        trigger=Trigger.HTTP_API,
        uses={
            **_COMMON_USES,
            Resource.UPLOAD_BUCKET: Access.WRITE,
            Resource.PERMIT_BUCKET: Access.READ,
            Resource.SIGNING_KEY: Access.READ,
            Resource.STATE_MACHINE: Access.TASK_RESPONSE,
        },
        environment={
            **_COMMON_ENV,
            "UPLOAD_BUCKET": Resource.UPLOAD_BUCKET,
            "PERMIT_BUCKET": Resource.PERMIT_BUCKET,
            "SIGNING_KEY_ID": Resource.SIGNING_KEY,
        },
        memory_mb=512,
        timeout_seconds=29,
        routes=(
            HttpRoute("POST", "/applications"),
            HttpRoute("POST", "/applications/{application_id}/corrections"),
            HttpRoute("GET", "/applications/{application_id}"),
            HttpRoute("GET", "/applications/{application_id}/permit"),
            HttpRoute("GET", "/verify"),
            HttpRoute("GET", "/issuer-public-key"),
            HttpRoute("GET", "/schema/manifest"),
            HttpRoute("GET", "/reference"),
            HttpRoute("GET", "/operator/tasks", iam_authorised=True),
            HttpRoute("POST", "/operator/tasks/{task_id}/decision", iam_authorised=True),
            HttpRoute("GET", "/operator/applications/{application_id}", iam_authorised=True),
            HttpRoute("GET", "/operator/accounts/{nib}/applications", iam_authorised=True),
        ),
    ),
    FunctionSpec(
        name="monitor",
        handler="functions.monitor.handler",
        description="Turn pipeline events into CloudWatch metrics and count each sector's open review tasks",
        trigger=Trigger.EVENT_RULE,
        # Reads the open-task index (GSI2) for the review backlog gauge.
        uses={Resource.TABLE: Access.READ},
        environment={"TABLE_NAME": Resource.TABLE},
    ),
)


def function_named(name: str) -> FunctionSpec:
    for spec in FUNCTIONS:
        if spec.name == name:
            return spec
    raise KeyError(f"no function named '{name}' in the topology")


def state_machine_functions() -> dict[str, FunctionSpec]:
    """Return the functions the state machine calls, by their ASL placeholder."""
    return {spec.asl_placeholder: spec for spec in FUNCTIONS if spec.asl_placeholder}
