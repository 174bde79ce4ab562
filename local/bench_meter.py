"""Count the AWS requests the handlers make, and the DynamoDB capacity they would consume.

The benchmark registers botocore event handlers on the handlers' own clients (the cached
ones in functions.aws) and on the local stack's queue pollers. moto reports no consumed
capacity, so read and write units are computed from item sizes with DynamoDB's rules:

- item size: the UTF-8 length of every attribute name plus its value's size. A string is
  its UTF-8 length and a number about one byte per two significant digits plus one. A
  binary is its byte length, a boolean or null one byte. A list or map is three bytes plus
  its elements plus one byte per element.
- a write consumes one write unit per started 1 KB of the item (for an update, the larger of
  the item before and after; this meter uses the item after); a transactional write two;
- a read consumes one read unit per started 4 KB for a strongly consistent read, half of
  that for an eventually consistent one, two for a transactional one; a Query or Scan adds
  up the sizes of the items it reads before rounding; a read that finds nothing still
  consumes the minimum.

Source: the DynamoDB Developer Guide, "Item sizes and formats" and "Read/write capacity
mode" (on-demand read and write request units follow the same size rules).
"""

import json
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

KB = 1024
# S3 bills PUT, COPY, POST and LIST requests at one rate, GET and the rest at a lower one.
S3_WRITE_CLASS = ("Put", "Copy", "Post", "List", "Create", "Complete", "Upload")


def attribute_value_size(value: dict[str, Any]) -> int:
    """Return the size in bytes of one DynamoDB AttributeValue in wire format ({"S": "..."})."""
    (kind, content), = value.items()
    if kind == "S":
        return len(content.encode("utf-8"))
    if kind == "N":
        return _number_size(content)
    if kind == "B":
        return len(content) if isinstance(content, bytes) else len(content) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(item.encode("utf-8")) for item in content)
    if kind == "NS":
        return sum(_number_size(item) for item in content)
    if kind == "BS":
        return sum(len(item) for item in content)
    if kind == "L":
        return 3 + sum(attribute_value_size(item) + 1 for item in content)
    if kind == "M":
        return 3 + sum(len(name.encode("utf-8")) + attribute_value_size(item) + 1 for name, item in content.items())
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


def _number_size(text: str) -> int:
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "").split("E")[0].strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1


def item_size(item: dict[str, dict[str, Any]]) -> int:
    """Return the size in bytes of an item in wire format: attribute names plus values."""
    return sum(len(name.encode("utf-8")) + attribute_value_size(value) for name, value in item.items())


def write_units(size: int, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / KB))
    return float(units * (2 if transactional else 1))


def read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / (4 * KB)))
    if transactional:
        return float(units * 2)
    return float(units) if consistent else units / 2


@dataclass
class Usage:
    """Requests by service and operation, and DynamoDB capacity units."""

    requests: Counter = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    event_entries: int = 0
    # Sizes of written application records (PK APP#..., SK META), for the floor's write units.
    application_item_sizes: list[int] = field(default_factory=list)

    def count(self, service: str, operation: str) -> int:
        return self.requests.get((service, operation), 0)

    def of_service(self, service: str) -> int:
        return sum(number for (name, _), number in self.requests.items() if name == service)

    def s3_classes(self) -> tuple[int, int]:
        """Return (PUT-class requests, GET-class requests) to S3."""
        write = sum(n for (s, op), n in self.requests.items() if s == "s3" and op.startswith(S3_WRITE_CLASS))
        return write, self.of_service("s3") - write

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": {f"{service}.{operation}": n for (service, operation), n in sorted(self.requests.items())},
            "dynamodb_read_units": self.read_units,
            "dynamodb_write_units": self.write_units,
            "eventbridge_entries": self.event_entries,
        }


