"""Turn pipeline events from the EventBridge bus into CloudWatch metrics.

Each data point is written to stdout as one embedded-metric-format (EMF) line through
Powertools Metrics. In AWS, CloudWatch Logs extracts the metrics from the function's log.
The namespace comes from POWERTOOLS_METRICS_NAMESPACE.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.metrics_rules import TOTAL, DataPoint, backlog_points, backlog_sectors, data_points
from functions.runtime import reference, store
from functions.store import utcnow
from schemas.events import EVENT_SOURCE, EventType, PipelineEvent, parse_event

logger = Logger(service="goso-monitor")


SCHEDULED_SOURCE = "aws.events"
SCHEDULED_DETAIL_TYPE = "Scheduled Event"


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    """Emit the metrics of one EventBridge event; return how many data points were written.

    A scheduled event measures every sector's review backlog, so the gauge stays current
    while no pipeline event arrives (a gauge read between events would show its last value).
    """
    if event.get("source") == SCHEDULED_SOURCE and event.get("detail-type") == SCHEDULED_DETAIL_TYPE:
        counts = {sector: len(store().open_tasks(sector)) for sector in reference().sectors}
        points = backlog_points(counts, utcnow())
        for point in points:
            emit(point)
        return {"data_points": len(points)}
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") not in EventType._value2member_map_:
        logger.warning(
            "Event ignored: not a pipeline event",
            extra={"source": event.get("source"), "detail_type": event.get("detail-type")},
        )
        return {"data_points": 0}
    pipeline_event = parse_event(event["detail-type"], event["detail"])
    points = data_points(pipeline_event) + _backlog(pipeline_event)
    for point in points:
        emit(point)
    return {"data_points": len(points)}


def _backlog(event: PipelineEvent) -> list[DataPoint]:
    """Count the open review tasks of every sector whose backlog the event may have changed.

    A gauge cannot be kept as +1/-1 counts because CloudWatch sums data points and keeps no
    running total. So the monitor reads the current count from the open-task index. The
    index is eventually consistent, so a task written a moment before the event may be
    missing from this count and appears in the next one.
    """
    sectors = backlog_sectors(event)
    if sectors is None:
        sectors = {task.sector for task in store().tasks_of(event.application_id)}
    if not sectors:
        return []
    counts = {sector: len(store().open_tasks(sector)) for sector in sectors}
    return backlog_points(counts, utcnow())


def emit(point: DataPoint) -> None:
    """Print `point` as one EMF line, with one dimension array per dimension set of its metric."""
    metrics = EphemeralMetrics()
    # A service dimension (from POWERTOOLS_SERVICE_NAME) would be added to every dimension
    # set and change which metrics the dashboard queries.
    metrics.service = None
    # The first dimension set is Powertools' primary one, the only one that may be empty
    # (add_dimensions ignores an empty set), so the no-dimension total goes first.
    first, *others = sorted(point.dimension_sets, key=lambda dimension_set: dimension_set != TOTAL)
    for dimension in first:
        metrics.add_dimension(name=dimension.value, value=point.dimensions[dimension])
    for dimension_set in others:
        metrics.add_dimensions(**{dimension.value: point.dimensions[dimension] for dimension in dimension_set})
    metrics.add_metric(name=point.name.value, unit=point.unit.value, value=point.value)
    metrics.set_timestamp(point.timestamp)
    metrics.flush_metrics(raise_on_empty_metrics=True)
