"""Price the counted requests of each risk path, the floor they are compared with, and the fixed monthly cost.

Prices come from bench/prices.json (us-east-1 list prices with their sources; Jakarta prices
are higher for several services, so every figure here is a lower bound).

The floor of a path is the fewest billable requests its outcome needs in this design:
- Lambda: the API calls that create the application and read its final status once, one
  intake, one per review task (to keep its task token) plus the operator's decision, one
  issue, and the monitor once per event. Verification and routing fold into intake, which
  already has the manifest. Each invocation keeps its measured duration, so the floor
  prices requests, not faster code.
- Step Functions: one transition per Task state the path must wait on or run: Issue, plus the
  Map and one wait per review task on reviewed paths.
- DynamoDB: one plain (not transactional) write of the application record per status it
  must show (created, RECEIVED, VERIFYING, IN_REVIEW when reviewed, ISSUING, ISSUED), each
  with a one-unit audit entry. Each review task adds a task record and its decision, and
  the permit adds its counter and its record. Every invocation after the first reads the
  record once, eventually consistent.
- S3: the browser's POST of every document and the manifest, one GET of each by intake, one
  PUT of the permit. SQS: the notification, one receive, one delete. EventBridge: one event
  per status change. KMS: one Sign.
"""

import json
from pathlib import Path
from typing import Any

from infra.dashboard_spec import ALARMS, custom_metric_count
from local.bench_meter import read_units, write_units

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT_ROOT / "cdk.out" / "Goso.template.json"
PER = 1000


