"""The metric catalog and the mapping from pipeline events to CloudWatch metric data points.

Pure functions with no AWS access, so the mapping is tested without AWS. The monitor
handler writes the data points as embedded metric format (EMF) through Powertools, and the
dashboard declaration reads the same catalog.

Each metric name × dimension combination that receives data is one billed custom metric
(USD 0.30 a month each at the first price tier). So every metric gets only the dimension
sets the monitors' live figures need, and the fixed monthly cost stays under USD 25:
- by Sector, the three figures monitors follow per sector: volume (ApplicationsReceived),
  backlog (ReviewBacklog) and missed deadlines (DeadlinesMissed);
- ApplicationsReceived also by Channel, for the assisted-channel share;
- DeadlinesMissed also by Step, which separates review deadlines missed by a sector from
  correction deadlines missed by an applicant (the alarm reads the review one);
- StageDuration by Stage only, TimeToPermit by RiskLevel only;
- a no-dimension total for the outcomes (issued, rejected, incomplete, failed, deemed
  approvals, corrections). Split by sector they would add 14 metrics each; the evidence
  report (`goso report`) reads the per-sector outcomes from the application records.

No metric has both the no-dimension set and another set. CloudWatch keeps them apart, but
moto (the local stack's CloudWatch) returns every variant of a metric for a query without
dimensions, so such a total would read double on the local dashboard.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schemas.events import (
    ApplicationReceived,
    CorrectionRequested,
    DeadlineMissed,
    DeemedApproval,
    PermitIssued,
    PipelineEvent,
    ReviewDecided,
    ReviewTaskCreated,
    StatusChanged,
)
from schemas.status import Status

# Dimension value for events that carry no sector, e.g. a manifest rejected before its KBLI
# code was resolved to a sector.
UNKNOWN_SECTOR = "UNKNOWN"


class Dimension(StrEnum):
    SECTOR = "Sector"
    CHANNEL = "Channel"
    STAGE = "Stage"
    RISK_LEVEL = "RiskLevel"
    STEP = "Step"


class Unit(StrEnum):
    """The CloudWatch units the catalog uses (names as CloudWatch and Powertools spell them)."""

    COUNT = "Count"
    SECONDS = "Seconds"


class MetricName(StrEnum):
    APPLICATIONS_RECEIVED = "ApplicationsReceived"
    APPLICATIONS_ISSUED = "ApplicationsIssued"
    APPLICATIONS_REJECTED = "ApplicationsRejected"
    APPLICATIONS_INCOMPLETE = "ApplicationsIncomplete"
    APPLICATIONS_FAILED = "ApplicationsFailed"
    CORRECTIONS_REQUESTED = "CorrectionsRequested"
    DEEMED_APPROVALS = "DeemedApprovals"
    DEADLINES_MISSED = "DeadlinesMissed"
    REVIEW_BACKLOG = "ReviewBacklog"
    STAGE_DURATION = "StageDuration"
    TIME_TO_PERMIT = "TimeToPermit"


# A dimension set is a tuple of dimension names; the empty tuple is the no-dimension total.
DimensionSet = tuple[Dimension, ...]
TOTAL: DimensionSet = ()
BY_SECTOR: DimensionSet = (Dimension.SECTOR,)
BY_CHANNEL: DimensionSet = (Dimension.CHANNEL,)
BY_STAGE: DimensionSet = (Dimension.STAGE,)
BY_RISK_LEVEL: DimensionSet = (Dimension.RISK_LEVEL,)
BY_STEP: DimensionSet = (Dimension.STEP,)


@dataclass(frozen=True)
class MetricDefinition:
    name: MetricName
    unit: Unit
    dimension_sets: tuple[DimensionSet, ...]
    description: str


CATALOG: dict[MetricName, MetricDefinition] = {
    definition.name: definition
    for definition in (
        MetricDefinition(
            MetricName.APPLICATIONS_RECEIVED,
            Unit.COUNT,
            (BY_SECTOR, BY_CHANNEL),
            "First-round manifests accepted at intake (corrections are not counted again)",
        ),
        MetricDefinition(MetricName.APPLICATIONS_ISSUED, Unit.COUNT, (TOTAL,), "Applications that reached ISSUED"),
        MetricDefinition(
            MetricName.APPLICATIONS_REJECTED,
            Unit.COUNT,
            (TOTAL,),
            "Applications that reached REJECTED, at intake or in review",
        ),
        MetricDefinition(
            MetricName.APPLICATIONS_INCOMPLETE, Unit.COUNT, (TOTAL,), "Applications closed as INCOMPLETE"
        ),
        MetricDefinition(
            MetricName.APPLICATIONS_FAILED,
            Unit.COUNT,
            (TOTAL,),
            "Applications that ended in FAILED after an unexpected error (alarm source)",
        ),
        MetricDefinition(
            MetricName.CORRECTIONS_REQUESTED, Unit.COUNT, (TOTAL,), "Correction rounds requested from applicants"
        ),
        MetricDefinition(
            MetricName.DEEMED_APPROVALS,
            Unit.COUNT,
            (TOTAL,),
            "Review tasks approved because the sector missed its deadline (fiktif positif)",
        ),
        MetricDefinition(
            MetricName.DEADLINES_MISSED,
            Unit.COUNT,
            (BY_SECTOR, BY_STEP),
            "Missed review deadlines (by sector staff) and correction deadlines (by applicants)",
        ),
        MetricDefinition(
            MetricName.REVIEW_BACKLOG,
            Unit.COUNT,
            (BY_SECTOR,),
            "Open review tasks of a sector, counted from the table on every review event (a gauge)",
        ),
        MetricDefinition(
            MetricName.STAGE_DURATION,
            Unit.SECONDS,
            (BY_STAGE,),
            "Seconds an application spent in a status before moving to the next one",
        ),
        MetricDefinition(
            MetricName.TIME_TO_PERMIT,
            Unit.SECONDS,
            (BY_RISK_LEVEL,),
            "Seconds from the first accepted manifest to the issued permit",
        ),
    )
}

# Statuses an application can leave, i.e. the Stage dimension's values.
STAGES: tuple[str, ...] = tuple(status.value for status in Status if not status.is_final)
# Steps that carry a deadline, i.e. the Step dimension's values.
STEPS: tuple[str, ...] = ("review", "correction")

_FINAL_STATUS_METRICS = {
    Status.ISSUED: MetricName.APPLICATIONS_ISSUED,
    Status.REJECTED: MetricName.APPLICATIONS_REJECTED,
    Status.INCOMPLETE: MetricName.APPLICATIONS_INCOMPLETE,
    Status.FAILED: MetricName.APPLICATIONS_FAILED,
}


@dataclass(frozen=True)
class DataPoint:
    """One value of one metric, published under every dimension set the catalog gives it."""

    name: MetricName
    value: float
    # Dimension name -> value for every dimension the metric's sets use.
    dimensions: dict[Dimension, str]
    timestamp: datetime

    @property
    def unit(self) -> Unit:
        return CATALOG[self.name].unit

    @property
    def dimension_sets(self) -> tuple[DimensionSet, ...]:
        return CATALOG[self.name].dimension_sets


def _dimensions(event: PipelineEvent, name: MetricName, **values: str) -> dict[Dimension, str]:
    """Return the dimension values `name` needs, taken from `event` unless given in `values`."""
    available = {
        Dimension.SECTOR: event.sector or UNKNOWN_SECTOR,
        Dimension.CHANNEL: event.channel or "unknown",
        Dimension.RISK_LEVEL: event.risk_level or "unknown",
        **{Dimension(key): value for key, value in values.items()},
    }
    used = {dimension for dimension_set in CATALOG[name].dimension_sets for dimension in dimension_set}
    return {dimension: available[dimension] for dimension in sorted(used)}


def _count(event: PipelineEvent, name: MetricName) -> DataPoint:
    return DataPoint(name, 1.0, _dimensions(event, name), event.occurred_at)


def data_points(event: PipelineEvent) -> list[DataPoint]:
    """Map one pipeline event to its metric data points (the backlog gauge excepted)."""
    if isinstance(event, ApplicationReceived):
        # A correction round arrives as another ApplicationReceived; count each application once.
        return [_count(event, MetricName.APPLICATIONS_RECEIVED)] if event.round == 1 else []
    if isinstance(event, StatusChanged):
        return _status_points(event)
    if isinstance(event, CorrectionRequested):
        return [_count(event, MetricName.CORRECTIONS_REQUESTED)]
    if isinstance(event, DeemedApproval):
        return [_count(event, MetricName.DEEMED_APPROVALS)]
    if isinstance(event, DeadlineMissed):
        name = MetricName.DEADLINES_MISSED
        return [DataPoint(name, 1.0, _dimensions(event, name, Step=event.step), event.occurred_at)]
    if isinstance(event, PermitIssued):
        name = MetricName.TIME_TO_PERMIT
        return [DataPoint(name, event.time_to_permit_seconds, _dimensions(event, name), event.occurred_at)]
    return []


def _status_points(event: StatusChanged) -> list[DataPoint]:
    # A review decision rewrites the record without changing its status: no stage ended.
    if event.previous_status == event.status:
        return []
    points = []
    if event.previous_status is not None and event.stage_seconds is not None:
        name = MetricName.STAGE_DURATION
        dimensions = _dimensions(event, name, Stage=event.previous_status.value)
        points.append(DataPoint(name, event.stage_seconds, dimensions, event.occurred_at))
    final_metric = _FINAL_STATUS_METRICS.get(event.status)
    if final_metric is not None:
        points.append(_count(event, final_metric))
    return points


def backlog_sectors(event: PipelineEvent) -> set[str] | None:
    """Return the sectors whose review backlog `event` may have changed.

    None means every sector of the application's review tasks. An application that leaves
    IN_REVIEW changes the backlog of sectors the event does not name, because a rejection
    closes the other sectors' open tasks.
    """
    if isinstance(event, ReviewTaskCreated | ReviewDecided | DeemedApproval) and event.sector:
        return {event.sector}
    if isinstance(event, StatusChanged) and event.previous_status is Status.IN_REVIEW and event.status is not Status.IN_REVIEW:
        return None
    return set()


def backlog_points(open_tasks_by_sector: dict[str, int], measured_at: datetime) -> list[DataPoint]:
    """Return one ReviewBacklog gauge value per sector, measured at `measured_at`."""
    name = MetricName.REVIEW_BACKLOG
    return [
        DataPoint(name, float(count), {Dimension.SECTOR: sector}, measured_at)
        for sector, count in sorted(open_tasks_by_sector.items())
    ]
