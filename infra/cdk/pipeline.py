"""One Lambda function per topology entry, its grants and trigger, and the state machine from the ASL file."""

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.cdk.storage import PERMIT_PREFIX, UPLOAD_PREFIX
from infra.topology import SERVICE_NAME, METRICS_NAMESPACE, Access, FunctionSpec, Resource

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
# Settings every function gets besides the ones its topology entry names.
STATIC_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
# The object keys each function may touch in each bucket; the server generates every key.
BUCKET_KEY_PATTERNS = {Resource.UPLOAD_BUCKET: f"{UPLOAD_PREFIX}*", Resource.PERMIT_BUCKET: f"{PERMIT_PREFIX}*"}


@dataclass
class PipelineResources:
    """The deployed resources the topology's `Resource` names refer to."""

    table: dynamodb.Table
    upload_bucket: s3.Bucket
    permit_bucket: s3.Bucket
    intake_queue: sqs.Queue
    event_bus: events.EventBus
    signing_key: kms.Key
    api_endpoint: str
    state_machine: sfn.StateMachine | None = None

    def setting(self, resource: Resource) -> str:
        """The value a handler setting carries for `resource`: a name, URL or ARN."""
        values = {
            Resource.TABLE: lambda: self.table.table_name,
            Resource.UPLOAD_BUCKET: lambda: self.upload_bucket.bucket_name,
            Resource.PERMIT_BUCKET: lambda: self.permit_bucket.bucket_name,
            Resource.INTAKE_QUEUE: lambda: self.intake_queue.queue_url,
            Resource.EVENT_BUS: lambda: self.event_bus.event_bus_name,
            Resource.SIGNING_KEY: lambda: self.signing_key.key_arn,
            Resource.STATE_MACHINE: lambda: self._require_state_machine().state_machine_arn,
            Resource.API: lambda: self.api_endpoint,
        }
        if resource not in values:
            raise ValueError(f"no handler setting is defined for resource '{resource}'")
        return values[resource]()

    def grant(self, resource: Resource, access: Access, grantee: lambda_.Function) -> None:
        """Give `grantee` exactly the access its topology entry declares, through the resource's grant method."""
        if access is Access.CONSUME:
            return  # granted by the event source mapping, which only exists for the queue trigger
        if resource is Resource.TABLE:
            grants = {
                Access.READ: self.table.grant_read_data,
                Access.WRITE: self.table.grant_write_data,
                Access.READ_WRITE: self.table.grant_read_write_data,
            }
            if access in grants:
                grants[access](grantee)
                return
        elif resource in BUCKET_KEY_PATTERNS:
            bucket = self.upload_bucket if resource is Resource.UPLOAD_BUCKET else self.permit_bucket
            keys = BUCKET_KEY_PATTERNS[resource]
            grants = {Access.READ: bucket.grant_read, Access.WRITE: bucket.grant_put, Access.READ_WRITE: bucket.grant_read_write}
            if access in grants:
                grants[access](grantee, keys)
                return
        elif resource is Resource.INTAKE_QUEUE and access is Access.WRITE:
            self.intake_queue.grant_send_messages(grantee)
            return
        elif resource is Resource.EVENT_BUS and access is Access.PUT_EVENTS:
            self.event_bus.grant_put_events_to(grantee)
            return
        elif resource is Resource.SIGNING_KEY:
            # Signing builds the issuer certificate from the public key, so it needs both actions.
            actions = {Access.SIGN: ("kms:Sign", "kms:GetPublicKey"), Access.READ: ("kms:GetPublicKey",)}
            if access in actions:
                self.signing_key.grant(grantee, *actions[access])
                return
        elif resource is Resource.STATE_MACHINE:
            machine = self._require_state_machine()
            grants = {
                Access.START_EXECUTION: machine.grant_start_execution,
                Access.TASK_RESPONSE: machine.grant_task_response,
                Access.READ: machine.grant_read,
            }
            if access in grants:
                grants[access](grantee)
                return
        raise ValueError(f"no grant is defined for {access} access to resource '{resource}'")

    def _require_state_machine(self) -> sfn.StateMachine:
        if self.state_machine is None:
            raise RuntimeError("the state machine is created after the functions it calls")
        return self.state_machine


class Pipeline(Construct):
    """The functions of the topology and the Standard state machine built from the ASL file."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: tuple[FunctionSpec, ...],
        code: lambda_.Code,
        definition_file: Path,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        self.specs = {spec.name: spec for spec in functions}
        self.functions: dict[str, lambda_.Function] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        for spec in functions:
            self.functions[spec.name] = self._function(spec, code, log_retention)

        substitutions = {
            spec.asl_placeholder: self.functions[spec.name].function_arn for spec in functions if spec.asl_placeholder
        }
        self.state_machine_logs = logs.LogGroup(
            self, "StateMachineLogs", retention=log_retention, removal_policy=RemovalPolicy.RETAIN
        )
        self.state_machine = sfn.StateMachine(
            self,
            "Application",
            comment="GOSO permit application lifecycle",
            state_machine_type=sfn.StateMachineType.STANDARD,
            # Inline, so the template carries the ASL file's exact text; the ARNs are substituted at deploy time.
            definition_body=sfn.DefinitionBody.from_string(definition_file.read_text(encoding="utf-8")),
            definition_substitutions=substitutions,
            tracing_enabled=True,
            # Payloads carry ids and keys only, yet execution data stays out of the logs:
            # the execution history in the console has it for those allowed to see it.
            logs=sfn.LogOptions(destination=self.state_machine_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        for spec in functions:
            if spec.asl_placeholder:
                self.functions[spec.name].grant_invoke(self.state_machine)

    def _function(self, spec: FunctionSpec, code: lambda_.Code, log_retention: logs.RetentionDays) -> lambda_.Function:
        log_group = logs.LogGroup(self, f"{spec.name}-logs", retention=log_retention, removal_policy=RemovalPolicy.RETAIN)
        # An own role without the managed basic-execution policy: logging is granted on this log group only.
        role = iam.Role(
            self,
            f"{spec.name}-role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"GOSO function {spec.name}",
        )
        log_group.grant_write(role)
        self.log_groups[spec.name] = log_group
        return lambda_.Function(
            self,
            spec.name,
            description=spec.description,
            handler=spec.handler,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code,
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            environment=dict(STATIC_ENVIRONMENT),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
        )

    def wire(self, resources: PipelineResources) -> None:
        """Give every function its settings and grants; call once all resources exist."""
        resources.state_machine = self.state_machine
        for name, spec in self.specs.items():
            function = self.functions[name]
            for setting, resource in spec.environment.items():
                function.add_environment(setting, resources.setting(resource))
            for resource, access in spec.uses.items():
                resources.grant(resource, access, function)

    def queue_consumer(self, name: str, queue: sqs.IQueue) -> None:
        """Feed `queue` to the function in batches; a failed record is retried alone, then dead-lettered."""
        self.functions[name].add_event_source(
            event_sources.SqsEventSource(queue, batch_size=10, report_batch_item_failures=True)
        )
