"""Mapping of pipeline events to metric data points, and the dashboard's metric count."""

from datetime import UTC, datetime

import pytest

from functions.metrics_rules import (
    CATALOG,
    TOTAL,
    UNKNOWN_SECTOR,
    Dimension,
    MetricName,
    backlog_points,
    backlog_sectors,
    data_points,
)
from infra.dashboard_spec import DASHBOARD, custom_metric_count, custom_metrics_by_name
from schemas.events import (
    ApplicationCreated,
    ApplicationReceived,
    CorrectionRequested,
    DeadlineMissed,
    DeemedApproval,
    ManifestRejected,
    PermitIssued,
    ReviewDecided,
    ReviewTaskCreated,
    StatusChanged,
)
from schemas.status import Status

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
CONTEXT = {"application_id": "app-1", "occurred_at": AT, "sector": "DAG", "risk_level": "MT", "channel": "assisted"}


def status_changed(previous: Status | None, status: Status, seconds: float | None = 12.5, **overrides) -> StatusChanged:
    return StatusChanged(**{**CONTEXT, **overrides}, previous_status=previous, status=status, stage_seconds=seconds)


def test_first_round_counts_received_by_sector_and_channel():
    (point,) = data_points(ApplicationReceived(**CONTEXT, round=1))
    assert point.name is MetricName.APPLICATIONS_RECEIVED
    assert point.value == 1.0
    assert point.dimensions == {Dimension.CHANNEL: "assisted", Dimension.SECTOR: "DAG"}
    assert point.timestamp == AT
    assert point.dimension_sets == ((Dimension.SECTOR,), (Dimension.CHANNEL,))


def test_correction_round_not_counted_again():
    assert data_points(ApplicationReceived(**CONTEXT, round=2)) == []


@pytest.mark.parametrize(
    ("status", "metric"),
    [
        (Status.ISSUED, MetricName.APPLICATIONS_ISSUED),
        (Status.REJECTED, MetricName.APPLICATIONS_REJECTED),
        (Status.INCOMPLETE, MetricName.APPLICATIONS_INCOMPLETE),
    ],
)
def test_final_status_counted_as_total(status, metric):
    stage, count = data_points(status_changed(Status.ISSUING, status, seconds=3.25))
    assert stage.name is MetricName.STAGE_DURATION
    assert stage.value == 3.25
    assert stage.dimensions == {Dimension.STAGE: "ISSUING"}
    assert count.name is metric
    assert count.value == 1.0
    assert count.dimensions == {}
    assert count.dimension_sets == (TOTAL,)


def test_failure_counted_without_dimensions():
    _, failed = data_points(status_changed(Status.VERIFYING, Status.FAILED))
    assert failed.name is MetricName.APPLICATIONS_FAILED
    assert failed.dimensions == {}
    assert failed.dimension_sets == (TOTAL,)


def test_deadline_without_sector_uses_unknown():
    event = DeadlineMissed(**{**CONTEXT, "sector": None}, step="correction", deadline=AT)
    (missed,) = data_points(event)
    assert missed.dimensions == {Dimension.SECTOR: UNKNOWN_SECTOR, Dimension.STEP: "correction"}


def test_intermediate_status_gives_stage_duration_only():
    (stage,) = data_points(status_changed(Status.RECEIVED, Status.VERIFYING, seconds=0.75))
    assert stage.name is MetricName.STAGE_DURATION
    assert stage.value == 0.75
    assert stage.dimensions == {Dimension.STAGE: "RECEIVED"}


def test_unchanged_status_gives_nothing():
    # A review decision rewrites the record but the application stays IN_REVIEW.
    assert data_points(status_changed(Status.IN_REVIEW, Status.IN_REVIEW)) == []


def test_first_status_has_no_stage():
    assert data_points(status_changed(None, Status.DRAFT, seconds=None)) == []


def test_time_to_permit_by_risk_level():
    event = PermitIssued(**CONTEXT, permit_number="503/DAG/2026/000001", deemed_approval=False, time_to_permit_seconds=86.5)
    (point,) = data_points(event)
    assert point.name is MetricName.TIME_TO_PERMIT
    assert point.value == 86.5
    assert point.dimensions == {Dimension.RISK_LEVEL: "MT"}


