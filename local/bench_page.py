"""Write docs/benchmarks.md from the benchmark's results."""

from pathlib import Path
from typing import Any

STAGE_ORDER = ["DRAFT", "RECEIVED", "VERIFYING", "CORRECTION_REQUESTED", "IN_REVIEW", "ISSUING"]
PATH_NAMES = {"R": "R (rendah)", "MR": "MR (menengah rendah)", "MT": "MT (menengah tinggi)", "T": "T (tinggi)"}


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if value is None else str(value) for value in row) + " |" for row in rows]
    return lines


def _seconds(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _usd(value: float) -> str:
    return f"{value:.4f}"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def targets(results: dict[str, Any]) -> list[list[Any]]:
    """Return one row per target: its limit, the measured value, and whether it is met."""
    limits = results["targets"]
    rows = []
    batches = {batch["size"]: batch for batch in results["batches"]}
    if 100 in batches and 1000 in batches:
        ratio = batches[1000]["seconds_per_application"] / batches[100]["seconds_per_application"]
        rows.append(["time per application at 1,000 vs 100", f"≤ {limits['time_per_application_ratio']}×", f"{ratio:.2f}×", _met(ratio <= limits["time_per_application_ratio"])])
    worst = max(results["cold_imports"]["handlers"].items(), key=lambda item: item[1]["ratio_to_boto3"])
    rows.append(
        [
            "handler cold import vs `import boto3`",
            f"≤ {limits['cold_import_ratio']}× each",
            f"up to {worst[1]['ratio_to_boto3']}× ({worst[0]})",
            _met(worst[1]["ratio_to_boto3"] <= limits["cold_import_ratio"]),
        ]
    )
    low = results["counts"]["paths"].get("R")
    if low:
        transitions = low["per_application"]["state_transitions"]
        cost = results["costs"]["per_path"]["R"]["total_per_1000"]
        rows.append(["low-risk state transitions", f"≤ {limits['low_risk_transitions']}", f"{transitions:g}", _met(transitions <= limits["low_risk_transitions"])])
        rows.append(["low-risk cost per 1,000 applications", f"≤ USD {limits['low_risk_cost_per_1000']:.2f}", f"USD {cost:.4f}", _met(cost <= limits["low_risk_cost_per_1000"])])
    fixed = results["costs"]["fixed_monthly"]["total"]
    rows.append(["fixed monthly cost (custom metrics at their upper bound)", f"≤ USD {limits['fixed_monthly']:.0f}", f"USD {fixed:.2f}", _met(fixed <= limits["fixed_monthly"])])
    return rows


def render(results: dict[str, Any], prices: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Measured on the embedded local stack (moto server on 127.0.0.1, handlers in-process), so",
        "times show this machine and moto, not AWS. Request counts and the costs computed from",
        "them carry over to AWS; durations (and so Lambda GB-seconds) do not.",
        "",
        f"- Command: `{results['command']}` (or `make bench`)",
        f"- Run at: {results['generated_at']}",
        f"- Revision: {results.get('revision', 'not recorded')}",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores ({machine['cores_available']} available), {machine['memory_gib']} GiB RAM, {machine['system']}",
        f"- Python {machine['python']}",
        f"- 1-minute load average: {machine['load_average_1min']} at the start, {results['load_average_1min_at_end']} at the end"
        " (other processes on the machine slow the run)",
        "",
        "## Targets",
        "",
        *_table(["target", "limit", "measured", "result"], targets(results)),
        "",
        "## Throughput",
        "",
        "Mixed batches (the four risk paths in turn); reviews are approved by a scripted operator",
        "through the operator API as soon as each task opens; review deadlines are one day, so",
        "nothing is deemed approved.",
        "",
        *_table(
            ["applications", "in flight", "wall time (s)", "applications/s", "s per application", "final statuses", "errors", "moto HTTP 500s (retried)"],
            [_batch_row(batch) for batch in results["batches"]],
        ),
        "",
    ]
    batches = {b["size"]: b for b in results["batches"]}
    if 100 in batches and 1000 in batches:
        ratio = batches[1000]["seconds_per_application"] / batches[100]["seconds_per_application"]
        lines += [f"Time per application at 1,000 divided by the time at 100: {ratio:.2f}.", ""]
    for batch in results["batches"]:
        tenths = ", ".join(f"{value:.2f}" for value in batch.get("seconds_per_application_by_tenth", []))
        lines += [f"Wall seconds per application in each tenth of the {batch['size']}-application batch: {tenths}."]
    lines += [""]
    largest = results["batches"][-1]
    lines += [
        f"### Stage latency ({largest['size']} applications)",
        "",
        "Seconds an application spent in each status, from the `stage_seconds` of the",
        "StatusChanged events. DRAFT includes the client's uploads.",
        "",
        *_table(
            ["stage", "count", "median (s)", "p95 (s)"],
            [[stage, s["count"], _seconds(s["median"]), _seconds(s["p95"])] for stage in STAGE_ORDER if (s := largest["stage_seconds"].get(stage))],
        ),
        "",
        "End to end, from creating the application to the final status as the client saw it:",
        "",
        *_table(
            ["risk path", "count", "median (s)", "p95 (s)"],
            [[PATH_NAMES.get(path, path), s["count"], _seconds(s["median"]), _seconds(s["p95"])] for path, s in largest["end_to_end_seconds"].items()],
        ),
        "",
        "## Cold start",
        "",
        f"Median of {results['cold_imports']['repeats']} imports, each in a fresh interpreter with warm bytecode caches",
        "(the Lambda asset ships no .pyc files, so the first import on Lambda also compiles). `import boto3` alone:",
        f"{results['cold_imports']['boto3_seconds']:.3f} s.",
        "",
        *_table(
            ["handler module", "import (s)", "× boto3", "slowest direct imports (s)", "first invocation (s)"],
            [
                [module, _seconds(h["seconds"]), f"{h['ratio_to_boto3']:.2f}", ", ".join(f"{i['module']} {i['seconds']:.3f}" for i in h["heaviest_imports"][:3]), _seconds(_first_invocation(largest, module))]
                for module, h in results["cold_imports"]["handlers"].items()
            ],
        ),
        "",
        "The first invocation's time is the in-process runtime's first call of the function in",
        f"the {largest['size']}-application run. It covers the first request and the part of the module's",
        "import that the stack's process had not done yet. The stack itself imports functions.runtime,",
        "functions.aws, functions.settings and the metric rules, so this is not a Lambda cold start.",
        "It is blank for functions that batch never calls (every application was approved in time",
        "and issued). The slowest direct imports come from the last of the runs and include what",
        "they import in turn.",
        *_library_floor_lines(results["cold_imports"]),
        "",
        "## Lambda code asset",
        "",
        *_asset_lines(results["asset"]),
        "",
        "## Requests and cost per risk path",
        "",
        f"Counted on {results['counts']['samples_per_path']} applications per path, run one at a time after one warm-up",
        "application per path. Every request of the handlers' boto3 clients and of the intake",
        "queue's poller is counted through botocore event hooks; DynamoDB capacity units are",
        "computed from item sizes with DynamoDB's rounding rules (moto reports none). The monitor",
        f"runs once per pipeline event (invoked by the {results['counts']['monitor_invoked_by']}).",
        "",
        *_table(
            ["per application", *[PATH_NAMES.get(p, p) for p in results["counts"]["paths"]]],
            _count_rows(results["counts"]["paths"]),
        ),
        "",
        f"Cost per 1,000 applications in USD, at {prices['region']} list prices collected {prices['collected']}",
        "(bench/prices.json holds each figure with its source; Jakarta prices are higher for",
        "several services, so these are lower bounds). API Gateway requests and CloudWatch Logs",
        "ingestion of the monitor's EMF lines are not priced: the price list has no figure for them.",
        "",
        *_table(["item", *[PATH_NAMES.get(p, p) for p in results["costs"]["per_path"]]], _cost_rows(results["costs"]["per_path"])),
        "",
        "The floor is the fewest billable requests each path's outcome needs in this design; see",
        "local/bench_costs.py for its definition. The ratio shows what the audit trail, the",
        "transactional writes and the extra events cost on top of it.",
        "",
        "## Fixed monthly cost",
        "",
        *_fixed_lines(results["costs"]["fixed_monthly"]),
        "",
        "## Limits of these numbers",
        "",
        "- moto 5's own TransactWriteItems copies the whole table per transaction item and keeps",
        "  every copy, which ran a 1,000-application batch past 24 GB of memory. The local stack",
        "  installs local/moto_transactions.py, which snapshots only the items a transaction",
        "  names and serializes moto's DynamoDB calls behind one lock.",
        "- The local stack measures the review backlog every few seconds; the benchmark's stacks",
        "  use AWS's 5 minutes in the throughput runs and no schedule in the counting run, whose",
        "  scheduled measurement is counted once and priced under the fixed monthly cost.",
        "- moto's own DynamoDB Query lists and sorts every item of the table before it applies the",
        "  key condition, so on a growing table every audit-trail, task and backlog Query slows",
        "  down. The local stack installs local/moto_query.py, which hands moto only the items",
        f"  under the queried key: one Query took {_query_ms(results, '2000')} ms on a table of 2,000 items and",
        f"  {_query_ms(results, '20000')} ms on one of 20,000 (`moto_query_cost` in local/bench.py). The",
        f"  {largest['size']}-application run left {largest.get('table_items', '?')} items in the table (audit entries, tasks, tokens).",
        "- The in-process runtime runs one invocation of a function at a time, like one Lambda",
        "  execution environment, and its invocation time includes the wait for that environment",
        "  under load, so GB-seconds from the throughput runs overstate Lambda duration; the",
        "  costs above come from the sequential counting run.",
        "- All handlers share one Python process and its global interpreter lock with moto.",
        "",
    ]
    return "\n".join(lines)


def _batch_row(batch: dict[str, Any]) -> list[Any]:
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(batch["statuses"].items()))
    return [
        batch["size"],
        batch["in_flight"],
        _seconds(batch["wall_seconds"], 1),
        _seconds(batch["applications_per_second"], 2),
        _seconds(batch["seconds_per_application"]),
        statuses,
        len(batch["errors"]),
        batch.get("moto_internal_errors", ""),
    ]