def load_prices(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _price(prices: dict[str, Any], name: str) -> float:
    return float(prices["prices"][name]["value"])


def cost_items(per_application: dict[str, Any], prices: dict[str, Any]) -> dict[str, float]:
    """Return the cost of `PER` applications, by service, in USD."""
    lambdas = per_application["lambda"]
    invocations = sum(item["invocations"] for item in lambdas.values())
    gb_seconds = sum(item["gb_seconds"] for item in lambdas.values())
    items = {
        "stepfunctions": per_application["state_transitions"] * _price(prices, "stepfunctions_standard_per_state_transition"),
        "lambda_requests": invocations * _price(prices, "lambda_per_request"),
        "lambda_duration": gb_seconds * _price(prices, "lambda_per_gb_second_arm64"),
        "dynamodb_reads": per_application["dynamodb_read_units"] * _price(prices, "dynamodb_on_demand_per_read_request_unit"),
        "dynamodb_writes": per_application["dynamodb_write_units"] * _price(prices, "dynamodb_on_demand_per_write_request_unit"),
        "s3_put_class": per_application["s3_put_class"] * _price(prices, "s3_standard_put_post_per_request"),
        "s3_get_class": per_application["s3_get_class"] * _price(prices, "s3_standard_get_per_request"),
        "eventbridge": per_application["eventbridge_events"] * _price(prices, "eventbridge_custom_event_per_64kb_chunk"),
        "sqs": per_application["sqs_requests"] * _price(prices, "sqs_standard_per_request"),
        "kms": per_application["kms_requests"] * _price(prices, "kms_per_request"),
    }
    return {name: round(value * PER, 6) for name, value in items.items()}


def floor_per_application(measured: dict[str, Any], documents: int, application_item_bytes: int) -> dict[str, Any]:
    """Return the floor's request counts for a path, in the same shape as the measured counts."""
    lambdas = measured["lambda"]
    reviews = round(lambdas.get("review_task", {}).get("invocations", 0))
    statuses = 6 if reviews else 5
    invocations = {"api": 2 + reviews, "intake": 1, "review_task": reviews, "issue": 1, "monitor": statuses - 1}
    floor_lambdas = {}
    for name, count in invocations.items():
        if not count:
            continue
        seen = lambdas.get(name)
        per_call = seen["gb_seconds"] / seen["invocations"] if seen and seen["invocations"] else 0.0
        floor_lambdas[name] = {"invocations": count, "gb_seconds": count * per_call}
    record_writes = statuses * (write_units(application_item_bytes) + 1)
    # Every pipeline invocation but the creating API call reads the record once.
    record_reads = (sum(invocations.values()) - invocations["monitor"] - 1) * read_units(application_item_bytes, consistent=False)
    return {
        "state_transitions": (2 + reviews) if reviews else 1,
        "lambda": floor_lambdas,
        "dynamodb_read_units": record_reads,
        "dynamodb_write_units": record_writes + 2 * reviews + 2,
        "s3_put_class": documents + 1 + 1,
        "s3_get_class": documents + 1,
        "eventbridge_events": statuses - 1,
        "sqs_requests": 3,
        "kms_requests": 1,
    }


HOURS_PER_MONTH = 730
# The rate of the backlog schedule when no synthesized template gives it (infra/cdk/events.py).
DEFAULT_SCHEDULE_MINUTES = 5


def _schedule_minutes(resources: dict[str, Any]) -> int:
    for resource in resources.values():
        expression = resource.get("Properties", {}).get("ScheduleExpression", "")
        if resource.get("Type") == "AWS::Events::Rule" and expression.startswith("rate("):
            amount, unit = expression[5:-1].split()
            return int(amount) * (60 if unit.startswith("hour") else 1)
    return DEFAULT_SCHEDULE_MINUTES


def _schedule_cost(run: dict[str, Any] | None, minutes: int, prices: dict[str, Any]) -> float:
    """Return the monthly cost of the monitor's scheduled backlog measurement."""
    if not run:
        return 0.0
    runs = HOURS_PER_MONTH * 60 / minutes
    per_run = (
        _price(prices, "lambda_per_request")
        + run["gb_seconds"] * _price(prices, "lambda_per_gb_second_arm64")
        + run["dynamodb_read_units"] * _price(prices, "dynamodb_on_demand_per_read_request_unit")
    )
    return runs * per_run


def fixed_monthly(prices: dict[str, Any], scheduled_run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the monthly cost that does not depend on volume, with the resource counts it uses.

    Alarms, dashboards and KMS keys are counted in the synthesized template when `make synth`
    has written it. Without it, the count is the dashboard declaration's alarms, one
    dashboard and one key.
    """
    counts = {"alarms": len(ALARMS), "dashboards": 1, "kms_keys": 1, "source": "infra/dashboard_spec.py"}
    resources: dict[str, Any] = {}
    if TEMPLATE.exists():
        resources = json.loads(TEMPLATE.read_text()).get("Resources", {})
        types = [resource.get("Type") for resource in resources.values()]
        counts = {
            "alarms": types.count("AWS::CloudWatch::Alarm"),
            "dashboards": types.count("AWS::CloudWatch::Dashboard"),
            "kms_keys": types.count("AWS::KMS::Key"),
            "source": str(TEMPLATE.relative_to(PROJECT_ROOT)),
        }
    metrics = custom_metric_count()
    items = {
        "custom_metrics_upper_bound": metrics * _price(prices, "cloudwatch_custom_metric_per_month"),
        "alarms": counts["alarms"] * _price(prices, "cloudwatch_standard_alarm_per_month"),
        # The first three dashboards of an account are free; this assumes they are in use.
        "dashboards": counts["dashboards"] * _price(prices, "cloudwatch_dashboard_per_month"),
        "kms_keys": counts["kms_keys"] * _price(prices, "kms_key_per_month"),
        # Measured with empty backlogs; each open task adds to the read units.
        "backlog_schedule": _schedule_cost(scheduled_run, _schedule_minutes(resources), prices),
    }
    return {
        "custom_metrics": metrics,
        "backlog_schedule_minutes": _schedule_minutes(resources),
        "backlog_schedule_queries": (scheduled_run or {}).get("dynamodb_queries"),
        **{key: value for key, value in counts.items()},
        "items": {name: round(value, 2) for name, value in items.items()},
        "total": round(sum(items.values()), 2),
    }


def costs(counted: dict[str, Any], prices: dict[str, Any]) -> dict[str, Any]:
    per_path = {}
    for path, result in counted["paths"].items():
        measured = result["per_application"]
        size = result["application_item_bytes"] or 1024
        floor = floor_per_application(measured, result["documents"], size)
        items = cost_items(measured, prices)
        floor_items = cost_items(floor, prices)
        total = sum(items.values())
        floor_total = sum(floor_items.values())
        per_path[path] = {
            "per_1000": items,
            "total_per_1000": round(total, 4),
            "floor": floor,
            "floor_per_1000": floor_items,
            "floor_total_per_1000": round(floor_total, 4),
            "ratio_to_floor": round(total / floor_total, 2) if floor_total else None,
        }
    return {"per_path": per_path, "fixed_monthly": fixed_monthly(prices, counted.get("scheduled_backlog_run")), "prices_collected": prices["collected"], "prices_region": prices["region"]}
