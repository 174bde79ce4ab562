"""moto's TransactWriteItems with the per-item snapshot: bounded memory and exact rollback."""

import gc

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from local import moto_transactions


@pytest.fixture
def dynamodb(fake_aws_credentials):
    moto_transactions.install()
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def put(key: str, value: str, condition: str | None = None) -> dict:
    operation = {"TableName": "t", "Item": {"PK": {"S": key}, "d": {"S": value}}}
    if condition:
        operation["ConditionExpression"] = condition
    return {"Put": operation}


def value_of(client, key: str) -> str | None:
    item = client.get_item(TableName="t", Key={"PK": {"S": key}}).get("Item")
    return item["d"]["S"] if item else None


def test_transactions_keep_no_table_copies(dynamodb):
    gc.collect()
    tables_before = len(Table.instances_tracked)
    values_before = sum(1 for o in gc.get_objects() if isinstance(o, DynamoType))
    for i in range(100):
        dynamodb.transact_write_items(TransactItems=[put(f"k{i}", "x" * 50), put(f"a{i}", "y")])
    gc.collect()
    assert len(Table.instances_tracked) == tables_before
    # 200 items of two attributes each, plus the key values the table's indexes keep.
    values_added = sum(1 for o in gc.get_objects() if isinstance(o, DynamoType)) - values_before
    assert values_added < 200 * 4


def test_failed_transaction_rolls_back_its_items(dynamodb):
    dynamodb.put_item(TableName="t", Item={"PK": {"S": "kept"}, "d": {"S": "original"}})
    dynamodb.put_item(TableName="t", Item={"PK": {"S": "taken"}, "d": {"S": "first"}})
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(
            TransactItems=[put("kept", "changed"), put("fresh", "new"), put("taken", "second", "attribute_not_exists(PK)")]
        )
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert value_of(dynamodb, "kept") == "original"
    assert value_of(dynamodb, "fresh") is None
    assert value_of(dynamodb, "taken") == "first"


def test_install_twice_patches_once():
    moto_transactions.install()
    first = moto_transactions.DynamoDBBackend.transact_write_items
    moto_transactions.install()
    assert moto_transactions.DynamoDBBackend.transact_write_items is first