def test_deadline_missed_by_sector_and_step():
    (point,) = data_points(DeadlineMissed(**CONTEXT, step="review", deadline=AT))
    assert point.name is MetricName.DEADLINES_MISSED
    assert point.dimensions == {Dimension.SECTOR: "DAG", Dimension.STEP: "review"}


def test_deemed_approval_and_correction_counts():
    (deemed,) = data_points(DeemedApproval(**CONTEXT, task_id="t-1", deadline=AT))
    assert deemed.name is MetricName.DEEMED_APPROVALS
    assert deemed.dimensions == {}
    correction = CorrectionRequested(**CONTEXT, round=1, requested_by="system:verify", reason_codes=["X"], deadline=AT)
    (requested,) = data_points(correction)
    assert requested.name is MetricName.CORRECTIONS_REQUESTED
    assert requested.dimensions == {}


@pytest.mark.parametrize(
    "event",
    [
        ApplicationCreated(**CONTEXT),
        ManifestRejected(**CONTEXT, round=1, reason_codes=["X"]),
        ReviewTaskCreated(**CONTEXT, task_id="t-1", deadline=AT),
    ],
)
def test_events_without_counts(event):
    assert data_points(event) == []


def test_backlog_sectors_of_review_events():
    assert backlog_sectors(ReviewTaskCreated(**CONTEXT, task_id="t-1", deadline=AT)) == {"DAG"}
    decided = ReviewDecided(
        **{**CONTEXT, "sector": "LHK"},
        task_id="t-2",
        decision="approve",
        operator_id="op-lhk-1",
        within_deadline=True,
        decision_seconds=40.0,
    )
    assert backlog_sectors(decided) == {"LHK"}
    assert backlog_sectors(DeemedApproval(**CONTEXT, task_id="t-1", deadline=AT)) == {"DAG"}


def test_leaving_review_recounts_all_task_sectors():
    assert backlog_sectors(status_changed(Status.IN_REVIEW, Status.REJECTED)) is None
    assert backlog_sectors(status_changed(Status.IN_REVIEW, Status.IN_REVIEW)) == set()
    assert backlog_sectors(status_changed(Status.VERIFYING, Status.IN_REVIEW)) == set()


def test_backlog_points_one_gauge_per_sector():
    points = backlog_points({"LHK": 0, "DAG": 3}, AT)
    assert [(p.dimensions[Dimension.SECTOR], p.value) for p in points] == [("DAG", 3.0), ("LHK", 0.0)]
    assert all(p.name is MetricName.REVIEW_BACKLOG for p in points)
    assert all(p.timestamp == AT for p in points)


def test_no_metric_mixes_total_with_other_sets():
    # moto returns every variant of a metric for a query without dimensions.
    for definition in CATALOG.values():
        if TOTAL in definition.dimension_sets:
            assert definition.dimension_sets == (TOTAL,), definition.name


def test_custom_metric_count_upper_bound():
    counts = custom_metrics_by_name()
    assert counts["ApplicationsReceived"] == 14 + 2
    assert counts["ReviewBacklog"] == 14
    assert counts["DeadlinesMissed"] == 14 + 2
    assert counts["StageDuration"] == 6
    assert counts["TimeToPermit"] == 4
    for total_only in ("ApplicationsIssued", "ApplicationsRejected", "ApplicationsIncomplete", "ApplicationsFailed", "DeemedApprovals", "CorrectionsRequested"):
        assert counts[total_only] == 1, total_only
    assert custom_metric_count() == 62


def test_dashboard_queries_use_declared_dimension_sets():
    for widget in DASHBOARD.widgets:
        for query in widget.metrics:
            names = tuple(name for name, _ in query.dimensions)
            assert names in CATALOG[query.metric].dimension_sets, (widget.title, query.label)
    for alarm in DASHBOARD.alarms:
        names = tuple(name for name, _ in alarm.dimensions)
        assert names in CATALOG[alarm.metric].dimension_sets, alarm.name
