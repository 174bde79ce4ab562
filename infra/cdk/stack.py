"""The GOSO stack: every construct wired from the topology declaration and the ASL file."""

from pathlib import Path

from aws_cdk import AssetHashType, CfnOutput, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import topology
from infra.cdk.api import Api
from infra.cdk.bundling import PROJECT_ROOT, build_lambda_asset
from infra.cdk.events import Events
from infra.cdk.monitoring import Monitoring
from infra.cdk.nag import suppress_findings
from infra.cdk.pipeline import Pipeline, PipelineResources
from infra.cdk.signing import Signing
from infra.cdk.storage import Storage
from infra.cdk.web import Web
from infra.topology import Access, FunctionSpec, Resource, Trigger

WEB_DIR = PROJECT_ROOT / "web"
LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
# AWS advises a queue visibility timeout of six times the consuming function's timeout.
VISIBILITY_FACTOR = 6


def lambda_code() -> lambda_.Code:
    """The shared code asset of every function, built (or taken from the cache) for arm64."""
    directory, key = build_lambda_asset()
    return lambda_.Code.from_asset(
        str(directory), asset_hash=key, asset_hash_type=AssetHashType.CUSTOM, exclude=[".complete"]
    )


def queue_visibility(functions: tuple[FunctionSpec, ...]) -> Duration:
    timeouts = [spec.timeout_seconds for spec in functions if spec.trigger is Trigger.QUEUE]
    return Duration.seconds(VISIBILITY_FACTOR * max(timeouts, default=30))


class GosoStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: tuple[FunctionSpec, ...] | None = None,
        code: lambda_.Code | None = None,
        web_dir: Path = WEB_DIR,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Read at construction time, so a changed topology is what gets synthesized.
        functions = topology.FUNCTIONS if functions is None else functions

        self.storage = Storage(self, "Storage", queue_visibility=queue_visibility(functions))
        self.signing = Signing(self, "Signing")
        self.events = Events(self, "Events")
        self.web = Web(self, "Web", access_logs=self.storage.access_logs)
        # Browsers upload straight to S3 from the form's origin through pre-signed POSTs.
        self.storage.upload_bucket.add_cors_rule(
            allowed_origins=[self.web.origin],
            allowed_methods=[s3.HttpMethods.POST],
            allowed_headers=["*"],
            max_age=3000,
        )
        self.api = Api(self, "Api", form_origin=self.web.origin, log_retention=LOG_RETENTION)
        self.pipeline = Pipeline(
            self,
            "Pipeline",
            functions=functions,
            code=code or lambda_code(),
            definition_file=topology.STATE_MACHINE_DEFINITION,
            log_retention=LOG_RETENTION,
        )
        self.pipeline.wire(
            PipelineResources(
                table=self.storage.table,
                upload_bucket=self.storage.upload_bucket,
                permit_bucket=self.storage.permit_bucket,
                intake_queue=self.storage.intake_queue,
                event_bus=self.events.bus,
                signing_key=self.signing.key,
                api_endpoint=self.api.endpoint,
            )
        )
        for spec in functions:
            self._connect_trigger(spec)

        self.monitoring = Monitoring(
            self, "Monitoring", state_machine=self.pipeline.state_machine, dead_letter_queue=self.storage.intake_dlq
        )
        self.web.deploy(web_dir, self.api.endpoint)

        CfnOutput(self, "ApiUrl", value=self.api.endpoint)
        CfnOutput(self, "FormUrl", value=self.web.origin)
        CfnOutput(self, "UploadBucketName", value=self.storage.upload_bucket.bucket_name)
        CfnOutput(self, "StateMachineArn", value=self.pipeline.state_machine.state_machine_arn)
        CfnOutput(self, "DashboardName", value=self.monitoring.dashboard.dashboard_name)
        CfnOutput(self, "OperatorsGroup", value=self.api.operators.group_name)
        suppress_findings(self)

    def _connect_trigger(self, spec: FunctionSpec) -> None:
        function = self.pipeline.functions[spec.name]
        if spec.trigger is Trigger.QUEUE:
            consumed = [resource for resource, access in spec.uses.items() if access is Access.CONSUME]
            if consumed != [Resource.INTAKE_QUEUE]:
                raise ValueError(f"function '{spec.name}' is queue-triggered but consumes {consumed}, not the intake queue")
            self.pipeline.queue_consumer(spec.name, self.storage.intake_queue)
        elif spec.trigger is Trigger.HTTP_API:
            if not spec.routes:
                raise ValueError(f"function '{spec.name}' is triggered by the HTTP API but declares no routes")
            self.api.add_function_routes(spec.name, function, spec.routes)
            function.add_environment("FORM_ORIGIN", self.web.origin)
        elif spec.trigger is Trigger.EVENT_RULE:
            self.events.route_to(spec.name, function)
        elif spec.trigger is Trigger.STATE_MACHINE:
            if not spec.asl_placeholder:
                raise ValueError(f"function '{spec.name}' is called by the state machine but names no ASL placeholder")
        else:
            raise ValueError(f"unknown trigger {spec.trigger} of function '{spec.name}'")
