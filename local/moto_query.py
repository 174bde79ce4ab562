"""A Query for moto's DynamoDB whose cost follows the result, not the table (checked against moto 5.2).

moto's Table.query takes its candidates from Table.all_items(), which lists and sorts every
item of the table on each call, and only then keeps the items under the queried key. So on
the local stack one Query costs time in proportion to the whole table. Every application
reads its audit trail and review tasks by Query, and the monitor counts open tasks on the
sector index, so a run of many applications slows down as the table fills.

`install()` narrows the candidates before moto's own query logic runs:
- a Query on the table starts from the items stored under its partition key;
- a Query on an index starts from the items that carry the queried value in every
  partition key attribute of the index (DynamoDB indexes no other item).
moto's key conditions, filters, ordering, paging and projection then run unchanged on a
list that still contains every item that can match.
"""

import functools
import inspect
import threading
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_ORIGINALS: dict[str, Any] = {}
# The candidates of the query running on this thread: (table, items) or None.
_NARROWED = threading.local()


def _sorted(items: list[Item]) -> list[Item]:
    """Order items as moto's all_items() does."""
    return sorted(items, key=lambda item: (item.hash_key, item.range_key) if item.range_key else item.hash_key)


def _stored_items(table: Table) -> Any:
    for bucket in table.items.values():
        if table.range_key_attr:
            yield from bucket.values()
        else:
            yield bucket


def candidates(
    table: Table,
    hash_key: DynamoType | None,
    index_name: str | None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
) -> list[Item] | None:
    """Return every item a Query with these keys can match, or None when the keys do not narrow it."""
    if index_name is None:
        if hash_key is None:
            return None
        bucket = table.items.get(hash_key)
        if bucket is None:
            return []
        return _sorted(list(bucket.values()) if table.range_key_attr else [bucket])
    if not hash_key_conditions:
        return None
    matching = [
        item
        for item in _stored_items(table)
        if isinstance(item, Item)
        and all((value := item.attrs.get(name)) is not None and value == expected for name, expected in hash_key_conditions)
    ]
    return _sorted(matching)


def _all_items(self: Table) -> list[Item]:
    narrowed = getattr(_NARROWED, "value", None)
    if narrowed is not None and narrowed[0] is self:
        return list(narrowed[1])
    return _ORIGINALS["all_items"](self)


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    bound = _ORIGINALS["signature"].bind(self, *args, **kwargs)
    arguments = bound.arguments
    narrowed = candidates(self, arguments.get("hash_key"), arguments.get("index_name"), arguments.get("hash_key_conditions"))
    if narrowed is None:
        return _ORIGINALS["query"](self, *args, **kwargs)
    previous = getattr(_NARROWED, "value", None)
    _NARROWED.value = (self, narrowed)
    try:
        return _ORIGINALS["query"](self, *args, **kwargs)
    finally:
        _NARROWED.value = previous


def install() -> None:
    """Patch moto's Table in this process; calling it again changes nothing."""
    if getattr(Table.query, "goso_narrowed", False):
        return
    _ORIGINALS["query"] = Table.query
    _ORIGINALS["all_items"] = Table.all_items
    _ORIGINALS["signature"] = inspect.signature(Table.query)
    query = functools.wraps(Table.query)(_query)
    query.goso_narrowed = True
    Table.query = query
    Table.all_items = _all_items
