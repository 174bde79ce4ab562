"""The `goso dashboard`, `goso report` and `goso bench` subcommands."""

import argparse
import json
import math
import os
import re
import sys
import time
from datetime import date, datetime
from pathlib import Path

from local import discovery

DEFAULT_OUT = Path("out")
# CloudWatch keeps hourly data points for 455 days (15 months), so a longer range reads nothing more.
MAX_HOURS = 455 * 24


def hours(text: str) -> float:
    """Parse --hours: a finite number of hours above 0 and at most MAX_HOURS."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_HOURS):
        raise argparse.ArgumentTypeError(
            f"invalid hours '{text}': give a number above 0 and at most {MAX_HOURS} (CloudWatch keeps metrics for 15 months)"
        )
    return value


def output_folder(text: str) -> Path:
    """Parse --out: a folder path, created if missing, that is not an existing file."""
    path = Path(text)
    if not text.strip():
        raise argparse.ArgumentTypeError(f"invalid output folder '{text}': give a folder path, e.g. out")
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"invalid output folder '{text}': it is a file; give a folder path (created if missing)")
    return path


def day(text: str) -> date:
    """Parse a YYYY-MM-DD day between the years 2000 and 9998."""
    message = f"invalid day '{text}': give a calendar date as YYYY-MM-DD, e.g. 2026-12-04"
    # date.fromisoformat also takes forms such as 20261204, which the help text does not offer.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(message)
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    if not 2000 <= value.year <= 9998:
        raise argparse.ArgumentTypeError(f"invalid day '{text}': give a year from 2000 to 9998")
    return value


def register(subparsers) -> None:
    """Add the dashboard, report and bench subcommands to the `goso` parser's subparsers."""
    dashboard = subparsers.add_parser(
        "dashboard",
        help="render the monitors' dashboard to OUT/dashboard.png and print the per-sector table",
        description=(
            "Read the CloudWatch metrics of a running stack (goso up). Without one, start an "
            "embedded stack and run the demo samples first, so the figures are the demo's."
        ),
    )
    dashboard.add_argument("--out", type=output_folder, default=DEFAULT_OUT, help="output folder (default out/)")
    dashboard.add_argument(
        "--hours", type=hours, default=6, help=f"time range to read, in hours back from now (default 6, at most {MAX_HOURS})"
    )
    dashboard.add_argument("--json", action="store_true", help="print the table as one JSON object on the last line")
    dashboard.set_defaults(handler=cmd_dashboard)

    report = subparsers.add_parser(
        "report", help="write the evidence pack (JSON and Markdown) for applications created in a period"
    )
    report.add_argument("--from", dest="first", type=day, help="first day, YYYY-MM-DD in WITA (default today)")
    report.add_argument("--to", dest="last", type=day, help="last day, YYYY-MM-DD in WITA, included (default today)")
    report.add_argument("--out", type=output_folder, default=DEFAULT_OUT, help="output folder (default out/)")
    report.add_argument("--json", action="store_true", help="print the report's headline figures as JSON on the last line")
    report.set_defaults(handler=cmd_report)

    bench = subparsers.add_parser(
        "bench", help="run batches of applications through an embedded stack and write bench/results.json and docs/benchmarks.md"
    )
    bench.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="batch sizes to run (default 100 1000)")
    bench.add_argument("--in-flight", type=int, default=8, help="applications in flight at once (default 8)")
    bench.add_argument("--results", type=Path, default=Path("bench/results.json"), help="results file (default bench/results.json)")
    bench.add_argument("--page", type=Path, default=Path("docs/benchmarks.md"), help="Markdown page (default docs/benchmarks.md)")
    bench.add_argument("--timeout", type=float, default=600, help="seconds one application may take (default 600)")
    bench.add_argument(
        "--count-samples", type=int, default=5, help="applications per risk path in the request-counting run (default 5)"
    )
    bench.set_defaults(handler=cmd_bench)


def _use_endpoint(target: discovery.StackTarget) -> None:
    """Point this process's boto3 default configuration (used by functions.store) at the stack."""
    os.environ["AWS_ENDPOINT_URL"] = target.endpoint
    os.environ["AWS_DEFAULT_REGION"] = target.region
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")


def _wait_for_events_to_settle(stack, quiet_seconds: float = 3.0, timeout: float = 60.0) -> None:
    """Wait until the embedded stack has taken no new event for `quiet_seconds`."""
    deadline = time.monotonic() + timeout
    seen = -1
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        count = len(stack.events)
        if count != seen:
            seen, quiet_since = count, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return
        time.sleep(0.5)


def cmd_dashboard(args) -> int:
    from local.monitoring import TimeRange, format_table, render_dashboard

    with discovery.connect() as target:
        if target.embedded is not None:
            from local.demo import run_demo

            print("No running stack (goso up) found: running the demo samples on an embedded stack first.")
            run_demo(target.api_url, args.out, log=lambda line: None)
            _wait_for_events_to_settle(target.embedded)
        result = render_dashboard(target.client("cloudwatch"), args.out, TimeRange.last(args.hours))
    print(format_table(result.table, result.outcomes))
    print(f"Dashboard image: {result.image}")
    if args.json:
        print(json.dumps({"image": str(result.image), "sectors": result.table, "outcomes": result.outcomes}))
    return 0


def cmd_report(args) -> int:
    from functions.store import Store
    from local.report import WITA, Period, build_report, write_report

    today = datetime.now(WITA).date()
    period = Period(args.first or today, args.last or args.first or today)
    if period.last < period.first:
        default_note = "" if args.first else ", which defaults to today"
        print(
            f"goso report: --to {period.last} is before --from {period.first}{default_note}; give the earlier day as --from.",
            file=sys.stderr,
        )
        return 2
    with discovery.connect() as target:
        if target.embedded is not None:
            print("No running stack (goso up) found: the embedded stack is empty, so the report lists no applications.")
        _use_endpoint(target)
        report = build_report(Store(target.resources["table"]), period)
    json_path, markdown_path = write_report(report, args.out)
    print(f"{report['applications']} applications, {len(report['decisions'])} decisions, {period.first} to {period.last} (WITA)")
    print(f"Evidence pack: {markdown_path} and {json_path}")
    if args.json:
        headline = {key: report[key] for key in ("applications", "by_status", "review_deadlines", "deemed_approvals", "channels")}
        print(json.dumps({"json": str(json_path), "markdown": str(markdown_path), **headline}))
    return 0


def cmd_bench(args) -> int:
    from local.bench import BenchOptions, run_bench

    options = BenchOptions(
        sizes=args.sizes, in_flight=args.in_flight, application_timeout=args.timeout, count_samples=args.count_samples
    )
    run_bench(options, results_path=args.results, page_path=args.page, command=_command_line())
    return 0


def _command_line() -> str:
    """Return the command as typed, for the benchmark page."""
    return " ".join(["goso", *sys.argv[1:]])