def _query_ms(results: dict[str, Any], size: str) -> str:
    value = results.get("moto_query_ms", {}).get(size)
    return "?" if value is None else f"{value:g}"


def _first_invocation(batch: dict[str, Any], module: str) -> float | None:
    name = module.rpartition(".")[2]
    return (batch["invocations"].get(name) or {}).get("first_seconds")


def _library_floor_lines(imports: dict[str, Any]) -> list[str]:
    libraries = imports.get("libraries")
    if not libraries:
        return []
    return [
        "",
        "Loading boto3, the Powertools Logger and pydantic and building one pydantic model, the minimum",
        f"any handler does at import (`{libraries['statement']}`),",
        f"took {libraries['seconds']:.3f} s, {libraries['ratio_to_boto3']:.2f}× boto3: no handler built on these libraries imports faster.",
        "functions.api also loads Powertools' event handler and functions.intake its batch utilities.",
        "The PDF stack (reportlab, pyHanko, qrcode), pypdf and Pillow are imported on first use,",
        "so functions.issue and functions.intake pay for them in their first invocation instead.",
    ]


def _asset_lines(asset: dict[str, Any]) -> list[str]:
    if not asset.get("built"):
        return [f"Not measured: {asset['note']}."]
    stale = ["", "NOTE: this build predates the current sources of functions/ and schemas/; the dependencies,", "which are most of its size, are the same. `make asset` rebuilds it."] if asset.get("stale") else []
    return [
        f"`{asset['path']}` (built by `make asset`): {asset['files']} files, {asset['unzipped_bytes'] / 2**20:.1f} MiB unzipped,",
        f"{asset['zipped_bytes'] / 2**20:.1f} MiB zipped (deflate). Lambda's limits are 250 MB unzipped and 50 MB for a",
        "zip uploaded directly (larger zips go through S3, as CDK assets do).",
        *stale,
    ]


