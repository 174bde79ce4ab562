"""cdk-nag AwsSolutions findings that are accepted, each acknowledged on its construct with a reason.

Every acknowledgment names one finding (rule plus the exact action or resource), so a new
wildcard elsewhere still fails synthesis.
"""

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, CfnElement, DefaultStackSynthesizer, Stack, Validations
from constructs import IConstruct

from infra.cdk.pipeline import BUCKET_KEY_PATTERNS
from infra.topology import Access, Resource

if TYPE_CHECKING:
    from infra.cdk.stack import GosoStack

# Singleton handlers that aws-cdk-lib adds for S3 notifications and BucketDeployment.
NOTIFICATIONS_HANDLER_PREFIX = "BucketNotificationsHandler"
DEPLOYMENT_HANDLER_PREFIX = "Custom::CDKBucketDeployment"
GRANT_READ_ACTIONS = ("s3:GetObject*", "s3:GetBucket*", "s3:List*")
GRANT_PUT_ACTIONS = ("s3:Abort*",)


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions-{finding}", reason=reason))


def _arn_ref(stack: Stack, element: CfnElement) -> str:
    """Format, as cdk-nag writes it, `Fn::GetAtt [<logical id>, Arn]` in a finding."""
    return f"<{stack.resolve(stack.get_logical_id(element))}.Arn>"


def _children_starting_with(stack: Stack, prefix: str) -> list[IConstruct]:
    return [child for child in stack.node.children if child.node.id.startswith(prefix)]


def suppress_findings(stack: "GosoStack") -> None:
    _pipeline(stack)
    _api(stack)
    _web(stack)
    _library_handlers(stack)


def _pipeline(stack: "GosoStack") -> None:
    pipeline = stack.pipeline
    table_arn = _arn_ref(stack, stack.storage.table.node.default_child)
    buckets = {
        Resource.UPLOAD_BUCKET: stack.storage.upload_bucket,
        Resource.PERMIT_BUCKET: stack.storage.permit_bucket,
    }
    for name, function in pipeline.functions.items():
        spec = pipeline.specs[name]
        acknowledge(function, "L1", "The handlers and their compiled wheels are built and tested for Python 3.13.")
        role = function.role
        acknowledge(role, "IAM5[Resource::*]", "X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.")
        if Resource.TABLE in spec.uses:
            acknowledge(
                role,
                f"IAM5[Resource::{table_arn}/index/*]",
                "The table grant covers this table's own secondary indexes (GSI1, GSI2), which the queries use.",
            )
        for resource, bucket in buckets.items():
            access = spec.uses.get(resource)
            if access is None:
                continue
            pattern = BUCKET_KEY_PATTERNS[resource]
            acknowledge(
                role,
                f"IAM5[Resource::{_arn_ref(stack, bucket.node.default_child)}/{pattern}]",
                "Object keys are generated per application; the grant is limited to the one key prefix the function uses.",
            )
            actions = GRANT_READ_ACTIONS if access is Access.READ else GRANT_PUT_ACTIONS
            if access is Access.READ_WRITE:
                actions = GRANT_READ_ACTIONS + GRANT_PUT_ACTIONS + ("s3:DeleteObject*",)
            for action in actions:
                acknowledge(role, f"IAM5[Action::{action}]", "Action set of the bucket grant, on the key prefix above only.")

    machine_role = pipeline.state_machine.role
    acknowledge(
        machine_role,
        "IAM5[Resource::*]",
        "Log delivery and X-Ray actions of Step Functions logging and tracing support no resource-level permissions.",
    )
    for name, function in pipeline.functions.items():
        if pipeline.specs[name].asl_placeholder:
            acknowledge(
                machine_role,
                f"IAM5[Resource::{_arn_ref(stack, function.node.default_child)}:*]",
                "grant_invoke covers the function's versions and aliases; the ARN names this one function.",
            )


def _api(stack: "GosoStack") -> None:
    api = stack.api
    api_ref = f"<{stack.resolve(stack.get_logical_id(api.http_api.node.default_child))}>"
    for spec in stack.pipeline.specs.values():
        for route in spec.routes:
            if route.iam_authorised:
                # route.grant_invoke writes the path up to its first parameter, then a wildcard.
                path = route.path.split("{", 1)[0] + "*" if "{" in route.path else route.path
                arn = f"arn:<AWS::Partition>:execute-api:{stack.region}:{stack.account}:{api_ref}/*/{route.method}{path}"
                acknowledge(
                    api.operators,
                    f"IAM5[Resource::{arn}]",
                    "route.grant_invoke on one operator route; the wildcards are the stage and the route's path parameters.",
                )
    for route in api.public_routes:
        acknowledge(
            route,
            "APIG4",
            "Applicant routes check the application's access token in the handler; verification, "
            "public key, schema and reference data are public by design.",
        )


def _web(stack: "GosoStack") -> None:
    distribution = stack.web.distribution
    acknowledge(distribution, "CFR1", "Applicants and their agents may apply from anywhere; no country is excluded.")
    acknowledge(
        distribution,
        "CFR2",
        "The distribution serves static files only; the API behind its own endpoint is throttled per stage.",
    )
    acknowledge(
        distribution,
        "CFR4",
        "The default *.cloudfront.net certificate allows no minimum TLS setting; a custom domain with an ACM "
        "certificate raises it to TLSv1.2_2021.",
    )


def _library_handlers(stack: "GosoStack") -> None:
    for handler in _children_starting_with(stack, NOTIFICATIONS_HANDLER_PREFIX):
        acknowledge(
            handler,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "aws-cdk-lib's S3 notification handler; its role is not configurable.",
        )
    for handler in _children_starting_with(stack, DEPLOYMENT_HANDLER_PREFIX):
        reason = "aws-cdk-lib's BucketDeployment handler copies the form into the site bucket; its role and runtime are managed by the library."
        acknowledge(
            handler,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            reason,
        )
        acknowledge(handler, "L1", reason)
        acknowledge(handler, "IAM5[Resource::*]", "CloudFront invalidation actions support no resource-level permissions.")
        for action in GRANT_READ_ACTIONS + GRANT_PUT_ACTIONS + ("s3:DeleteObject*",):
            acknowledge(handler, f"IAM5[Action::{action}]", reason)
        site_arn = _arn_ref(stack, stack.web.bucket.node.default_child)
        acknowledge(handler, f"IAM5[Resource::{site_arn}/*]", reason)
        assets = f"arn:<AWS::Partition>:s3:::cdk-{DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-{stack.account}-{stack.region}/*"
        acknowledge(handler, f"IAM5[Resource::{assets}]", "The deployment reads the form's zip from the CDK assets bucket.")
