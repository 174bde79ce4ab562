"""Dashboard and alarms built from the dashboard description."""

import json

from infra import dashboard_spec
from infra.cdk.monitoring import DEAD_LETTERS_ALARM, EXECUTIONS_FAILED_ALARM


def _alarms(synthesized) -> dict[str, dict]:
    return {a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()}


def test_dashboard_shows_described_metrics(synthesized):
    [dashboard] = synthesized.resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == dashboard_spec.DASHBOARD_NAME
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    names = {query.metric.value for widget in dashboard_spec.WIDGETS for query in widget.metrics}
    assert len(names) >= 10
    for name in names:
        assert f'\\"{name}\\"' in body, name
    for widget in dashboard_spec.WIDGETS:
        assert json.dumps(widget.title)[1:-1] in body
    assert '\\"GOSO\\"' in body
    assert "ExecutionsFailed" in body
    assert "ApproximateNumberOfMessagesVisible" in body


def test_described_alarms_exist(synthesized):
    alarms = _alarms(synthesized)
    assert dashboard_spec.ALARMS
    for spec in dashboard_spec.ALARMS:
        alarm = alarms[spec.name]
        assert alarm["Namespace"] == "GOSO"
        assert alarm["MetricName"] == spec.metric.value
        assert alarm["Threshold"] == spec.threshold
        assert alarm["Period"] == spec.period_seconds
        assert alarm["ComparisonOperator"] == spec.comparison
        assert alarm["TreatMissingData"] == spec.treat_missing_data
    metrics = {alarm["MetricName"] for alarm in alarms.values()}
    assert {"ApplicationsFailed", "DeadlinesMissed"} <= metrics


def test_infrastructure_alarms_exist(synthesized):
    alarms = _alarms(synthesized)
    failed = alarms[EXECUTIONS_FAILED_ALARM]
    assert (failed["Namespace"], failed["MetricName"], failed["Threshold"]) == ("AWS/States", "ExecutionsFailed", 1)
    machine_id = synthesized.logical_id(synthesized.stack.pipeline.state_machine)
    assert failed["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": machine_id}}]
    dead = alarms[DEAD_LETTERS_ALARM]
    assert (dead["Namespace"], dead["MetricName"], dead["Threshold"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", 0)
    assert dead["ComparisonOperator"] == "GreaterThanThreshold"
    dlq_id = synthesized.logical_id(synthesized.stack.storage.intake_dlq)
    assert dead["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