def _count_rows(paths: dict[str, Any]) -> list[list[Any]]:
    def row(label: str, getter) -> list[Any]:
        return [label, *[getter(p["per_application"]) for p in paths.values()]]

    def lambda_invocations(per: dict[str, Any]) -> str:
        return f"{sum(i['invocations'] for i in per['lambda'].values()):g}"

    def gb_seconds(per: dict[str, Any]) -> str:
        return f"{sum(i['gb_seconds'] for i in per['lambda'].values()):.3f}"

    return [
        row("state transitions", lambda per: f"{per['state_transitions']:g}"),
        row("Lambda invocations", lambda_invocations),
        row("Lambda GB-seconds (local timing)", gb_seconds),
        row("API requests", lambda per: f"{per['api_requests']:g}"),
        row("DynamoDB read units", lambda per: f"{per['dynamodb_read_units']:g}"),
        row("DynamoDB write units", lambda per: f"{per['dynamodb_write_units']:g}"),
        row("S3 PUT/POST-class requests", lambda per: f"{per['s3_put_class']:g}"),
        row("S3 GET-class requests", lambda per: f"{per['s3_get_class']:g}"),
        row("EventBridge events", lambda per: f"{per['eventbridge_events']:g}"),
        row("SQS requests", lambda per: f"{per['sqs_requests']:g}"),
        row("KMS requests", lambda per: f"{per['kms_requests']:g}"),
    ]


