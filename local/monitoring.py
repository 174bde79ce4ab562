"""Local monitoring: the EMF-to-CloudWatch step moto lacks, and the dashboard image and table.

In AWS, CloudWatch Logs extracts metrics from the embedded-metric-format (EMF) lines the
monitor function prints. moto stores put_metric_data but does not read log lines, so the
local stack captures the monitor's stdout (`capture_emf`) and replays each EMF document as
put_metric_data calls (`publish_emf`).
"""

import contextlib
import io
import json
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from functions.metrics_rules import UNKNOWN_SECTOR, Dimension, MetricName
from infra.dashboard_spec import DASHBOARD, MetricQuery, Statistic, Widget, WidgetKind, dimension_values
from infra.topology import METRICS_NAMESPACE

# MetricData entries per PutMetricData call: 20 is the oldest CloudWatch limit, so any
# CloudWatch version accepts it.
_PUT_BATCH = 20
# GetMetricData accepts at most 500 queries per call.
_QUERY_BATCH = 500

T = TypeVar("T")


# --- capturing the monitor's stdout --------------------------------------------------------


class _ThreadRoutedStdout(io.TextIOBase):
    """A stdout that sends the writes of a capturing thread to that thread's buffer.

    Other threads (the HTTP API, the queue pollers) keep writing to the real stdout while
    one thread captures, because a plain redirect of sys.stdout would swallow their output.
    """

    def __init__(self, target: Any):
        self.target = target
        self.local = threading.local()

    def write(self, text: str) -> int:
        buffer = getattr(self.local, "buffer", None)
        if buffer is None:
            return self.target.write(text)
        return buffer.write(text)

    def flush(self) -> None:
        self.target.flush()

    def writable(self) -> bool:
        return True


_router_lock = threading.Lock()
_router: _ThreadRoutedStdout | None = None
_router_users = 0
# Routers by the id of the stdout they wrap, one each and never freed. CPython 3.11's print()
# holds no reference to sys.stdout while it writes, so freeing a router that another thread
# still prints through crashes the interpreter (test_emf_capture reproduces it).
_routers: dict[int, _ThreadRoutedStdout] = {}


@contextlib.contextmanager
def _routed_stdout() -> Iterator[_ThreadRoutedStdout]:
    global _router, _router_users
    with _router_lock:
        if _router_users == 0:
            target = sys.stdout
            router = _routers.get(id(target))
            if router is None:
                router = _routers[id(target)] = _ThreadRoutedStdout(target)
            _router = router
            sys.stdout = router
        _router_users += 1
        router = _router
    try:
        yield router
    finally:
        with _router_lock:
            _router_users -= 1
            if _router_users == 0:
                # Restore only our own replacement; something else may have replaced stdout since.
                if sys.stdout is _router:
                    sys.stdout = _router.target
                _router = None


def is_emf(line: str) -> bool:
    """Return True for a JSON object line that carries an EMF `_aws` metadata member."""
    if not line.startswith("{"):
        return False
    try:
        document = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(document, dict) and isinstance(document.get("_aws"), dict)


def capture_emf(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, list[str]]:
    """Call `function` and return its result with the EMF lines it printed on this thread.

    Lines that are not EMF (e.g. a log record) go on to the real stdout.
    """
    with _routed_stdout() as router:
        buffer = io.StringIO()
        router.local.buffer = buffer
        try:
            result = function(*args, **kwargs)
        finally:
            router.local.buffer = None
    emf_lines = []
    for line in buffer.getvalue().splitlines():
        if is_emf(line):
            emf_lines.append(line)
        elif line:
            print(line)
    return result, emf_lines


# --- EMF to put_metric_data -----------------------------------------------------------------


