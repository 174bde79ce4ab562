"""`goso bench`: throughput, stage latency, cold imports, asset size and cost per application.

Each measured run starts a fresh interpreter (`python -m local.bench batch|count`) with its
own embedded stack, so the runs do not share moto's state or the handlers' cached clients.
The parent process collects the results, prices them from bench/prices.json and writes
bench/results.json and docs/benchmarks.md.
"""

import argparse
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.topology import FUNCTIONS
from local.report import percentile

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRICES_FILE = PROJECT_ROOT / "bench" / "prices.json"
# One sample application per risk path; the scripted operator approves every review.
PATH_SAMPLES = {
    "R": "01-toko-pakaian-rendah",
    "MR": "02-rumah-makan-menengah-rendah",
    "MT": "03-klinik-menengah-tinggi",
    "T": "05-penggalian-pasir-tinggi",
}
# Long deadlines: the scripted operator decides every review, so nothing is deemed approved.
BENCH_DEADLINES = {"unit": "seconds", "correction": 86400, "review": {"default": 86400}}
# The local stack measures the review backlog every few seconds; AWS every 5 minutes
# (infra/cdk/events.py). The throughput runs use the AWS rate; the counting run turns the
# schedule off (about 12 days) and measures one scheduled run on its own.
THROUGHPUT_SCHEDULE_SECONDS = 300
COUNTING_SCHEDULE_SECONDS = 10**6
SCHEDULED_EVENT = {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "resources": [], "detail": {}}
FINAL_STATUSES = {"ISSUED", "REJECTED", "INCOMPLETE", "FAILED"}
IMPORT_REPEATS = 11
# The minimum work of any handler's import: load boto3, the Powertools Logger and pydantic,
# and build one pydantic model. No handler can import faster than this.
LIBRARY_FLOOR = (
    "import boto3, aws_lambda_powertools.logging, pydantic; pydantic.create_model('Floor', name=(str, ...))"
)
TARGETS = {
    "time_per_application_ratio": 1.2,
    "cold_import_ratio": 1.5,
    "low_risk_transitions": 8,
    "low_risk_cost_per_1000": 0.30,
    "fixed_monthly": 25.0,
}


@dataclass
class BenchOptions:
    sizes: list[int] = field(default_factory=lambda: [100, 1000])
    in_flight: int = 8
    application_timeout: float = 600
    # Applications per risk path in the counted (sequential) run.
    count_samples: int = 5


# --- driving applications through the stack ------------------------------------------------


class EventWatcher:
    """Index the stack's event tap by application id, so drivers wait on their own events."""

    def __init__(self, stack: Any):
        self.stack = stack
        self.by_application: dict[str, list[dict]] = defaultdict(list)
        self.condition = threading.Condition()
        self._cursor = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            new = self.stack.events[self._cursor :]
            if new:
                self._cursor += len(new)
                with self.condition:
                    for event in new:
                        self.by_application[event["detail"].get("application_id", "")].append(event)
                    self.condition.notify_all()
            time.sleep(0.02)

    def events(self, application_id: str, start: int, timeout: float) -> list[dict]:
        """Return the application's events from index `start`, waiting up to `timeout` for a new one."""
        with self.condition:
            self.condition.wait_for(lambda: len(self.by_application[application_id]) > start, timeout=timeout)
            return list(self.by_application[application_id][start:])

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


@dataclass
class Template:
    path: str
    manifest: dict
    files: dict


def load_templates(folder: Path) -> dict[str, Template]:
    from local.client import read_folder
    from local.demo import load_samples, materialize

    samples = load_samples()
    templates = {}
    for path, name in PATH_SAMPLES.items():
        manifest, files = read_folder(materialize(name, samples[name], folder))
        templates[path] = Template(path, manifest, files)
    return templates


@dataclass
class Outcome:
    path: str
    application_id: str = ""
    status: str = ""
    seconds: float = 0.0
    error: str = ""


