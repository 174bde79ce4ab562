"""The monitors' CloudWatch dashboard and alarms as plain data.

Both the CDK app (a CloudWatch dashboard and alarms) and `goso dashboard` (a PNG rendered
from the local stack's CloudWatch) are built from this file, so they show the same figures.
No CDK or plotting import here.

Metric names, units and dimension sets come from the metric catalog in
functions.metrics_rules. Cost of that choice: every metric name × dimension combination
that receives data is one custom metric, billed per metric-hour with data (USD 0.30 per
metric-month at the first price tier, us-east-1 list price). `custom_metric_count()`
returns the upper bound, i.e. every combination receiving data every hour:

- ApplicationsReceived: 14 sectors + 2 channels = 16
- ReviewBacklog: 14 sectors = 14
- DeadlinesMissed: 14 sectors + 2 steps (review, correction) = 16
- ApplicationsIssued, ApplicationsRejected, ApplicationsIncomplete, ApplicationsFailed,
  DeemedApprovals, CorrectionsRequested: the total only = 6
- StageDuration: 6 stages; TimeToPermit: 4 risk levels = 10

That is 62 custom metrics, USD 18.60 a month at the upper bound. A sector metric that
receives no event in an hour costs nothing for that hour, so the real cost is lower.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from functions.metrics_rules import (
    CATALOG,
    STAGES,
    STEPS,
    UNKNOWN_SECTOR,
    Dimension,
    DimensionSet,
    MetricName,
)
from schemas.manifest import Channel
from schemas.reference import load_reference
from schemas.status import RiskLevel

DASHBOARD_NAME = "GOSO-Monitors"
# ISO 8601 duration of the dashboard's default time range (CloudWatch's `start`).
DEFAULT_TIME_RANGE = "-P7D"
GRID_WIDTH = 24


class WidgetKind(StrEnum):
    TIMESERIES = "timeseries"
    NUMBER = "number"
    BAR = "bar"


class Statistic(StrEnum):
    SUM = "Sum"
    MAXIMUM = "Maximum"
    P50 = "p50"
    P95 = "p95"


@dataclass(frozen=True)
class MetricQuery:
    """One line, bar or number of a widget."""

    metric: MetricName
    statistic: Statistic
    label: str
    # (dimension name, value) pairs; empty for the metric's no-dimension total.
    dimensions: tuple[tuple[Dimension, str], ...] = ()

    def dimension_dict(self) -> dict[str, str]:
        return {name.value: value for name, value in self.dimensions}


@dataclass(frozen=True)
class Widget:
    title: str
    kind: WidgetKind
    metrics: tuple[MetricQuery, ...]
    # Aggregation period of each data point, in seconds (a multiple of 60).
    period_seconds: int = 3600
    # True: one value per query over the dashboard's whole time range (CloudWatch's
    # setPeriodToTimeRange); used by number and bar widgets.
    period_to_time_range: bool = False
    stacked: bool = False
    y_axis_label: str = ""
    width: int = 12
    height: int = 6


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    description: str
    metric: MetricName
    statistic: Statistic
    period_seconds: int
    threshold: float
    comparison: str = "GreaterThanOrEqualToThreshold"
    evaluation_periods: int = 1
    dimensions: tuple[tuple[Dimension, str], ...] = ()
    # No events in a period means nothing went wrong.
    treat_missing_data: str = "notBreaching"


@dataclass(frozen=True)
class DashboardSpec:
    name: str
    widgets: tuple[Widget, ...]
    alarms: tuple[AlarmSpec, ...] = field(default_factory=tuple)


@cache
def sector_codes() -> tuple[str, ...]:
    """Return the codes of the 14 sectors the provincial office licenses, in reference-data order."""
    return tuple(load_reference().sectors)


def dimension_values(dimension: Dimension, *, sector_may_be_unknown: bool = False) -> tuple[str, ...]:
    """Return every value `dimension` can take; metric counts and per-value widgets use it."""
    if dimension is Dimension.SECTOR:
        return sector_codes() + ((UNKNOWN_SECTOR,) if sector_may_be_unknown else ())
    if dimension is Dimension.CHANNEL:
        return tuple(channel.value for channel in Channel)
    if dimension is Dimension.STAGE:
        return STAGES
    if dimension is Dimension.STEP:
        return STEPS
    return tuple(level.value for level in RiskLevel)


def _combinations(dimension_set: DimensionSet) -> int:
    count = 1
    for dimension in dimension_set:
        count *= len(dimension_values(dimension))
    return count


def custom_metric_count() -> int:
    """Return the number of custom metrics the catalog can create (its billing upper bound).

    NOTE: counts the known dimension values only. An event without a sector, channel or risk
    level would add an UNKNOWN (or "unknown") variant; no pipeline step sends one today.
    """
    return sum(
        _combinations(dimension_set)
        for definition in CATALOG.values()
        for dimension_set in definition.dimension_sets
    )


def custom_metrics_by_name() -> dict[str, int]:
    """Return the upper-bound custom metric count of each metric name."""
    return {
        name.value: sum(_combinations(s) for s in definition.dimension_sets)
        for name, definition in CATALOG.items()
    }


def _per_value(metric: MetricName, dimension: Dimension, statistic: Statistic, label_suffix: str = "") -> tuple[MetricQuery, ...]:
    return tuple(
        MetricQuery(metric, statistic, f"{value}{label_suffix}", ((dimension, value),))
        for value in dimension_values(dimension)
    )


def _sector_bar(title: str, metric: MetricName) -> Widget:
    return Widget(
        title=title,
        kind=WidgetKind.BAR,
        metrics=_per_value(metric, Dimension.SECTOR, Statistic.SUM),
        period_to_time_range=True,
        y_axis_label="applications",
    )


def _percentiles(metric: MetricName, dimension: Dimension) -> tuple[MetricQuery, ...]:
    return _per_value(metric, dimension, Statistic.P50, " p50") + _per_value(metric, dimension, Statistic.P95, " p95")


WIDGETS: tuple[Widget, ...] = (
    _sector_bar("Applications received by sector", MetricName.APPLICATIONS_RECEIVED),
    _sector_bar("Missed deadlines by sector", MetricName.DEADLINES_MISSED),
    Widget(
        title="Open review tasks by sector (highest count in each 5 minutes)",
        kind=WidgetKind.TIMESERIES,
        metrics=_per_value(MetricName.REVIEW_BACKLOG, Dimension.SECTOR, Statistic.MAXIMUM),
        period_seconds=300,
        y_axis_label="open tasks",
    ),
    Widget(
        title="Applications received by channel",
        kind=WidgetKind.TIMESERIES,
        metrics=_per_value(MetricName.APPLICATIONS_RECEIVED, Dimension.CHANNEL, Statistic.SUM),
        period_seconds=3600,
        stacked=True,
        y_axis_label="applications per hour",
    ),
    Widget(
        title="Outcomes",
        kind=WidgetKind.NUMBER,
        metrics=(
            MetricQuery(MetricName.APPLICATIONS_ISSUED, Statistic.SUM, "Permits issued"),
            MetricQuery(MetricName.APPLICATIONS_REJECTED, Statistic.SUM, "Applications rejected"),
            MetricQuery(MetricName.APPLICATIONS_INCOMPLETE, Statistic.SUM, "Closed incomplete"),
            MetricQuery(MetricName.DEEMED_APPROVALS, Statistic.SUM, "Deemed approvals (fiktif positif)"),
            MetricQuery(MetricName.DEADLINES_MISSED, Statistic.SUM, "Missed review deadlines", ((Dimension.STEP, "review"),)),
            MetricQuery(
                MetricName.DEADLINES_MISSED, Statistic.SUM, "Missed correction deadlines", ((Dimension.STEP, "correction"),)
            ),
            MetricQuery(MetricName.APPLICATIONS_FAILED, Statistic.SUM, "Failed applications"),
            MetricQuery(MetricName.CORRECTIONS_REQUESTED, Statistic.SUM, "Corrections requested"),
        ),
        period_to_time_range=True,
    ),
    Widget(
        title="Time in each stage (seconds, p50 and p95)",
        kind=WidgetKind.BAR,
        metrics=_percentiles(MetricName.STAGE_DURATION, Dimension.STAGE),
        period_to_time_range=True,
        y_axis_label="seconds",
    ),
    Widget(
        title="Time to permit by risk level (seconds, p50 and p95)",
        kind=WidgetKind.BAR,
        metrics=_percentiles(MetricName.TIME_TO_PERMIT, Dimension.RISK_LEVEL),
        period_to_time_range=True,
        y_axis_label="seconds",
    ),
)

ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec(
        name="goso-applications-failed",
        description="An application ended in FAILED after an unexpected error; read its audit trail and execution history.",
        metric=MetricName.APPLICATIONS_FAILED,
        statistic=Statistic.SUM,
        period_seconds=300,
        threshold=1,
    ),
    AlarmSpec(
        name="goso-review-deadlines-missed",
        description="A sector review passed its deadline in the last hour and was deemed approved.",
        metric=MetricName.DEADLINES_MISSED,
        statistic=Statistic.SUM,
        period_seconds=3600,
        threshold=1,
        dimensions=((Dimension.STEP, "review"),),
    ),
)

DASHBOARD = DashboardSpec(name=DASHBOARD_NAME, widgets=WIDGETS, alarms=ALARMS)
