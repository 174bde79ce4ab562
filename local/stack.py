"""The embedded local stack: moto on 127.0.0.1 as the AWS endpoint, GOSO's handlers in-process.

Resources come from the topology declaration, the state machine from the same ASL file the
CDK app deploys. Everything lives in memory and disappears when the stack stops.
"""

import io
import json
import logging
import os
import sys
import threading
import time
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from infra import topology
from infra.topology import STATE_MACHINE_DEFINITION, Access, Resource, Trigger
from local import moto_hooks
from local.http_api import HttpApi
from local.lambda_runtime import LambdaRuntime, function_name

REGION = "ap-southeast-3"
ACCOUNT = "123456789012"
CONFIG_DIR = Path(__file__).with_name("config")
DEMO_DEADLINES = CONFIG_DIR / "demo-deadlines.json"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = PROJECT_ROOT / "web"

NAMES = {
    Resource.TABLE: "goso",
    Resource.UPLOAD_BUCKET: "goso-uploads",
    Resource.PERMIT_BUCKET: "goso-permits",
    Resource.INTAKE_QUEUE: "goso-intake",
    Resource.EVENT_BUS: "goso-events",
    Resource.SIGNING_KEY: "alias/goso-permit-signing",
    Resource.STATE_MACHINE: "goso-application",
}
INTAKE_DLQ = "goso-intake-dlq"
EVENTS_TAP_QUEUE = "goso-events-tap"
# Local queue timings: a failed intake message is retried after this many seconds, three times.
VISIBILITY_TIMEOUT_SECONDS = 5
MAX_RECEIVE_COUNT = 3


@dataclass
class StackOptions:
    deadlines_file: Path = DEMO_DEADLINES
    kbli_list: Path | None = None
    moto_port: int = 0
    api_port: int = 0
    static_dir: Path | None = WEB_DIR
    # Extra settings for every handler (name -> value), e.g. a test's own limits.
    extra_environment: dict[str, str] = field(default_factory=dict)
    # Seconds between the monitor's scheduled backlog measurements (every 5 minutes in AWS).
    backlog_schedule_seconds: float = 5


