"""moto's Query with key-bounded candidates: the same results, without listing the whole table."""

import boto3
import pytest
from moto import mock_aws

from local import moto_query


@pytest.fixture
def dynamodb(fake_aws_credentials):
    moto_query.install()
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GSI2PK", "GSI2SK")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "sector-backlog",
                    "KeySchema": [{"AttributeName": "GSI2PK", "KeyType": "HASH"}, {"AttributeName": "GSI2SK", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for app in range(30):
            for entry in range(6):
                item = {"PK": {"S": f"APP#{app:03d}"}, "SK": {"S": f"AUDIT#{entry:02d}"}, "n": {"N": str(entry)}}
                client.put_item(TableName="t", Item=item)
            # Only open tasks carry the index key (a sparse index), three sectors in turn.
            task = {"PK": {"S": f"APP#{app:03d}"}, "SK": {"S": "TASK#1"}}
            if app % 2 == 0:
                task |= {"GSI2PK": {"S": f"SECTOR#{'ABC'[app % 3]}#OPEN"}, "GSI2SK": {"S": f"{app:03d}"}}
            client.put_item(TableName="t", Item=task)
        yield client


def query_all(client, **kwargs) -> list[dict]:
    items = []
    while True:
        response = client.query(TableName="t", **kwargs)
        items.extend(response["Items"])
        if "LastEvaluatedKey" not in response:
            return items
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@pytest.fixture
def whole_table_listing_forbidden(monkeypatch):
    """Make moto's own listing of every item fail, so a test passes only if the Query skips it."""

    def fail_listing(table):
        raise AssertionError(f"Query listed every item of table {table.name}")

    monkeypatch.setitem(moto_query._ORIGINALS, "all_items", fail_listing)


def test_table_query_reads_only_its_partition(dynamodb, whole_table_listing_forbidden):
    items = query_all(
        dynamodb,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={":pk": {"S": "APP#007"}, ":prefix": {"S": "AUDIT#"}},
    )
    assert [item["SK"]["S"] for item in items] == [f"AUDIT#{entry:02d}" for entry in range(6)]


def test_table_query_keeps_order_paging_and_filters(dynamodb, whole_table_listing_forbidden):
    values = {":pk": {"S": "APP#012"}, ":min": {"N": "2"}}
    newest_first = query_all(
        dynamodb,
        KeyConditionExpression="PK = :pk",
        FilterExpression="n >= :min",
        ExpressionAttributeValues=values,
        ScanIndexForward=False,
        Limit=2,
    )
    assert [item["SK"]["S"] for item in newest_first] == ["AUDIT#05", "AUDIT#04", "AUDIT#03", "AUDIT#02"]


def test_table_query_on_missing_partition_is_empty(dynamodb, whole_table_listing_forbidden):
    assert query_all(dynamodb, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "APP#999"}}) == []


def test_index_query_matches_only_indexed_items(dynamodb):
    items = query_all(
        dynamodb,
        IndexName="sector-backlog",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "SECTOR#A#OPEN"}},
        Limit=2,
    )
    # Even apps whose number is a multiple of 3: 0, 6, 12, 18, 24, in index sort key order.
    assert [item["GSI2SK"]["S"] for item in items] == ["000", "006", "012", "018", "024"]
    assert all(item["SK"]["S"] == "TASK#1" for item in items)


def test_index_query_skips_whole_table_listing(dynamodb, whole_table_listing_forbidden):
    items = query_all(
        dynamodb, IndexName="sector-backlog", KeyConditionExpression="GSI2PK = :pk", ExpressionAttributeValues={":pk": {"S": "SECTOR#B#OPEN"}}
    )
    assert [item["GSI2SK"]["S"] for item in items] == ["004", "010", "016", "022", "028"]


def test_scan_still_lists_every_item(dynamodb):
    count = 0
    kwargs: dict = {"TableName": "t", "Select": "COUNT"}
    while True:
        response = dynamodb.scan(**kwargs)
        count += response["Count"]
        if "LastEvaluatedKey" not in response:
            break
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    assert count == 30 * 7


def test_install_twice_keeps_one_patch():
    moto_query.install()
    first = moto_query.Table.query
    moto_query.install()
    assert moto_query.Table.query is first
    assert first.goso_narrowed is True