class RequestMeter:
    """botocore event handlers that add every call of the attached clients to `usage`."""

    def __init__(self, item_reader: Any, table_name: str, queue_urls: set[str] | None = None):
        # An unmetered DynamoDB client, used to read an item's size after an update.
        self.item_reader = item_reader
        self.table_name = table_name
        self.queue_urls = queue_urls or set()
        self.usage = Usage()
        self._lock = threading.Lock()

    def reset(self) -> Usage:
        """Start a new count; return the previous one."""
        with self._lock:
            previous, self.usage = self.usage, Usage()
        return previous

    def attach(self, client: Any) -> None:
        service = client.meta.service_model.service_name
        events = client.meta.events
        if service == "sqs":
            events.register("provide-client-params.sqs", self._remember_queue)
            events.register("after-call.sqs", self._after_sqs)
            return
        events.register_first(f"before-call.{service}", self._remember_body)
        events.register_first(f"after-call.{service}", self._after_call)

    # --- handlers ---------------------------------------------------------------------------

    def _remember_body(self, params: dict, context: dict, **_: Any) -> None:
        body = params.get("body")
        if body and params.get("headers", {}).get("Content-Type", "").startswith("application/x-amz-json"):
            context["meter_request"] = json.loads(body)

    def _remember_queue(self, params: dict, context: dict, **_: Any) -> None:
        context["meter_queue"] = params.get("QueueUrl")

    def _after_sqs(self, model: Any, parsed: dict, context: dict, **_: Any) -> None:
        if self.queue_urls and context.get("meter_queue") not in self.queue_urls:
            return
        # An empty long poll is the event source mapping's idle cost, not the application's.
        if model.name == "ReceiveMessage" and not parsed.get("Messages"):
            return
        with self._lock:
            self.usage.requests[("sqs", model.name)] += 1

    def _after_call(self, model: Any, http_response: Any, context: dict, **_: Any) -> None:
        service = model.service_model.service_name
        request = context.get("meter_request") or {}
        with self._lock:
            self.usage.requests[(service, model.name)] += 1
            if service == "events" and model.name == "PutEvents":
                self.usage.event_entries += len(request.get("Entries", []))
        if service == "dynamodb" and http_response.status_code < 400:
            response = json.loads(http_response.content or b"{}")
            reads, writes = self._capacity(model.name, request, response)
            with self._lock:
                self.usage.read_units += reads
                self.usage.write_units += writes

    # --- DynamoDB capacity ----------------------------------------------------------------

    def _capacity(self, operation: str, request: dict, response: dict) -> tuple[float, float]:
        consistent = bool(request.get("ConsistentRead"))
        if operation == "GetItem":
            return read_units(item_size(response.get("Item", {})), consistent), 0.0
        if operation in ("Query", "Scan"):
            size = sum(item_size(item) for item in response.get("Items", []))
            return read_units(size, consistent), 0.0
        if operation == "PutItem":
            self._note_application(request["Item"])
            return 0.0, write_units(item_size(request["Item"]))
        if operation in ("UpdateItem", "DeleteItem"):
            return 0.0, write_units(self._stored_size(request["TableName"], request["Key"]))
        if operation == "TransactWriteItems":
            return 0.0, sum(self._transact_units(entry) for entry in request["TransactItems"])
        if operation == "TransactGetItems":
            return sum(read_units(item_size(r.get("Item", {})), True, transactional=True) for r in response.get("Responses", [])), 0.0
        return 0.0, 0.0

    def _transact_units(self, entry: dict) -> float:
        (kind, body), = entry.items()
        if kind == "Put":
            self._note_application(body["Item"])
            return write_units(item_size(body["Item"]), transactional=True)
        size = self._stored_size(body["TableName"], body["Key"])
        if kind == "Update" and body["Key"].get("SK", {}).get("S") == "META":
            with self._lock:
                self.usage.application_item_sizes.append(size)
        return write_units(size, transactional=True)

    def _note_application(self, item: dict) -> None:
        if item.get("SK", {}).get("S") == "META" and item.get("PK", {}).get("S", "").startswith("APP#"):
            with self._lock:
                self.usage.application_item_sizes.append(item_size(item))

    def _stored_size(self, table: str, key: dict) -> int:
        # A low-level client returns the item with its AttributeValue type tags, as on the wire.
        item = self.item_reader.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        return item_size(item) if item else item_size(key)
