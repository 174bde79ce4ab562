"""cdk-nag AwsSolutions findings that are accepted, each with the reason it is accepted."""

from aws_cdk import Stack
from cdk_nag import NagPackSuppression, NagSuppressions


def suppress_findings(stack: Stack) -> None:
    NagSuppressions.add_stack_suppressions(stack, [])
