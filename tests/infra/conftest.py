"""Synthesize the CDK app once per session; every infra test reads that one cloud assembly."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Validations
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.cdk.stack import GosoStack

ENV = Environment(account="111111111111", region="ap-southeast-3")


@dataclass
class Synthesized:
    stack: GosoStack
    template: Template
    body: dict
    outdir: Path
    # The error app.synth() raised (a failed validation), or None.
    synth_error: Exception | None

    def logical_id(self, construct) -> str:
        return self.stack.resolve(self.stack.get_logical_id(construct.node.default_child))

    def function_id(self, name: str) -> str:
        return self.logical_id(self.stack.pipeline.functions[name])

    def role_id(self, name: str) -> str:
        return self.logical_id(self.stack.pipeline.functions[name].role)

    def resources(self, resource_type: str) -> dict[str, dict]:
        return {k: v for k, v in self.body["Resources"].items() if v["Type"] == resource_type}

    def validation_report(self) -> dict:
        path = self.outdir / "validation-report.json"
        return json.loads(path.read_text()) if path.exists() else {"pluginReports": []}


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(outdir=str(outdir))
    stack = GosoStack(app, "Goso", env=ENV)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))
    error = None
    try:
        app.synth()
    except RuntimeError as raised:  # jsii surfaces a failed validation as RuntimeError
        error = raised
    body = json.loads((outdir / "Goso.template.json").read_text())
    return Synthesized(stack, Template.from_json(body), body, outdir, error)
