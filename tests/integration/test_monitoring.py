"""Monitoring on the local stack: known events in, exact CloudWatch values out; the demo's
dashboard table and evidence pack against the application records.

The events sent directly carry times three hours back, so their metrics stay apart from
those of the demo run, which shares the same stack.
"""

import json
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from functions.runtime import store
from local.demo import DECISION_REASONS, demo_operator, run_demo
from local.monitoring import TimeRange, capture_emf, latest_value, publish_emf, read_series, render_dashboard
from local.report import WITA, Period, build_report, write_report
from local.stack import ACCOUNT, REGION, LocalStack
from functions.metrics_rules import Dimension, MetricName
from infra.dashboard_spec import MetricQuery, Statistic
from infra.topology import METRICS_NAMESPACE
from schemas.events import (
    EVENT_SOURCE,
    ApplicationReceived,
    DeadlineMissed,
    PermitIssued,
    PipelineEvent,
    ReviewDecided,
    ReviewTaskCreated,
    StatusChanged,
)
from schemas.review import ReviewTask, TaskState, make_task_id
from schemas.status import Status

MONITOR = "goso-monitor"
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
BASE_RANGE = TimeRange(BASE - timedelta(minutes=10), BASE + timedelta(minutes=10))


@pytest.fixture(scope="module")
def stack():
    with LocalStack() as running:
        yield running


@pytest.fixture(scope="module")
def cloudwatch(stack):
    return stack.client("cloudwatch")