def _cost_rows(per_path: dict[str, Any]) -> list[list[Any]]:
    items = list(next(iter(per_path.values()))["per_1000"])
    rows = [[item.replace("_", " "), *[_usd(p["per_1000"][item]) for p in per_path.values()]] for item in items]
    rows.append(["**total**", *[f"**{_usd(p['total_per_1000'])}**" for p in per_path.values()]])
    rows.append(["floor", *[_usd(p["floor_total_per_1000"]) for p in per_path.values()]])
    rows.append(["total ÷ floor", *[f"{p['ratio_to_floor']:.2f}" for p in per_path.values()]])
    return rows


def _fixed_lines(fixed: dict[str, Any]) -> list[str]:
    items = fixed["items"]
    return [
        f"Counted from {fixed['source']}.",
        "",
        *_table(
            ["item", "count", "USD per month"],
            [
                ["custom metrics (every metric × dimension value receiving data every hour)", fixed["custom_metrics"], f"{items['custom_metrics_upper_bound']:.2f}"],
                ["alarms (standard resolution)", fixed["alarms"], f"{items['alarms']:.2f}"],
                ["dashboards (the first three of an account are free)", fixed["dashboards"], f"{items['dashboards']:.2f}"],
                ["KMS keys", fixed["kms_keys"], f"{items['kms_keys']:.2f}"],
                [f"backlog measurement every {fixed['backlog_schedule_minutes']} minutes (monitor run, {fixed['backlog_schedule_queries']} Queries)", "", f"{items['backlog_schedule']:.2f}"],
                ["**total**", "", f"**{fixed['total']:.2f}**"],
            ],
        ),
        "",
        "Custom metrics are billed per metric-hour with data, so a sector metric that receives no",
        "event in an hour costs nothing for that hour; the figure above is the upper bound.",
        "infra/dashboard_spec.py lists the dimension choice behind the metric count.",
    ]


def write_page(results: dict[str, Any], prices: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, prices), encoding="utf-8")