def _set_aws_environment(endpoint: str) -> None:
    """Point boto3 in this process at the embedded endpoint with throwaway credentials."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint,
            # Never look for credentials or a region anywhere else, e.g. an instance metadata service.
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )


def _reset_handler_caches() -> None:
    """Forget settings and clients that handlers cached for an earlier stack in this process."""
    from functions import aws, runtime, settings

    settings.get_settings.cache_clear()
    aws.client.cache_clear()
    aws.table.cache_clear()
    for cached in (runtime.store, runtime.reference, runtime.deadlines):
        cached.cache_clear()


class LocalStack:
    # The stack sets process-wide environment and patches moto, so one runs per process at a time.
    _running: "LocalStack | None" = None

    def __init__(self, options: StackOptions | None = None):
        self.options = options or StackOptions()
        # Read when the stack is built, so a changed declaration reaches it like the CDK app.
        self.functions = topology.FUNCTIONS
        self.runtime = LambdaRuntime(REGION, ACCOUNT, self.functions)
        self.moto: ThreadedMotoServer | None = None
        self.api: HttpApi | None = None
        self.endpoint = ""
        self.values: dict[Resource, str] = {}
        self.events: list[dict] = []
        self.schedule_runs = 0
        self._events_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.dlq_url = ""
        self.events_queue_url = ""

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> "LocalStack":
        if LocalStack._running is not None:
            raise RuntimeError("a local stack already runs in this process; stop it before starting another")
        LocalStack._running = self
        # Restored by stop(): the stack points this process's boto3 at itself while it runs.
        self._saved_environment = dict(os.environ)
        # moto's interpreter logs each caught state error (a rejection, a timeout) at ERROR with a
        # full dump of the state. The execution history records the same facts in readable form.
        logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.options.moto_port, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # moto's Step Functions interpreter reaches Lambda through this port.
        os.environ["MOTO_PORT"] = str(port)
        _set_aws_environment(self.endpoint)
        # moto keeps its backends per process: start from an empty account every time.
        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST"), timeout=10)
        moto_hooks.install(self.runtime)

        self.api = HttpApi(self._invoke_api, port=self.options.api_port, static_dir=self.options.static_dir)
        self._create_resources()
        self._set_handler_environment()
        _reset_handler_caches()
        self.api.start()
        self._start_pollers()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.api:
            self.api.stop()
        if self.moto:
            self.moto.stop()
        moto_hooks.uninstall()
        os.environ.clear()
        os.environ.update(self._saved_environment)
        if LocalStack._running is self:
            LocalStack._running = None

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return self.api.url if self.api else ""

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, config=Config(retries={"max_attempts": 2}))

    def describe(self) -> dict:
        """Return the endpoints and resource names other processes need to use this stack."""
        return {
            "aws_endpoint": self.endpoint,
            "api_url": self.api_url,
            "region": REGION,
            "resources": {resource.value: value for resource, value in self.values.items()},
            "pid": os.getpid(),
        }

    # --- resources ----------------------------------------------------------------------

    def _create_resources(self) -> None:
        v = self.values
        v[Resource.TABLE] = NAMES[Resource.TABLE]
        v[Resource.UPLOAD_BUCKET] = NAMES[Resource.UPLOAD_BUCKET]
        v[Resource.PERMIT_BUCKET] = NAMES[Resource.PERMIT_BUCKET]
        v[Resource.EVENT_BUS] = NAMES[Resource.EVENT_BUS]
        v[Resource.API] = self.api_url
        self._create_table()
        self._create_queues()
        self._create_buckets()
        self._create_event_bus()
        v[Resource.SIGNING_KEY] = self._create_signing_key()
        role_arn = self._create_role()
        self._create_functions(role_arn)
        v[Resource.STATE_MACHINE] = self._create_state_machine(role_arn)

    def _create_table(self) -> None:
        indexes = []
        for name in ("GSI1", "GSI2"):
            indexes.append(
                {
                    "IndexName": name,
                    "KeySchema": [
                        {"AttributeName": f"{name}PK", "KeyType": "HASH"},
                        {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            )
        attributes = [{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")]
        self.client("dynamodb").create_table(
            TableName=self.values[Resource.TABLE],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=attributes,
            GlobalSecondaryIndexes=indexes,
            BillingMode="PAY_PER_REQUEST",
        )

    def _create_queues(self) -> None:
        sqs = self.client("sqs")
        self.dlq_url = sqs.create_queue(QueueName=INTAKE_DLQ)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(
            QueueName=NAMES[Resource.INTAKE_QUEUE],
            Attributes={
                "VisibilityTimeout": str(VISIBILITY_TIMEOUT_SECONDS),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}),
            },
        )["QueueUrl"]
        self.values[Resource.INTAKE_QUEUE] = url
        self.events_queue_url = sqs.create_queue(QueueName=EVENTS_TAP_QUEUE)["QueueUrl"]

    def _queue_arn(self, url: str) -> str:
        attributes = self.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return attributes["Attributes"]["QueueArn"]

    def _create_buckets(self) -> None:
        s3 = self.client("s3")
        location = {"LocationConstraint": REGION}
        for resource in (Resource.UPLOAD_BUCKET, Resource.PERMIT_BUCKET):
            s3.create_bucket(Bucket=self.values[resource], CreateBucketConfiguration=location)
            # As in AWS: a second upload to a key adds a version and never replaces the first.
            s3.put_bucket_versioning(Bucket=self.values[resource], VersioningConfiguration={"Status": "Enabled"})
        # The form posts uploads from the API's origin. moto adds CORS headers itself, but AWS needs the rule.
        s3.put_bucket_cors(
            Bucket=self.values[Resource.UPLOAD_BUCKET],
            CORSConfiguration={
                "CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]
            },
        )
        s3.put_bucket_notification_configuration(
            Bucket=self.values[Resource.UPLOAD_BUCKET],
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": self._queue_arn(self.values[Resource.INTAKE_QUEUE]),
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {
                            "Key": {
                                "FilterRules": [
                                    {"Name": "prefix", "Value": "incoming/"},
                                    {"Name": "suffix", "Value": "/application.json"},
                                ]
                            }
                        },
                    }
                ]
            },
        )

    def _create_event_bus(self) -> None:
        events = self.client("events")
        bus = self.values[Resource.EVENT_BUS]
        events.create_event_bus(Name=bus)
        events.put_rule(Name="goso-pipeline-events", EventBusName=bus, EventPattern=json.dumps({"source": ["goso.pipeline"]}))
        events.put_targets(
            Rule="goso-pipeline-events",
            EventBusName=bus,
            Targets=[{"Id": "events-tap", "Arn": self._queue_arn(self.events_queue_url)}],
        )

    def _create_signing_key(self) -> str:
        kms = self.client("kms")
        key = kms.create_key(
            KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="GOSO permit signing key (local)"
        )["KeyMetadata"]
        kms.create_alias(AliasName=NAMES[Resource.SIGNING_KEY], TargetKeyId=key["KeyId"])
        return key["KeyId"]

    def _create_role(self) -> str:
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}, "Action": "sts:AssumeRole"}],
        }
        role = self.client("iam").create_role(RoleName="goso-local", AssumeRolePolicyDocument=json.dumps(trust))
        return role["Role"]["Arn"]

    def _create_functions(self, role_arn: str) -> None:
        # moto stores the function; the in-process runtime runs its handler instead of this code.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("placeholder.py", "# handlers run in-process on the local stack\n")
        lam = self.client("lambda")
        for spec in self.functions:
            lam.create_function(
                FunctionName=function_name(spec),
                Runtime="python3.13",
                Role=role_arn,
                Handler=spec.handler,
                Code={"ZipFile": buffer.getvalue()},
                Description=spec.description,
                Timeout=spec.timeout_seconds,
                MemorySize=spec.memory_mb,
                Architectures=["arm64"],
            )

    def _create_state_machine(self, role_arn: str) -> str:
        definition = STATE_MACHINE_DEFINITION.read_text()
        for placeholder, spec in topology.state_machine_functions().items():
            definition = definition.replace("${" + placeholder + "}", self.runtime.arn(spec))
        response = self.client("stepfunctions").create_state_machine(
            name=NAMES[Resource.STATE_MACHINE], definition=definition, roleArn=role_arn, type="STANDARD"
        )
        return response["stateMachineArn"]

    def _set_handler_environment(self) -> None:
        """Set the handlers' settings. In-process, every function reads the union of them."""
        for spec in self.functions:
            for setting, resource in spec.environment.items():
                os.environ[setting] = self.values[resource]
        os.environ["GOSO_DEADLINES_FILE"] = str(self.options.deadlines_file)
        os.environ["POWERTOOLS_LOG_LEVEL"] = os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING")
        os.environ["POWERTOOLS_METRICS_NAMESPACE"] = "GOSO"
        if self.options.kbli_list:
            os.environ["GOSO_KBLI_LIST"] = str(self.options.kbli_list)
        os.environ.update(self.options.extra_environment)

    # --- triggers -----------------------------------------------------------------------

    def _invoke_api(self, event: dict) -> dict:
        spec = next(s for s in self.functions if s.trigger is Trigger.HTTP_API)
        result, failed = self.runtime.invoke(function_name(spec), event)
        if failed:
            # API Gateway returns 502 and the error goes to the function's log.
            print(f"API handler failed: {result['errorType']}: {result['errorMessage']}", file=sys.stderr)
            return {"statusCode": 502, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"message": "Internal Server Error"})}
        return result

    def _start_pollers(self) -> None:
        for spec in self.functions:
            if spec.trigger is Trigger.QUEUE:
                queue = next(r for r, a in spec.uses.items() if a is Access.CONSUME)
                self._spawn(f"poll-{spec.name}", self._poll_queue, self.values[queue], function_name(spec))
        self._spawn("poll-events", self._poll_events)
        self._spawn("schedule", self._run_schedule)

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _poll_queue(self, queue_url: str, target_function: str) -> None:
        """Feed batches of up to 10 messages to `target_function`, as an SQS event source mapping does.

        Messages the function reports in batchItemFailures stay on the queue for a retry.
        """
        sqs = self.client("sqs")
        arn = self._queue_arn(queue_url)
        while not self._stop.is_set():
            messages = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                continue
            event = {"Records": [_sqs_record(message, arn) for message in messages]}
            result, failed = self.runtime.invoke(target_function, event)
            failures = set()
            if failed:
                failures = {message["MessageId"] for message in messages}
            else:
                failures = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
            done = [m for m in messages if m["MessageId"] not in failures]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )

    def _poll_events(self) -> None:
        """Keep every pipeline event and hand it to the functions an EventBridge rule triggers.

        moto's EventBridge cannot target Lambda, so the rule feeds a tap queue and this loop
        invokes the functions. moto's CloudWatch does not read embedded-metric-format log
        lines either, so the lines a function prints are turned into put_metric_data here.
        """
        from local.monitoring import capture_emf, publish_emf

        sqs = self.client("sqs")
        cloudwatch = self.client("cloudwatch")
        targets = [function_name(spec) for spec in self.functions if spec.trigger is Trigger.EVENT_RULE]
        while not self._stop.is_set():
            messages = sqs.receive_message(QueueUrl=self.events_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                "Messages", []
            )
            for message in messages:
                event = json.loads(message["Body"])
                for target in targets:
                    (result, failed), emf_lines = capture_emf(self.runtime.invoke, target, event)
                    if failed:
                        print(f"{target} failed: {result['errorType']}: {result['errorMessage']}", file=sys.stderr)
                    publish_emf(emf_lines, cloudwatch)
                # Recorded after the targets ran, so a test that sees the event also sees its metrics.
                with self._events_lock:
                    self.events.append(event)
            if messages:
                sqs.delete_message_batch(
                    QueueUrl=self.events_queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
                )

    def _run_schedule(self) -> None:
        """Send a scheduled event to the event-rule functions every `backlog_schedule_seconds`."""
        from local.monitoring import capture_emf, publish_emf

        cloudwatch = self.client("cloudwatch")
        targets = [function_name(spec) for spec in self.functions if spec.trigger is Trigger.EVENT_RULE]
        while not self._stop.wait(self.options.backlog_schedule_seconds):
            event = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": ACCOUNT,
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "region": REGION,
                "resources": [],
                "detail": {},
            }
            for target in targets:
                (result, failed), emf_lines = capture_emf(self.runtime.invoke, target, event)
                if failed:
                    print(f"{target} failed: {result['errorType']}: {result['errorMessage']}", file=sys.stderr)
                publish_emf(emf_lines, cloudwatch)
            self.schedule_runs += 1

    def events_of(self, application_id: str) -> list[dict]:
        with self._events_lock:
            return [e for e in self.events if e.get("detail", {}).get("application_id") == application_id]

    def wait_for(self, predicate, timeout: float, interval: float = 0.2):
        """Poll `predicate` until it returns a truthy value or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)


def _sqs_record(message: dict, queue_arn: str) -> dict:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