def drive_application(api_url: str, template: Template, index: int, watcher: EventWatcher, timeout: float) -> Outcome:
    """Submit one application, approve its review tasks as the sector's operator, wait for the end."""
    from local.client import ApiError, GosoClient, submit_round
    from local.demo import DECISION_REASONS, demo_operator

    client = GosoClient(api_url)
    outcome = Outcome(template.path)
    started = time.perf_counter()
    manifest = {**template.manifest, "nib": f"{9130000000000 + index:013d}"}
    try:
        submission = submit_round(client, manifest, template.files)
        outcome.application_id = submission.application_id
        seen = 0
        deadline = time.monotonic() + timeout
        final = ""
        while not final:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no final status within {timeout:.0f} s")
            events = watcher.events(submission.application_id, seen, min(remaining, 5))
            seen += len(events)
            for event in events:
                detail = event["detail"]
                if event["detail-type"] == "ReviewTaskCreated":
                    operator = demo_operator(detail["sector"])
                    client.decide(detail["task_id"], "approve", DECISION_REASONS["approve"], operator)
                elif event["detail-type"] == "StatusChanged" and detail["status"] in FINAL_STATUSES:
                    final = detail["status"]
        # The applicant reads the final status once, through the API.
        outcome.status = client.status(submission)["status"]
    except (ApiError, TimeoutError, OSError) as error:
        outcome.error = str(error)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _bench_stack(folder: Path, schedule_seconds: int):
    """Return a local stack (not started) with long deadlines, no static form and the given backlog schedule."""
    from local.stack import LocalStack, StackOptions

    deadlines = folder / "bench-deadlines.json"
    deadlines.write_text(json.dumps(BENCH_DEADLINES))
    return LocalStack(StackOptions(deadlines_file=deadlines, static_dir=None, backlog_schedule_seconds=schedule_seconds))


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "median": None, "p95": None}
    return {"count": len(values), "median": round(statistics.median(values), 4), "p95": round(percentile(values, 0.95), 4)}


def _table_items(stack: Any) -> int:
    from infra.topology import Resource

    dynamodb = stack.client("dynamodb")
    kwargs: dict[str, Any] = {"TableName": stack.values[Resource.TABLE], "Select": "COUNT"}
    count = 0
    while True:
        response = dynamodb.scan(**kwargs)
        count += response["Count"]
        if "LastEvaluatedKey" not in response:
            return count
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _by_tenth(completed_at: list[float]) -> list[float]:
    """Return the wall seconds per completed application in each tenth of a batch, in order."""
    rates = []
    previous_end, previous_time = 0, 0.0
    for tenth in range(1, 11):
        end = round(tenth * len(completed_at) / 10)
        if end == previous_end:
            continue
        rates.append(round((completed_at[end - 1] - previous_time) / (end - previous_end), 4))
        previous_end, previous_time = end, completed_at[end - 1]
    return rates


def moto_query_cost(sizes: tuple[int, ...] = (2000, 20000), repeats: int = 20) -> dict[str, float]:
    """Time one moto DynamoDB Query on a table of each size, in a throwaway in-process moto.

    Returns milliseconds per Query by item count, with the local stack's patches installed
    (moto's own Query lists and sorts every item of the table; see local/moto_query.py).
    """
    import boto3
    from moto import mock_aws

    from local import moto_query, moto_transactions

    moto_transactions.install()
    moto_query.install()
    timings = {}
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="ap-southeast-3", aws_access_key_id="testing", aws_secret_access_key="testing")
        dynamodb.create_table(
            TableName="scaling",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        written = 0
        for size in sizes:
            while written < size:
                item = {"PK": {"S": f"APP#{written // 20}"}, "SK": {"S": f"AUDIT#{written}"}, "data": {"S": "x" * 800}}
                dynamodb.put_item(TableName="scaling", Item=item)
                written += 1
            started = time.perf_counter()
            for _ in range(repeats):
                dynamodb.query(
                    TableName="scaling", KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "APP#5"}}
                )
            timings[str(size)] = round((time.perf_counter() - started) / repeats * 1000, 1)
    return timings


def _invocation_stats(runtime: Any) -> dict[str, dict[str, Any]]:
    return {
        name: {"count": s.count, "errors": s.errors, "seconds": round(s.seconds, 4), "first_seconds": s.first_seconds}
        for name, s in sorted(runtime.stats.items())
    }