def emf_metric_data(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return the MetricData entries of one EMF document, by namespace.

    Each metric is stored once per dimension set of its directive, with the dimension values
    and metric values read from the document's root members, as CloudWatch Logs does.
    """
    metadata = document["_aws"]
    timestamp = datetime.fromtimestamp(metadata["Timestamp"] / 1000, UTC)
    data: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for directive in metadata["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            dimensions = [{"Name": name, "Value": str(document[name])} for name in dimension_set]
            for definition in directive["Metrics"]:
                raw = document[definition["Name"]]
                values = raw if isinstance(raw, list) else [raw]
                entry: dict[str, Any] = {
                    "MetricName": definition["Name"],
                    "Timestamp": timestamp,
                    "Unit": definition.get("Unit", "None"),
                    "Values": [float(value) for value in values],
                }
                if dimensions:
                    entry["Dimensions"] = dimensions
                if definition.get("StorageResolution") == 1:
                    entry["StorageResolution"] = 1
                data[directive["Namespace"]].append(entry)
    return data


def publish_emf(emf_lines: list[str], cloudwatch: Any) -> int:
    """Store the metrics of EMF lines in CloudWatch; return how many metric values were stored."""
    by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in emf_lines:
        for namespace, entries in emf_metric_data(json.loads(line)).items():
            by_namespace[namespace].extend(entries)
    stored = 0
    for namespace, entries in by_namespace.items():
        for start in range(0, len(entries), _PUT_BATCH):
            batch = entries[start : start + _PUT_BATCH]
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=batch)
            stored += sum(len(entry["Values"]) for entry in batch)
    return stored


# --- reading the dashboard's metrics --------------------------------------------------------

# moto 5 computes no percentile statistics, so the local image shows the average in place of
# p50 and the maximum in place of p95; the CloudWatch dashboard shows the real percentiles.
LOCAL_STATISTICS = {Statistic.P50: ("Average", "avg"), Statistic.P95: ("Maximum", "max")}


@dataclass
class Series:
    query: MetricQuery
    label: str
    timestamps: list[datetime] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Return the single value of a whole-range query, or the sum of a time series."""
        return float(sum(self.values))


@dataclass
class TimeRange:
    start: datetime
    end: datetime

    @classmethod
    def last(cls, hours: float, now: datetime | None = None) -> "TimeRange":
        end = (now or datetime.now(UTC)) + timedelta(minutes=1)
        return cls(end - timedelta(hours=hours) - timedelta(minutes=1), end)

    @property
    def seconds(self) -> int:
        """Return the range in seconds, rounded up to a whole minute as CloudWatch periods are."""
        return -(-int((self.end - self.start).total_seconds()) // 60) * 60


def _local_statistic(query: MetricQuery) -> tuple[str, str]:
    statistic, suffix = LOCAL_STATISTICS.get(query.statistic, (query.statistic.value, ""))
    label = query.label
    if suffix:
        label = label.removesuffix(f" {query.statistic.value}") + f" {suffix}"
    return statistic, label


def read_series(cloudwatch: Any, queries: list[MetricQuery], period: int, time_range: TimeRange) -> list[Series]:
    """Read `queries` with GetMetricData, oldest value first. Each query names its exact dimension set."""
    series = []
    for start in range(0, len(queries), _QUERY_BATCH):
        batch = queries[start : start + _QUERY_BATCH]
        labels = {}
        metric_queries = []
        for index, query in enumerate(batch):
            statistic, label = _local_statistic(query)
            labels[f"q{index}"] = label
            metric: dict[str, Any] = {"Namespace": METRICS_NAMESPACE, "MetricName": query.metric.value}
            if query.dimensions:
                metric["Dimensions"] = [{"Name": name, "Value": value} for name, value in query.dimension_dict().items()]
            metric_queries.append({"Id": f"q{index}", "MetricStat": {"Metric": metric, "Period": period, "Stat": statistic}})
        results = {}
        kwargs: dict[str, Any] = {
            "MetricDataQueries": metric_queries,
            "StartTime": time_range.start,
            "EndTime": time_range.end,
            "ScanBy": "TimestampAscending",
        }
        while True:
            response = cloudwatch.get_metric_data(**kwargs)
            for result in response["MetricDataResults"]:
                found = results.setdefault(result["Id"], Series(batch[int(result["Id"][1:])], labels[result["Id"]]))
                found.timestamps.extend(result.get("Timestamps", []))
                found.values.extend(float(value) for value in result.get("Values", []))
            if not response.get("NextToken"):
                break
            kwargs["NextToken"] = response["NextToken"]
        for index, query in enumerate(batch):
            series.append(results.get(f"q{index}", Series(query, labels[f"q{index}"])))
    return series


# Maximum data points per line of a time-series widget. A longer range gets a longer period,
# as in the CloudWatch console, so reading months of data stays quick.
MAX_POINTS_PER_LINE = 1440


def widget_period(widget: Widget, time_range: TimeRange) -> int:
    """Return the period in seconds to read `widget` over `time_range`: a multiple of its own period."""
    if widget.period_to_time_range:
        return time_range.seconds
    multiple = max(1, -(-time_range.seconds // (widget.period_seconds * MAX_POINTS_PER_LINE)))
    return widget.period_seconds * multiple


def read_widget(cloudwatch: Any, widget: Widget, time_range: TimeRange) -> list[Series]:
    return read_series(cloudwatch, list(widget.metrics), widget_period(widget, time_range), time_range)


def latest_value(cloudwatch: Any, metric: MetricName, dimensions: dict[str, str], time_range: TimeRange) -> float | None:
    """Return the most recent value of a gauge, from one-second statistics.

    NOTE: CloudWatch offers one-second periods only for high-resolution metrics. moto
    accepts them for any metric, so this reader serves the local table only. Two
    measurements within the same second read as their maximum.
    """
    response = cloudwatch.get_metric_statistics(
        Namespace=METRICS_NAMESPACE,
        MetricName=metric.value,
        Dimensions=[{"Name": name, "Value": value} for name, value in dimensions.items()],
        StartTime=time_range.start,
        EndTime=time_range.end,
        Period=1,
        Statistics=["Maximum"],
    )
    points = sorted(response["Datapoints"], key=lambda point: point["Timestamp"])
    return float(points[-1]["Maximum"]) if points else None


# --- the summary table ---------------------------------------------------------------------

# Per-sector columns: the metrics the catalog splits by sector, plus the backlog gauge.
SUMMARY_COLUMNS: dict[str, MetricName] = {
    "received": MetricName.APPLICATIONS_RECEIVED,
    "deadlines_missed": MetricName.DEADLINES_MISSED,
}
BACKLOG_COLUMN = "backlog"
# Outcomes the catalog keeps as no-dimension totals (see functions.metrics_rules).
OUTCOME_TOTALS: dict[str, MetricName] = {
    "issued": MetricName.APPLICATIONS_ISSUED,
    "rejected": MetricName.APPLICATIONS_REJECTED,
    "incomplete": MetricName.APPLICATIONS_INCOMPLETE,
    "failed": MetricName.APPLICATIONS_FAILED,
    "deemed_approvals": MetricName.DEEMED_APPROVALS,
    "corrections_requested": MetricName.CORRECTIONS_REQUESTED,
}


def sector_summary(cloudwatch: Any, time_range: TimeRange) -> dict[str, dict[str, int]]:
    """Return per-sector counts over `time_range` and each sector's latest open-task count."""
    sectors = dimension_values(Dimension.SECTOR, sector_may_be_unknown=True)
    queries = [
        MetricQuery(metric, Statistic.SUM, f"{sector} {column}", ((Dimension.SECTOR, sector),))
        for sector in sectors
        for column, metric in SUMMARY_COLUMNS.items()
    ]
    series = read_series(cloudwatch, queries, time_range.seconds, time_range)
    table: dict[str, dict[str, int]] = {sector: dict.fromkeys([*SUMMARY_COLUMNS, BACKLOG_COLUMN], 0) for sector in sectors}
    columns = {metric: column for column, metric in SUMMARY_COLUMNS.items()}
    for item in series:
        sector = item.query.dimension_dict()[Dimension.SECTOR.value]
        table[sector][columns[item.query.metric]] = round(item.total)
    for sector in dimension_values(Dimension.SECTOR):
        backlog = latest_value(cloudwatch, MetricName.REVIEW_BACKLOG, {Dimension.SECTOR.value: sector}, time_range)
        table[sector][BACKLOG_COLUMN] = round(backlog or 0)
    # Events without a sector would land in the UNKNOWN row; it is shown only when it has any.
    if not any(table[UNKNOWN_SECTOR].values()):
        del table[UNKNOWN_SECTOR]
    return table


def outcome_totals(cloudwatch: Any, time_range: TimeRange) -> dict[str, int]:
    """Return the outcome counts over `time_range`, read from their no-dimension totals."""
    queries = [MetricQuery(metric, Statistic.SUM, column) for column, metric in OUTCOME_TOTALS.items()]
    series = read_series(cloudwatch, queries, time_range.seconds, time_range)
    return {item.query.label: round(item.total) for item in series}


def summary_totals(table: dict[str, dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in table.values():
        for column, value in row.items():
            totals[column] += value
    return dict(totals)


# --- rendering -------------------------------------------------------------------------------


@dataclass
class DashboardResult:
    image: Path
    table: dict[str, dict[str, int]]
    outcomes: dict[str, int]
    widgets: dict[str, list[Series]]


def render_dashboard(cloudwatch: Any, out_dir: Path, time_range: TimeRange) -> DashboardResult:
    """Render every widget of the dashboard declaration to OUT/dashboard.png and build the summary table."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    widgets = {widget.title: read_widget(cloudwatch, widget, time_range) for widget in DASHBOARD.widgets}
    columns = 2
    rows = -(-len(DASHBOARD.widgets) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(16, 4.2 * rows), squeeze=False)
    for axis, widget in zip(axes.flat, DASHBOARD.widgets, strict=False):
        _draw_widget(axis, widget, widgets[widget.title], time_range)
    for axis in list(axes.flat)[len(DASHBOARD.widgets) :]:
        axis.set_visible(False)
    start = time_range.start.strftime("%Y-%m-%d %H:%M")
    end = time_range.end.strftime("%Y-%m-%d %H:%M")
    figure.suptitle(f"{DASHBOARD.name} (namespace {METRICS_NAMESPACE}), {start} to {end} UTC", fontsize=14)
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    out_dir.mkdir(parents=True, exist_ok=True)
    image = out_dir / "dashboard.png"
    figure.savefig(image, dpi=80)
    plt.close(figure)
    return DashboardResult(
        image=image,
        table=sector_summary(cloudwatch, time_range),
        outcomes=outcome_totals(cloudwatch, time_range),
        widgets=widgets,
    )


def _draw_widget(axis: Any, widget: Widget, series: list[Series], time_range: TimeRange) -> None:
    import matplotlib
    from matplotlib.dates import DateFormatter

    title = widget.title
    if any(query.statistic in LOCAL_STATISTICS for query in widget.metrics):
        title += "\nlocal stack: avg in place of p50, max in place of p95 (moto has no percentiles)"
    axis.set_title(title, fontsize=10)
    if widget.kind is WidgetKind.NUMBER:
        axis.axis("off")
        # Four numbers per row, so each label has room.
        per_row = 4
        rows = -(-len(series) // per_row)
        for index, item in enumerate(series):
            row, column = divmod(index, per_row)
            x = (column + 0.5) / per_row
            top = 1 - row / rows
            axis.text(x, top - 0.3 / rows, f"{item.total:g}", ha="center", va="center", fontsize=24, transform=axis.transAxes)
            axis.text(x, top - 0.75 / rows, item.label, ha="center", va="center", fontsize=8, transform=axis.transAxes)
        return
    if widget.kind is WidgetKind.BAR:
        labels = [item.label for item in series]
        values = [_bar_value(item, widget) for item in series]
        positions = range(len(series))
        axis.bar(positions, values, color="#3b75af")
        axis.set_xticks(list(positions), labels, rotation=60, ha="right", fontsize=7)
        for position, value in zip(positions, values, strict=True):
            if value:
                axis.text(position, value, f"{value:g}", ha="center", va="bottom", fontsize=7)
    else:
        drawn = [item for item in series if item.values]
        # tab20 gives up to 20 distinct colours, enough for one line per sector.
        colours = matplotlib.colormaps["tab20"].colors
        for index, item in enumerate(drawn):
            axis.plot(item.timestamps, item.values, marker="o", markersize=3, label=item.label, color=colours[index % len(colours)])
        if drawn:
            axis.legend(fontsize=7, ncols=2)
        else:
            axis.text(0.5, 0.5, "no data in this time range", ha="center", va="center", transform=axis.transAxes)
        axis.set_xlim(time_range.start, time_range.end)
        axis.xaxis.set_major_formatter(DateFormatter("%H:%M"))
        axis.tick_params(axis="x", labelsize=7)
    # Counts start at zero; an empty widget still shows a 0 to 1 scale.
    axis.set_ylim(bottom=0, top=max(axis.get_ylim()[1], 1))
    axis.set_ylabel(widget.y_axis_label, fontsize=8)
    axis.grid(axis="y", alpha=0.3)


def _bar_value(series: Series, widget: Widget) -> float:
    """Return a bar's height: the whole-range value, or else the latest value of the series."""
    if widget.period_to_time_range:
        return series.total
    return series.values[-1] if series.values else 0.0


def format_table(table: dict[str, dict[str, int]], outcomes: dict[str, int] | None = None) -> str:
    """Return the summary table as aligned text with a totals row, then the outcome totals."""
    columns = [*SUMMARY_COLUMNS, BACKLOG_COLUMN]
    header = ["sector", *columns]
    rows = [[sector, *(str(values[column]) for column in columns)] for sector, values in table.items()]
    totals = summary_totals(table)
    rows.append(["total", *(str(totals.get(column, 0)) for column in columns)])
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) if index == 0 else cell.rjust(width) for index, (cell, width) in enumerate(zip(row, widths, strict=True))) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * width for width in widths))
    if outcomes:
        lines.append("")
        lines.append("outcomes (all sectors): " + ", ".join(f"{name} {value}" for name, value in outcomes.items()))
    return "\n".join(lines)
