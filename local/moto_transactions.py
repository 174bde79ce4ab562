"""A bounded, thread-safe TransactWriteItems for moto's DynamoDB (checked against moto 5.2).

To roll back a failed transaction, moto's transact_write_items deep-copies every table the
transaction names, once per transaction item. On the local stack that has three effects:
- memory: moto's model-instance tracker (Table.instances_tracked) keeps every copy, so
  memory grows with the square of the number of transactions. A run of 1,000 applications
  went past 24 GB.
- time: every copy costs time in proportion to the table's size;
- threads: moto serves requests on several threads. A copy taken while another request
  writes fails with "dictionary changed size during iteration" (HTTP 500), and a rollback
  puts back the whole table as it was, dropping the writes other requests made meanwhile.

`install()` keeps moto's own transaction logic but snapshots only the items the
transaction names, and runs every DynamoDB read and write of moto's backend under one lock,
so a rollback cannot drop another request's write.
"""

import copy
import functools
import threading
from types import SimpleNamespace
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_LOCK = threading.RLock()
_SERIALIZED = ("put_item", "get_item", "update_item", "delete_item", "query", "scan", "transact_write_items")
_ORIGINALS: dict[str, Any] = {}


def _copy_except_tables(value: Any, memo: dict | None = None) -> Any:
    """Deep-copy `value`, but return a Table itself: the per-item snapshot replaces its copy."""
    if isinstance(value, Table):
        return value
    return copy.deepcopy(value, memo)


def _key_of(table: Table, kind: str, operation: dict[str, Any]) -> dict[str, Any]:
    if kind != "Put":
        return operation["Key"]
    item = operation["Item"]
    key = {table.hash_key_attr: item[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = item[table.range_key_attr]
    return key


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    snapshot = []
    for entry in transact_items:
        (kind, operation), = entry.items()
        name = operation.get("TableName")
        if name not in self.tables:
            continue
        key = _key_of(self.get_table(name), kind, operation)
        current = self.get_item(name, key)
        snapshot.append((name, key, current.to_json()["Attributes"] if current else None))
    try:
        _ORIGINALS["transact_write_items"](self, transact_items)
    except Exception:
        # Undo the items this transaction already wrote, newest first.
        for name, key, attributes in reversed(snapshot):
            if attributes is not None:
                self.put_item(name, attributes)
            elif self.get_item(name, key) is not None:
                self.delete_item(name, key)
        raise


def _serialized(method: Any) -> Any:
    @functools.wraps(method)
    def locked(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    locked.goso_serialized = True
    return locked


def install() -> None:
    """Patch moto's DynamoDB backend in this process; calling it again changes nothing."""
    if getattr(DynamoDBBackend.transact_write_items, "goso_serialized", False):
        return
    # moto's module calls `copy.deepcopy` through its own `copy` name, so only that module gets the shim.
    dynamodb_models.copy = SimpleNamespace(deepcopy=_copy_except_tables)
    _ORIGINALS["transact_write_items"] = DynamoDBBackend.transact_write_items
    for name in _SERIALIZED:
        method = _transact_write_items if name == "transact_write_items" else getattr(DynamoDBBackend, name)
        setattr(DynamoDBBackend, name, _serialized(method))