class MotoErrorCounter(logging.Filter):
    """Count and drop werkzeug's "Error on request" records, i.e. moto's own HTTP 500 errors."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Error on request"):
            self.count += 1
            return False
        return True


MOTO_ERRORS = MotoErrorCounter()


def run_batch(size: int, in_flight: int, timeout: float) -> dict[str, Any]:
    """Run `size` applications (risk paths in turn) with `in_flight` at once; return the measurements."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with tempfile.TemporaryDirectory() as scratch, _bench_stack(Path(scratch), THROUGHPUT_SCHEDULE_SECONDS) as stack:
        templates = load_templates(Path(scratch))
        paths = list(PATH_SAMPLES)
        watcher = EventWatcher(stack)
        outcomes: list[Outcome] = []
        completed_at: list[float] = []
        columns = (TextColumn(f"{size} applications, {in_flight} in flight"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        started = time.perf_counter()
        with Progress(*columns, transient=False) as progress, ThreadPoolExecutor(max_workers=in_flight) as pool:
            task = progress.add_task("bench", total=size)
            futures = [
                pool.submit(drive_application, stack.api_url, templates[paths[i % len(paths)]], i, watcher, timeout)
                for i in range(size)
            ]
            for future in as_completed(futures):
                outcomes.append(future.result())
                completed_at.append(time.perf_counter() - started)
                progress.advance(task)
        wall = time.perf_counter() - started
        watcher.stop()
        ids = {o.application_id for o in outcomes}
        stages: dict[str, list[float]] = defaultdict(list)
        for event in list(stack.events):
            detail = event["detail"]
            if event["detail-type"] != "StatusChanged" or detail["application_id"] not in ids:
                continue
            if detail.get("previous_status") and detail["previous_status"] != detail["status"] and detail.get("stage_seconds") is not None:
                stages[detail["previous_status"]].append(detail["stage_seconds"])
        by_path: dict[str, list[float]] = defaultdict(list)
        for outcome in outcomes:
            if not outcome.error:
                by_path[outcome.path].append(outcome.seconds)
        return {
            "size": size,
            "in_flight": in_flight,
            "wall_seconds": round(wall, 3),
            "applications_per_second": round(size / wall, 4),
            "seconds_per_application": round(wall / size, 4),
            "seconds_per_application_by_tenth": _by_tenth(completed_at),
            "statuses": dict(Counter(o.status or "ERROR" for o in outcomes)),
            "errors": [o.error for o in outcomes if o.error][:10],
            "end_to_end_seconds": {path: _summary(values) for path, values in sorted(by_path.items())},
            "stage_seconds": {stage: _summary(values) for stage, values in sorted(stages.items())},
            "invocations": _invocation_stats(stack.runtime),
            "table_items": _table_items(stack),
            # Requests moto failed internally (botocore retried them), e.g. a table copied while written.
            "moto_internal_errors": MOTO_ERRORS.count,
        }


# --- counting requests per risk path ---------------------------------------------------------


def _meter_pollers(stack: Any, meter: Any) -> None:
    """Make the stack's own SQS clients (its event source mappings) report to `meter`.

    Must run before the stack starts, because each poller creates its client when it starts.
    """
    from local.stack import LocalStack

    def client(service: str):
        created = LocalStack.client(stack, service)
        if service == "sqs":
            meter.attach(created)
        return created

    stack.client = client


def _meter_handlers(stack: Any, meter: Any) -> None:
    """Register `meter` on the handlers' cached clients, once the stack has set their endpoint."""
    import boto3

    from functions import aws
    from functions.settings import get_settings
    from infra.topology import Resource
    from local.stack import REGION

    meter.item_reader = boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=REGION)
    meter.table_name = get_settings().table_name
    # Only the intake queue is part of the flow. The event tap replaces EventBridge's Lambda target, so it is not counted.
    meter.queue_urls = {stack.values[Resource.INTAKE_QUEUE]}
    for service in ("dynamodb", "s3", "events", "stepfunctions", "kms", "sqs"):
        meter.attach(aws.client(service))
    meter.attach(aws.table(get_settings().table_name).meta.client)


def _transitions(stack: Any, application_id: str) -> int:
    from infra.topology import Resource

    arn = stack.values[Resource.STATE_MACHINE].replace(":stateMachine:", ":execution:") + f":{application_id}"
    sfn = stack.client("stepfunctions")
    kwargs: dict[str, Any] = {"executionArn": arn, "maxResults": 1000}
    entered = 0
    while True:
        response = sfn.get_execution_history(**kwargs)
        entered += sum(1 for event in response["events"] if event["type"].endswith("StateEntered"))
        if not response.get("nextToken"):
            return entered
        kwargs["nextToken"] = response["nextToken"]


def _wait_for_executions(stack: Any, application_ids: list[str], timeout: float = 30) -> None:
    from infra.topology import Resource

    arn_prefix = stack.values[Resource.STATE_MACHINE].replace(":stateMachine:", ":execution:")
    sfn = stack.client("stepfunctions")

    def finished() -> bool:
        return all(sfn.describe_execution(executionArn=f"{arn_prefix}:{i}")["status"] != "RUNNING" for i in application_ids)

    stack.wait_for(finished, timeout=timeout, interval=0.2)


def run_count(samples: int, timeout: float) -> dict[str, Any]:
    """Run `samples` applications of each risk path one at a time and count every request they cause."""

    from local.bench_meter import RequestMeter

    meter = RequestMeter(item_reader=None, table_name="")
    with tempfile.TemporaryDirectory() as scratch:
        stack = _bench_stack(Path(scratch), COUNTING_SCHEDULE_SECONDS)
        _meter_pollers(stack, meter)
        with stack:
            _meter_handlers(stack, meter)
            return _count_paths(stack, meter, Path(scratch), samples, timeout)


def _count_paths(stack: Any, meter: Any, scratch: Path, samples: int, timeout: float) -> dict[str, Any]:
    templates = load_templates(scratch)
    watcher = EventWatcher(stack)
    # Warm every handler once so the counted runs hold no import time.
    for index, template in enumerate(templates.values()):
        drive_application(stack.api_url, template, 90000 + index, watcher, timeout)
    _settle(stack)
    monitor_by_stack = stack.runtime.stats["monitor"].count > 0
    schedule = _count_scheduled_run(stack, meter)
    paths = {}
    for number, (path, template) in enumerate(templates.items()):
        paths[path] = _count_path(stack, meter, watcher, template, samples, timeout, first_index=1000 * number, monitor_by_stack=monitor_by_stack)
    watcher.stop()
    return {
        "samples_per_path": samples,
        "paths": paths,
        "scheduled_backlog_run": schedule,
        # In AWS an EventBridge rule invokes the monitor for every pipeline event.
        "monitor_invoked_by": "local stack" if monitor_by_stack else "benchmark, one invocation per pipeline event",
    }


def _count_scheduled_run(stack: Any, meter: Any) -> dict[str, Any]:
    """Run the monitor's scheduled backlog measurement once; return its requests and GB-seconds."""
    import uuid

    from infra.topology import function_named
    from local.monitoring import capture_emf

    meter.reset()
    stats = stack.runtime.stats["monitor"]
    seconds_before = stats.seconds
    event = {**SCHEDULED_EVENT, "id": str(uuid.uuid4()), "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    (_, failed), _ = capture_emf(stack.runtime.invoke, "goso-monitor", event)
    usage = meter.reset()
    memory_gb = function_named("monitor").memory_mb / 1024
    return {
        "failed": failed,
        "gb_seconds": (stats.seconds - seconds_before) * memory_gb,
        "dynamodb_queries": usage.count("dynamodb", "Query"),
        "dynamodb_read_units": usage.read_units,
    }


def _count_path(
    stack: Any, meter: Any, watcher: EventWatcher, template: Template, samples: int, timeout: float, first_index: int, monitor_by_stack: bool
) -> dict[str, Any]:
    """Run `samples` applications of one path one at a time; return the requests per application."""
    from infra.topology import function_named
    from local.monitoring import capture_emf

    meter.reset()
    before = {name: (s.count, s.seconds) for name, s in stack.runtime.stats.items()}
    events_before = len(stack.events)
    outcomes = [drive_application(stack.api_url, template, first_index + i, watcher, timeout) for i in range(samples)]
    ids = [outcome.application_id for outcome in outcomes]
    _wait_for_executions(stack, ids)
    _settle(stack)
    if not monitor_by_stack:
        for event in stack.events[events_before:]:
            capture_emf(stack.runtime.invoke, "goso-monitor", event)
    usage = meter.reset()
    lambdas = {}
    for name, stats in stack.runtime.stats.items():
        count = stats.count - before.get(name, (0, 0.0))[0]
        seconds = stats.seconds - before.get(name, (0, 0.0))[1]
        if count:
            memory_gb = function_named(name).memory_mb / 1024
            lambdas[name] = {"invocations": count / samples, "gb_seconds": seconds * memory_gb / samples}
    s3_put, s3_get = usage.s3_classes()
    documents = len(template.files)
    sizes = usage.application_item_sizes
    return {
        "applications": samples,
        "statuses": dict(Counter(outcome.status or "ERROR" for outcome in outcomes)),
        "errors": [outcome.error for outcome in outcomes if outcome.error][:5],
        "documents": documents,
        "per_application": {
            "state_transitions": statistics.mean(_transitions(stack, i) for i in ids),
            "lambda": lambdas,
            "api_requests": lambdas.get("api", {}).get("invocations", 0.0),
            "dynamodb_read_units": usage.read_units / samples,
            "dynamodb_write_units": usage.write_units / samples,
            # The applicant's browser uploads every document and the manifest with a pre-signed POST.
            "s3_put_class": s3_put / samples + documents + 1,
            "s3_get_class": s3_get / samples,
            "eventbridge_events": usage.event_entries / samples,
            # S3 sends one message per manifest to the intake queue; the poller's calls are metered.
            "sqs_requests": usage.of_service("sqs") / samples + 1,
            "kms_requests": usage.of_service("kms") / samples,
        },
        "requests": usage.as_dict()["requests"],
        "application_item_bytes": round(statistics.mean(sizes)) if sizes else None,
    }


def _settle(stack: Any, quiet: float = 1.5, timeout: float = 30) -> None:
    """Wait until the event tap and the monitor have been idle for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last = (-1, -1)
    since = time.monotonic()
    while time.monotonic() < deadline:
        now = (len(stack.events), stack.runtime.stats["monitor"].count)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


# --- cold imports, asset size, machine -------------------------------------------------------


def _timed_import(statement: str) -> tuple[float, list[tuple[str, float]]]:
    """Run an import `statement` in a fresh interpreter; return seconds and its slowest direct imports."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    seconds = float(result.stdout.strip().splitlines()[-1])
    heaviest = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        # Depth-one entries (two spaces) are the packages the module itself imports.
        if match and len(match.group(2)) == 2:
            heaviest.append((match.group(3), int(match.group(1)) / 1e6))
    heaviest.sort(key=lambda item: -item[1])
    return seconds, heaviest[:5]


def git_revision() -> str:
    """Return the checked-out commit, marked as modified when the tree has uncommitted changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} (with uncommitted changes)" if changes.strip() else commit


def cold_imports() -> dict[str, Any]:
    """Median cold import time of each handler module and of boto3 alone, in fresh interpreters."""
    import compileall

    modules = sorted({spec.handler.rpartition(".")[0] for spec in FUNCTIONS})
    # Installed packages have their bytecode from pip. The project's own sources get theirs
    # here, so both sides of the ratio read warm caches even under PYTHONDONTWRITEBYTECODE.
    for package in ("functions", "schemas"):
        compileall.compile_dir(PROJECT_ROOT / package, quiet=1)

    # Round-robin: each round imports boto3, the libraries and every handler once, so a
    # change in machine load affects both sides of each ratio alike.
    statements = {"boto3": "import boto3", LIBRARY_FLOOR: LIBRARY_FLOOR} | {module: f"import {module}" for module in modules}
    runs: dict[str, list[tuple[float, list]]] = defaultdict(list)
    for _ in range(IMPORT_REPEATS):
        for subject, statement in statements.items():
            runs[subject].append(_timed_import(statement))

    def median_of(subject: str) -> float:
        return statistics.median(seconds for seconds, _ in runs[subject])

    boto3_seconds = median_of("boto3")
    handlers = {}
    for module in modules:
        seconds = median_of(module)
        handlers[module] = {
            "seconds": round(seconds, 4),
            "ratio_to_boto3": round(seconds / boto3_seconds, 2),
            "heaviest_imports": [{"module": name, "seconds": round(s, 4)} for name, s in runs[module][-1][1]],
        }
    libraries = median_of(LIBRARY_FLOOR)
    return {
        "repeats": IMPORT_REPEATS,
        "boto3_seconds": round(boto3_seconds, 4),
        "libraries": {"statement": LIBRARY_FLOOR, "seconds": round(libraries, 4), "ratio_to_boto3": round(libraries / boto3_seconds, 2)},
        "handlers": handlers,
    }


def asset_size() -> dict[str, Any]:
    """Size of the Lambda code asset the CDK app builds (make asset), unzipped and zipped."""
    import zipfile

    from infra.cdk.bundling import CACHE_DIR, asset_key

    current = CACHE_DIR / asset_key()
    stale = False
    if not (current / ".complete").exists():
        builds = [path for path in CACHE_DIR.glob("*") if (path / ".complete").exists()] if CACHE_DIR.exists() else []
        if not builds:
            return {"built": False, "note": "not built: run `make asset`, then the bench"}
        # An older build differs only in the project's own sources; the dependencies dominate its size.
        current, stale = builds[0], True
    files = [path for path in current.rglob("*") if path.is_file() and path.name != ".complete"]
    unzipped = sum(path.stat().st_size for path in files)
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.relative_to(current))
        zipped = handle.tell()
    return {
        "built": True,
        "stale": stale,
        "path": str(current.relative_to(PROJECT_ROOT)),
        "files": len(files),
        "unzipped_bytes": unzipped,
        "zipped_bytes": zipped,
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    memory_bytes = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_bytes = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(memory_bytes / 2**30, 1) if memory_bytes else None,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        # Other processes on the machine slow the run; the 1-minute load average shows how busy it was.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


# --- running the children -------------------------------------------------------------------


def _child(arguments: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    try:
        subprocess.run([sys.executable, "-m", "local.bench", *arguments, "--result", str(result_path)], cwd=PROJECT_ROOT, check=True)
        return json.loads(result_path.read_text())
    finally:
        result_path.unlink(missing_ok=True)


def run_bench(options: BenchOptions, results_path: Path, page_path: Path, command: str) -> dict[str, Any]:
    from local.bench_costs import costs, load_prices
    from local.bench_page import write_page

    prices = load_prices(PRICES_FILE)
    started = datetime.now(UTC)
    machine_at_start = machine()
    print("Timing cold imports in fresh interpreters ...", flush=True)
    imports = cold_imports()
    batches = []
    for size in options.sizes:
        print(f"Running {size} applications ...", flush=True)
        batches.append(_child(["batch", "--size", str(size), "--in-flight", str(options.in_flight), "--timeout", str(options.application_timeout)]))
    print(f"Counting requests: {options.count_samples} applications per risk path, one at a time ...", flush=True)
    counted = _child(["count", "--samples", str(options.count_samples), "--timeout", str(options.application_timeout)])
    results = {
        "generated_at": started.isoformat(timespec="seconds"),
        "command": command,
        "revision": git_revision(),
        "machine": machine_at_start,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "options": {"sizes": options.sizes, "in_flight": options.in_flight, "count_samples": options.count_samples},
        "batches": batches,
        "cold_imports": imports,
        "asset": asset_size(),
        "moto_query_ms": moto_query_cost(),
        "counts": counted,
        "costs": costs(counted, prices),
        "targets": TARGETS,
    }
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    write_page(results, prices, page_path)
    print(f"Results: {results_path}\nPage: {page_path}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.bench", description="one measured run of the benchmark")
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser("batch")
    batch.add_argument("--size", type=int, required=True)
    batch.add_argument("--in-flight", type=int, required=True)
    count = commands.add_parser("count")
    count.add_argument("--samples", type=int, required=True)
    for sub in (batch, count):
        sub.add_argument("--timeout", type=float, default=600)
        sub.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    for name in ("werkzeug", "moto", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("werkzeug").addFilter(MOTO_ERRORS)
    if args.command == "batch":
        result = run_batch(args.size, args.in_flight, args.timeout)
    else:
        result = run_count(args.samples, args.timeout)
    args.result.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
