"""One topology declaration feeds both the CDK app and the local stack."""

import os

import pytest
from aws_cdk import App, Environment
from aws_cdk import aws_lambda as lambda_

from infra import topology
from infra.cdk.stack import GosoStack
from infra.topology import Access, FunctionSpec, Resource, Trigger

EXTRA = FunctionSpec(
    name="audit_export",
    handler="functions.monitor.handler",
    description="Probe function added to a copy of the topology",
    trigger=Trigger.EVENT_RULE,
    uses={Resource.TABLE: Access.READ},
    environment={"TABLE_NAME": Resource.TABLE},
    memory_mb=384,
    timeout_seconds=45,
)


@pytest.fixture
def extended_topology(monkeypatch):
    functions = (*topology.FUNCTIONS, EXTRA)
    monkeypatch.setattr(topology, "FUNCTIONS", functions)
    return functions


def test_topology_addition_reaches_template(extended_topology, tmp_path):
    app = App(outdir=str(tmp_path))
    # Inline code keeps this second synthesis quick; the shared asset is tested on its own.
    stack = GosoStack(
        app, "Probe", env=Environment(account="111111111111", region="ap-southeast-3"),
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )
    body = app.synth().get_stack_by_name("Probe").template
    functions = [r["Properties"] for r in body["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    [added] = [f for f in functions if f.get("Description") == EXTRA.description]
    assert (added["MemorySize"], added["Timeout"], added["Runtime"]) == (384, 45, "python3.13")
    assert set(stack.pipeline.functions) == {spec.name for spec in extended_topology}
    rules = [r["Properties"] for r in body["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    added_id = stack.resolve(stack.get_logical_id(stack.pipeline.functions["audit_export"].node.default_child))
    assert any(t["Arn"] == {"Fn::GetAtt": [added_id, "Arn"]} for rule in rules for t in rule["Targets"])


def test_topology_addition_reaches_local_stack(extended_topology):
    from local.stack import LocalStack, StackOptions

    saved = dict(os.environ)
    stack = LocalStack(StackOptions(static_dir=None))
    try:
        stack.start()
        names = {f["FunctionName"] for f in stack.client("lambda").list_functions()["Functions"]}
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
    assert "goso-audit-export" in names
    assert stack.runtime.spec_for("goso-audit-export") == EXTRA
    assert {f"goso-{spec.name.replace('_', '-')}" for spec in extended_topology} <= names
