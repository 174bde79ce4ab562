"""The custom event bus that carries every status change, and the rule feeding the monitor."""

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

BUS_NAME = "goso-events"
BACKLOG_SCHEDULE_MINUTES = 5
PIPELINE_SOURCE = "goso.pipeline"


class Events(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=BUS_NAME)
        self.rules: list[events.Rule] = []

    def route_to(self, name: str, function: lambda_.IFunction) -> events.Rule:
        """Send every pipeline event on the bus to `function`."""
        rule = events.Rule(
            self,
            f"{name}-rule",
            event_bus=self.bus,
            event_pattern=events.EventPattern(source=[PIPELINE_SOURCE]),
            targets=[targets.LambdaFunction(function, retry_attempts=2)],
        )
        self.rules.append(rule)
        # The review backlog is a gauge: measure it on a schedule too, not only on events.
        schedule = events.Rule(
            self,
            f"{name}-schedule",
            schedule=events.Schedule.rate(Duration.minutes(BACKLOG_SCHEDULE_MINUTES)),
            targets=[targets.LambdaFunction(function, retry_attempts=2)],
        )
        self.rules.append(schedule)
        return rule
