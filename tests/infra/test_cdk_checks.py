"""cfn-lint and cdk-nag on the synthesized template."""

import json

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks
from cfnlint.api import ManualArgs, lint_file


def test_cfn_lint_reports_no_errors(synthesized):
    matches = lint_file(synthesized.outdir / "Goso.template.json", ManualArgs(regions=["ap-southeast-3"]))
    errors = [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]
    assert errors == []


def test_cdk_nag_finds_nothing_unacknowledged(synthesized):
    report = synthesized.validation_report()
    open_findings = [
        f"{violation['ruleName']} at {[c.get('constructPath') for c in violation.get('violatingConstructs', [])]}"
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    ]
    assert open_findings == []
    assert synthesized.synth_error is None


def test_every_acknowledged_finding_carries_a_reason(synthesized):
    acknowledged = []
    for resource in synthesized.body["Resources"].values():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            if rule["id"].startswith("AwsSolutions-"):
                acknowledged.append(rule)
    assert {rule["id"].split("[")[0] for rule in acknowledged} >= {"AwsSolutions-IAM5", "AwsSolutions-APIG4", "AwsSolutions-L1"}
    for rule in acknowledged:
        assert len(rule["reason"].split()) >= 5, rule
        assert "\n" not in rule["reason"]


def test_cdk_nag_fails_synthesis_on_an_unacknowledged_finding(tmp_path):
    """The same check setup rejects a bucket without TLS enforcement, so a clean result means something."""
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Probe")
    s3.Bucket(stack, "Plain")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert "AwsSolutions-S10" in rules
