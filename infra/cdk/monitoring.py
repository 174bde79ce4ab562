"""The monitors' dashboard and the alarms, built from the plain-data dashboard description.

The local `goso dashboard` image reads the same description, so both show the same figures.
Besides the pipeline's own metrics, two alarms watch the infrastructure: failed state machine
executions and messages in the intake dead-letter queue.
"""

import re

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import dashboard_spec
from infra.dashboard_spec import AlarmSpec, DashboardSpec, MetricQuery, Widget, WidgetKind
from infra.topology import METRICS_NAMESPACE

EXECUTIONS_FAILED_ALARM = "goso-executions-failed"
DEAD_LETTERS_ALARM = "goso-intake-dead-letters"


def _enum_member(text: str) -> str:
    """CloudFormation spelling (e.g. `GreaterThanOrEqualToThreshold`) to the CDK enum member name."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", text).upper()


def metric_of(query: MetricQuery, period_seconds: int, *, labelled: bool = True) -> cloudwatch.Metric:
    """Build the CloudWatch metric of one query. Alarms take it unlabelled, so they stay plain metric alarms."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=query.metric.value,
        dimensions_map=query.dimension_dict() or None,
        statistic=query.statistic.value,
        label=query.label if labelled else None,
        period=Duration.seconds(period_seconds),
    )


def widget_of(spec: Widget, start: str) -> cloudwatch.IWidget:
    metrics = [metric_of(query, spec.period_seconds) for query in spec.metrics]
    if spec.kind is WidgetKind.NUMBER:
        return cloudwatch.SingleValueWidget(
            title=spec.title,
            metrics=metrics,
            set_period_to_time_range=spec.period_to_time_range,
            width=spec.width,
            height=spec.height,
            start=start,
        )
    view = cloudwatch.GraphWidgetView.BAR if spec.kind is WidgetKind.BAR else cloudwatch.GraphWidgetView.TIME_SERIES
    return cloudwatch.GraphWidget(
        title=spec.title,
        left=metrics,
        view=view,
        stacked=spec.stacked,
        set_period_to_time_range=spec.period_to_time_range,
        left_y_axis=cloudwatch.YAxisProps(label=spec.y_axis_label, show_units=False, min=0),
        width=spec.width,
        height=spec.height,
        start=start,
    )


def _rows(widgets: list[cloudwatch.IWidget], grid_width: int) -> list[list[cloudwatch.IWidget]]:
    rows: list[list[cloudwatch.IWidget]] = [[]]
    used = 0
    for widget in widgets:
        if used + widget.width > grid_width and rows[-1]:
            rows.append([])
            used = 0
        rows[-1].append(widget)
        used += widget.width
    return rows


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.StateMachine,
        dead_letter_queue: sqs.IQueue,
        spec: DashboardSpec = dashboard_spec.DASHBOARD,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for alarm in spec.alarms:
            self.alarms[alarm.name] = self._alarm_from_spec(alarm)

        executions_failed = state_machine.metric_failed(period=Duration.minutes(5), statistic="Sum")
        self.alarms[EXECUTIONS_FAILED_ALARM] = executions_failed.create_alarm(
            self,
            "ExecutionsFailed",
            alarm_name=EXECUTIONS_FAILED_ALARM,
            alarm_description="A state machine execution failed; its application is FAILED. Read the execution history.",
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        dead_letters = dead_letter_queue.metric_approximate_number_of_messages_visible(
            period=Duration.minutes(5), statistic="Maximum"
        )
        self.alarms[DEAD_LETTERS_ALARM] = dead_letters.create_alarm(
            self,
            "IntakeDeadLetters",
            alarm_name=DEAD_LETTERS_ALARM,
            alarm_description="An uploaded manifest could not be taken in after repeated tries; its message is in the dead-letter queue.",
            threshold=0,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

        start = dashboard_spec.DEFAULT_TIME_RANGE
        widgets = [widget_of(widget, start) for widget in spec.widgets]
        widgets.append(
            cloudwatch.GraphWidget(
                title="Pipeline health: failed executions and intake dead letters",
                left=[executions_failed],
                right=[dead_letters],
                width=12,
                height=6,
                start=start,
            )
        )
        widgets.append(
            cloudwatch.AlarmStatusWidget(
                title="Alarms", alarms=list(self.alarms.values()), width=12, height=6
            )
        )
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=spec.name,
            start=start,
            widgets=_rows(widgets, dashboard_spec.GRID_WIDTH),
        )

    def _alarm_from_spec(self, alarm: AlarmSpec) -> cloudwatch.Alarm:
        query = MetricQuery(alarm.metric, alarm.statistic, alarm.metric.value, alarm.dimensions)
        return cloudwatch.Alarm(
            self,
            alarm.name,
            alarm_name=alarm.name,
            alarm_description=alarm.description,
            metric=metric_of(query, alarm.period_seconds, labelled=False),
            threshold=alarm.threshold,
            evaluation_periods=alarm.evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator[_enum_member(alarm.comparison)],
            treat_missing_data=cloudwatch.TreatMissingData[_enum_member(alarm.treat_missing_data)],
        )