def eventbridge(event: PipelineEvent) -> dict:
    """Wrap a pipeline event as EventBridge delivers it to a rule target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": event.event_type.value,
        "source": EVENT_SOURCE,
        "account": ACCOUNT,
        "time": event.occurred_at.isoformat(),
        "region": REGION,
        "resources": [],
        "detail": json.loads(event.model_dump_json()),
    }


def send(stack, cloudwatch, event: PipelineEvent) -> int:
    """Run the monitor on one event and store its EMF output; return the number of values stored."""
    (result, failed), lines = capture_emf(stack.runtime.invoke, MONITOR, eventbridge(event))
    assert not failed, result
    return publish_emf(lines, cloudwatch)


def context(sector: str | None, risk: str = "R", channel: str = "online", application_id: str | None = None) -> dict:
    return {
        "application_id": application_id or f"app-{uuid.uuid4().hex[:8]}",
        "occurred_at": BASE,
        "sector": sector,
        "risk_level": risk,
        "channel": channel,
    }


def total(cloudwatch, metric: MetricName, statistic: Statistic = Statistic.SUM, **dimensions: str) -> float:
    query = MetricQuery(metric, statistic, "value", tuple((Dimension(name), value) for name, value in dimensions.items()))
    (series,) = read_series(cloudwatch, [query], BASE_RANGE.seconds, BASE_RANGE)
    return series.total


def issued(sector: str, risk: str = "R") -> StatusChanged:
    return StatusChanged(**context(sector, risk), previous_status=Status.ISSUING, status=Status.ISSUED, stage_seconds=2.0)


def test_issued_counted_as_total(stack, cloudwatch):
    for _ in range(3):
        assert send(stack, cloudwatch, issued("DAG")) == 2  # StageDuration + ApplicationsIssued
    send(stack, cloudwatch, issued("TAN"))
    assert total(cloudwatch, MetricName.APPLICATIONS_ISSUED) == 4
    # Outcomes are not split by sector: no sector variant exists to read.
    assert total(cloudwatch, MetricName.APPLICATIONS_ISSUED, Sector="DAG") == 0
    assert total(cloudwatch, MetricName.STAGE_DURATION, Stage="ISSUING") == 8.0
    assert total(cloudwatch, MetricName.STAGE_DURATION, Statistic.SUM, Stage="VERIFYING") == 0


def test_received_by_sector_and_channel(stack, cloudwatch):
    assert send(stack, cloudwatch, ApplicationReceived(**context("PAR", channel="online"), round=1)) == 2
    send(stack, cloudwatch, ApplicationReceived(**context("PAR", channel="assisted"), round=1))
    send(stack, cloudwatch, ApplicationReceived(**context("KKP", channel="assisted"), round=1))
    assert send(stack, cloudwatch, ApplicationReceived(**context("KKP", channel="assisted"), round=2)) == 0
    assert total(cloudwatch, MetricName.APPLICATIONS_RECEIVED, Sector="PAR") == 2
    assert total(cloudwatch, MetricName.APPLICATIONS_RECEIVED, Sector="KKP") == 1
    assert total(cloudwatch, MetricName.APPLICATIONS_RECEIVED, Channel="assisted") == 2
    assert total(cloudwatch, MetricName.APPLICATIONS_RECEIVED, Channel="online") == 1


def test_time_to_permit_by_risk_level(stack, cloudwatch):
    for seconds in (10.0, 30.0):
        event = PermitIssued(
            **context("IND", risk="MR"), permit_number="503/IND/2026/000001", deemed_approval=False, time_to_permit_seconds=seconds
        )
        assert send(stack, cloudwatch, event) == 1
    assert total(cloudwatch, MetricName.TIME_TO_PERMIT, Statistic.SUM, RiskLevel="MR") == 40.0
    # moto has no percentiles; the local reader maps p95 to Maximum and p50 to Average.
    assert total(cloudwatch, MetricName.TIME_TO_PERMIT, Statistic.P95, RiskLevel="MR") == 30.0
    assert total(cloudwatch, MetricName.TIME_TO_PERMIT, Statistic.P50, RiskLevel="MR") == 20.0


def test_deadlines_missed_by_sector_and_step(stack, cloudwatch):
    deadline = datetime.now(UTC)
    send(stack, cloudwatch, DeadlineMissed(**context("HUB"), step="review", deadline=deadline))
    send(stack, cloudwatch, DeadlineMissed(**context("HUB"), step="correction", deadline=deadline))
    send(stack, cloudwatch, DeadlineMissed(**context("PUPR"), step="review", deadline=deadline))
    assert total(cloudwatch, MetricName.DEADLINES_MISSED, Sector="HUB") == 2
    assert total(cloudwatch, MetricName.DEADLINES_MISSED, Step="review") == 2
    assert total(cloudwatch, MetricName.DEADLINES_MISSED, Step="correction") == 1


def _open_task(application_id: str, sector: str) -> ReviewTask:
    now = datetime.now(UTC)
    task = ReviewTask(
        task_id=make_task_id(application_id, sector, 1),
        application_id=application_id,
        sector=sector,
        round=1,
        state=TaskState.OPEN,
        created_at=now,
        deadline=now + timedelta(days=5),
    )
    store().put_task(task, task_token="token")
    return task


def _close(task: ReviewTask, state: TaskState) -> None:
    assert store().close_task(task.model_copy(update={"state": state, "decided_at": datetime.now(UTC)}))


def test_backlog_gauge_counts_open_tasks(stack, cloudwatch):
    first = _open_task("app-backlog-a", "DIK")
    second = _open_task("app-backlog-b", "DIK")
    environment = _open_task("app-backlog-b", "AGM")

    created = ReviewTaskCreated(**context("DIK", risk="T", application_id="app-backlog-b"), task_id=second.task_id, deadline=second.deadline)
    assert send(stack, cloudwatch, created) == 1
    time.sleep(1.1)  # the local reader resolves the latest gauge value to the second

    _close(first, TaskState.DECIDED)
    decided = ReviewDecided(
        **context("DIK", risk="T", application_id="app-backlog-a"),
        task_id=first.task_id,
        decision="approve",
        operator_id="op",
        within_deadline=True,
        decision_seconds=30.0,
    )
    send(stack, cloudwatch, decided)
    time_range = TimeRange.last(hours=1)
    assert latest_value(cloudwatch, MetricName.REVIEW_BACKLOG, {"Sector": "DIK"}, time_range) == 1.0
    assert latest_value(cloudwatch, MetricName.REVIEW_BACKLOG, {"Sector": "AGM"}, time_range) is None
    time.sleep(1.1)

    # A rejection closes the application's other open tasks; leaving IN_REVIEW recounts every sector it had.
    _close(second, TaskState.DECIDED)
    _close(environment, TaskState.CLOSED)
    rejected = StatusChanged(
        **context("DIK", risk="T", application_id="app-backlog-b"),
        previous_status=Status.IN_REVIEW,
        status=Status.REJECTED,
        stage_seconds=60.0,
    )
    assert send(stack, cloudwatch, rejected) == 4  # StageDuration, ApplicationsRejected, two gauges
    time_range = TimeRange.last(hours=1)
    assert latest_value(cloudwatch, MetricName.REVIEW_BACKLOG, {"Sector": "DIK"}, time_range) == 0.0
    assert latest_value(cloudwatch, MetricName.REVIEW_BACKLOG, {"Sector": "AGM"}, time_range) == 0.0
    # The gauge is measured when the monitor runs, not at the event's time.
    peak = MetricQuery(MetricName.REVIEW_BACKLOG, Statistic.MAXIMUM, "peak", ((Dimension.SECTOR, "DIK"),))
    (series,) = read_series(cloudwatch, [peak], time_range.seconds, time_range)
    assert series.values == [2.0]


def test_non_pipeline_event_ignored(stack, cloudwatch):
    event = {"source": "aws.s3", "detail-type": "Object Created", "detail": {}}
    (result, failed), lines = capture_emf(stack.runtime.invoke, MONITOR, event)
    assert not failed
    assert result == {"data_points": 0}
    assert lines == []


def test_capture_keeps_other_threads_output(capsys):
    def work():
        other = threading.Thread(target=print, args=("from another thread",))
        other.start()
        other.join()
        print('{"_aws": {"Timestamp": 0, "CloudWatchMetrics": []}}')
        print("plain log line")
        return 7

    result, lines = capture_emf(work)
    assert result == 7
    assert lines == ['{"_aws": {"Timestamp": 0, "CloudWatchMetrics": []}}']
    output = capsys.readouterr().out
    assert "from another thread" in output
    assert "plain log line" in output


def test_publish_emf_namespace_and_unit(stack, cloudwatch):
    send(stack, cloudwatch, issued("ESDM"))
    metrics = cloudwatch.list_metrics(Namespace=METRICS_NAMESPACE, MetricName="ApplicationsIssued")["Metrics"]
    assert {tuple((d["Name"], d["Value"]) for d in metric["Dimensions"]) for metric in metrics} == {()}
    metrics = cloudwatch.list_metrics(Namespace=METRICS_NAMESPACE, MetricName="StageDuration")["Metrics"]
    assert (("Stage", "ISSUING"),) in {tuple((d["Name"], d["Value"]) for d in metric["Dimensions"]) for metric in metrics}


def test_dashboard_image_and_table(stack, cloudwatch, tmp_path):
    send(stack, cloudwatch, StatusChanged(**context(None), previous_status=Status.DRAFT, status=Status.REJECTED, stage_seconds=1.0))
    result = render_dashboard(cloudwatch, tmp_path, BASE_RANGE)
    assert result.image == tmp_path / "dashboard.png"
    assert result.image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = result.table
    assert table["PAR"]["received"] == 2
    assert table["KKP"]["received"] == 1
    assert table["HUB"]["deadlines_missed"] == 2
    assert table["PUPR"]["deadlines_missed"] == 1
    assert table["DIK"]["backlog"] == 0
    assert "UNKNOWN" not in table
    assert table["LHK"] == dict.fromkeys(table["LHK"], 0)
    # DAG 3, TAN 1 and ESDM 1 issued; the DIK review rejection and the sectorless intake one.
    assert result.outcomes == {
        "issued": 5,
        "rejected": 2,
        "incomplete": 0,
        "failed": 0,
        "deemed_approvals": 0,
        "corrections_requested": 0,
    }


# --- the demo run: dashboard table and evidence pack ---------------------------------------


@pytest.fixture(scope="module")
def demo(stack, tmp_path_factory):
    """Run every demo sample through the HTTP API; return the results and the time range around them."""
    started = datetime.now(UTC) - timedelta(seconds=1)
    monitor_runs = stack.runtime.stats["monitor"].count
    results = run_demo(stack.api_url, tmp_path_factory.mktemp("demo"), timeout=180, log=lambda line: None)
    assert [r.sample for r in results if not r.as_expected] == []
    # Wait until the event tap has taken every event of the run.
    final_events = sum(1 for r in results if r.application_id)
    stack.wait_for(lambda: sum(1 for e in stack.events if e["detail-type"] == "StatusChanged" and e["detail"]["status"] in FINAL) >= final_events, timeout=30)
    time.sleep(3)
    assert stack.runtime.stats["monitor"].count - monitor_runs >= len(stack.events), "the stack did not run the monitor on every event"
    # The backlog gauge's last reading must come after the last event: wait for a whole
    # scheduled measurement that started after the run.
    runs = stack.schedule_runs
    assert stack.wait_for(lambda: stack.schedule_runs >= runs + 2, timeout=15)
    return results, TimeRange(started, datetime.now(UTC) + timedelta(minutes=1))


FINAL = {"ISSUED", "REJECTED", "INCOMPLETE", "FAILED"}


def test_dashboard_table_matches_demo(stack, cloudwatch, demo, tmp_path):
    results, time_range = demo
    result = render_dashboard(cloudwatch, tmp_path, time_range)
    table = result.table
    records = [store().get_application(r.application_id) for r in results]
    expected: dict[str, Counter] = defaultdict(Counter)
    for app in records:
        sector = app.sector or "UNKNOWN"
        expected[sector][app.status.value.lower()] += 1
        if app.received_at is not None:
            expected[sector]["received"] += 1
        if app.deemed_approval:
            expected[sector]["deemed_approvals"] += 1
    missed = Counter()
    for app in records:
        for entry in store().audit_trail(app.application_id):
            if entry["action"] in ("deemed_approval", "closed_incomplete"):
                missed[entry["detail"].get("sector") or app.sector] += 1
    for sector, row in table.items():
        assert row["received"] == expected[sector]["received"], sector
        assert row["deadlines_missed"] == missed[sector], sector
        assert row["backlog"] == 0, sector
    assert sum(row["received"] for row in table.values()) == sum(1 for app in records if app.received_at is not None)
    outcomes = Counter()
    for counts in expected.values():
        outcomes.update(counts)
    assert result.outcomes["issued"] == outcomes["issued"] == sum(1 for r in results if r.status == "ISSUED")
    assert result.outcomes["rejected"] == outcomes["rejected"]
    assert result.outcomes["incomplete"] == outcomes["incomplete"]
    assert result.outcomes["failed"] == outcomes["failed"]
    assert result.outcomes["deemed_approvals"] == outcomes["deemed_approvals"] >= 1
    requested = sum(
        1 for app in records for entry in store().audit_trail(app.application_id) if entry["action"] == "correction_requested"
    )
    assert result.outcomes["corrections_requested"] == requested >= 2


def test_report_lists_every_decision(stack, demo, tmp_path):
    results, _ = demo
    today = datetime.now(WITA).date()
    report = build_report(store(), Period(today - timedelta(days=1), today + timedelta(days=1)))
    ids = {r.application_id for r in results}
    assert {row["application_id"] for row in report["records"]} == ids
    assert report["applications"] == len(results)
    assert report["by_status"] == dict(sorted(Counter(r.status for r in results).items()))
    assert report["deemed_approvals"]["applications"] == sum(1 for r in results if r.deemed_approval)
    assert report["channels"]["assisted"] == 1
    records = {app_id: store().get_application(app_id) for app_id in ids}
    assert report["correction_rounds"]["total"] == sum(app.round - 1 for app in records.values())
    assert report["correction_rounds"]["total"] == 2
    requested = [entry for app_id in ids for entry in store().audit_trail(app_id) if entry["action"] == "correction_requested"]
    assert report["correction_rounds"]["requested"] == len(requested) == 3

    # Every operator decision in the task records appears once, with its actor, time and reason.
    decisions = report["decisions"]
    reviewed = [(task, app_id) for app_id in ids for task in store().tasks_of(app_id) if task.decision is not None]
    assert len(reviewed) >= 6
    for task, app_id in reviewed:
        (row,) = [d for d in decisions if d["application_id"] == app_id and d["action"] == f"review_{task.decision.value}" and d["sector"] == task.sector and d["at"] >= task.decided_at.isoformat()[:19]]
        assert row["actor"] == f"operator:{demo_operator(task.sector)}"
        assert row["reason"].startswith(DECISION_REASONS[task.decision.value])
        assert datetime.fromisoformat(row["at"]) >= task.decided_at
    deemed = [d for d in decisions if d["action"] == "deemed_approval"]
    assert [d["actor"] for d in deemed] == ["system:deadline"]
    assert "deadline" in deemed[0]["reason"].lower()
    (intake,) = [d for d in decisions if d["action"] == "manifest_rejected"]
    assert intake["actor"] == "system:intake"
    assert "NIK_INVALID" in intake["reason_codes"]
    issued = [d for d in decisions if d["action"] == "permit_issued"]
    assert len(issued) == sum(1 for r in results if r.status == "ISSUED")
    for row in issued:
        app = records[row["application_id"]]
        assert row["reason"].startswith(f"permit {app.permit_number} issued"), row
        if app.deemed_approval:
            assert "deemed approval" in row["reason"]
        elif app.risk_level.value in ("R", "MR"):
            assert f"risk level {app.risk_level.value} needs no review" in row["reason"]
        else:
            assert "every sector review approved" in row["reason"]

    issued_by_risk = Counter(row["risk_level"] for row in report["records"] if row["status"] == "ISSUED")
    for level, figures in report["time_to_permit"].items():
        assert figures["count"] == issued_by_risk.get(level, 0), level
    json_path, markdown_path = write_report(report, tmp_path)
    assert json.loads(json_path.read_text())["applications"] == len(results)
    markdown = markdown_path.read_text()
    for row in decisions:
        assert row["application_id"] in markdown
    assert DECISION_REASONS["reject"].split(" / ")[0] in markdown
