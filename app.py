#!/usr/bin/env python3
"""CDK entry point: `python app.py` writes the cloud assembly to $CDK_OUTDIR (default cdk.out).

Synthesis needs neither AWS credentials nor the CDK CLI. Without CDK_DEFAULT_ACCOUNT and
CDK_DEFAULT_REGION the stack targets a placeholder account in ap-southeast-3 (Jakarta);
`cdk deploy` sets both from the caller's credentials.
"""

import os

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.cdk.stack import GosoStack

REGION = "ap-southeast-3"
PLACEHOLDER_ACCOUNT = "111111111111"


def main() -> None:
    app = App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
    env = Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT") or PLACEHOLDER_ACCOUNT,
        region=os.environ.get("CDK_DEFAULT_REGION") or REGION,
    )
    GosoStack(app, "Goso", env=env, description="GOSO permit pipeline")
    # cdk-nag's AwsSolutions pack: synthesis fails on any finding not acknowledged with a reason.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True))
    app.synth()


if __name__ == "__main__":
    main()
