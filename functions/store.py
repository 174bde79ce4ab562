"""DynamoDB access for GOSO's single table.

Item layout (PK / SK):
- APP#{id} / META: the application; GSI1 (GSI1PK=NIB#{nib}, GSI1SK=created_at) lists a
  business account's applications.
- APP#{id} / AUDIT#{time}#{n}: the append-only audit trail.
- APP#{id} / MANIFEST#r{round}: the ETag of the manifest accepted for a round.
- APP#{id} / TASK#{sector}#r{round}: a review task; open tasks also carry GSI2
  (GSI2PK=SECTOR#{code}#OPEN, GSI2SK=deadline) so each sector's backlog is one Query.
- PERMIT#{number} / META: an issued permit, for public verification.
- COUNTER#{name} / META: atomic sequence counters.

Records are stored as a JSON document in `data` beside the key and status attributes, so
the pydantic models round-trip exactly. Status changes are conditional on `version`.
"""

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from functions.aws import client, table
from schemas.application import Application
from schemas.permit import Permit
from schemas.reasons import Reason
from schemas.review import ReviewTask, TaskState
from schemas.status import Status

GSI_ACCOUNT = "GSI1"
GSI_SECTOR_BACKLOG = "GSI2"


class ConflictError(Exception):
    """A conditional write lost against a concurrent update or found an unexpected state."""


class NotFoundError(LookupError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _is_conditional_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons") or []
        return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or not reasons
    return False


class Store:
    def __init__(self, table_name: str):
        self.table_name = table_name
        self.table = table(table_name)

    # --- applications -------------------------------------------------------------------

    def create_application(self, app: Application, access_token_sha256: str, actor: str) -> None:
        item = self._application_item(app)
        item["access_token_sha256"] = access_token_sha256
        audit = self._audit_item(app.application_id, actor, "created", None, app.status, [], {})
        self._transact(
            [
                {"Put": {"TableName": self.table_name, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
                {"Put": {"TableName": self.table_name, "Item": audit}},
            ]
        )

    def get_application(self, application_id: str) -> Application:
        item = self.table.get_item(Key={"PK": f"APP#{application_id}", "SK": "META"}, ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(f"application '{application_id}' not found")
        return Application.model_validate_json(item["data"])

    def get_access_token_hash(self, application_id: str) -> str | None:
        item = self.table.get_item(
            Key={"PK": f"APP#{application_id}", "SK": "META"}, ProjectionExpression="access_token_sha256"
        ).get("Item")
        return None if item is None else item.get("access_token_sha256")

    def transition(
        self,
        current: Application,
        *,
        actor: str,
        action: str,
        audit_reasons: list[Reason] | None = None,
        detail: dict[str, Any] | None = None,
        extra_puts: list[dict] | None = None,
        **changes: Any,
    ) -> Application:
        """Write `current` with `changes` applied, plus one audit entry, in one transaction.

        The write succeeds only if no other writer changed the record since `current` was read;
        otherwise it raises ConflictError. Returns the stored record.
        """
        updated = current.model_copy(update={**changes, "version": current.version + 1, "updated_at": utcnow()})
        names = {"#s": "status", "#v": "version", "#d": "data"}
        values: dict[str, Any] = {
            ":s": updated.status.value,
            ":v": updated.version,
            ":d": updated.model_dump_json(),
            ":expected": current.version,
        }
        expression = "SET #s = :s, #v = :v, #d = :d"
        if updated.nib:
            expression += ", GSI1PK = :g1pk, GSI1SK = :g1sk"
            values[":g1pk"] = f"NIB#{updated.nib}"
            values[":g1sk"] = _iso(updated.created_at)
        audit = self._audit_item(
            current.application_id, actor, action, current.status, updated.status, audit_reasons or [], detail or {}
        )
        self._transact(
            [
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": {"PK": f"APP#{current.application_id}", "SK": "META"},
                        "UpdateExpression": expression,
                        "ConditionExpression": "#v = :expected",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                },
                {"Put": {"TableName": self.table_name, "Item": audit}},
                *[{"Put": {"TableName": self.table_name, **put}} for put in extra_puts or []],
            ]
        )
        return updated

    def applications_of(self, nib: str) -> list[Application]:
        response = self.table.query(IndexName=GSI_ACCOUNT, KeyConditionExpression=Key("GSI1PK").eq(f"NIB#{nib}"))
        return [Application.model_validate_json(item["data"]) for item in response["Items"]]

    def _application_item(self, app: Application) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": f"APP#{app.application_id}",
            "SK": "META",
            "type": "application",
            "status": app.status.value,
            "version": app.version,
            "data": app.model_dump_json(),
        }
        if app.nib:
            item["GSI1PK"] = f"NIB#{app.nib}"
            item["GSI1SK"] = _iso(app.created_at)
        return item

    # --- audit trail --------------------------------------------------------------------

    def audit(
        self,
        application_id: str,
        actor: str,
        action: str,
        *,
        reasons: list[Reason] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append an audit entry that does not change the application's status."""
        self.table.put_item(Item=self._audit_item(application_id, actor, action, None, None, reasons or [], detail or {}))

    def audit_trail(self, application_id: str) -> list[dict[str, Any]]:
        entries = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("PK").eq(f"APP#{application_id}") & Key("SK").begins_with("AUDIT#"),
        }
        while True:
            response = self.table.query(**kwargs)
            entries.extend(json.loads(item["data"]) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return entries
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _audit_item(
        self,
        application_id: str,
        actor: str,
        action: str,
        previous_status: Status | None,
        status: Status | None,
        reasons: list[Reason],
        detail: dict[str, Any],
    ) -> dict[str, Any]:
        at = utcnow()
        entry = {
            "at": _iso(at),
            "actor": actor,
            "action": action,
            "previous_status": previous_status.value if previous_status else None,
            "status": status.value if status else None,
            "reasons": [reason.model_dump(mode="json") for reason in reasons],
            "detail": detail,
        }
        # A random suffix keeps two entries written in the same microsecond apart.
        return {
            "PK": f"APP#{application_id}",
            "SK": f"AUDIT#{_iso(at)}#{secrets.token_hex(4)}",
            "type": "audit",
            "data": json.dumps(entry, default=str),
        }

    # --- manifests ----------------------------------------------------------------------

    def manifest_etag(self, application_id: str, round_number: int) -> str | None:
        item = self.table.get_item(
            Key={"PK": f"APP#{application_id}", "SK": f"MANIFEST#r{round_number}"}, ConsistentRead=True
        ).get("Item")
        return None if item is None else item["etag"]

    def manifest_receipt_put(self, application_id: str, round_number: int, etag: str, key: str) -> dict:
        """Return the conditional Put, for `transition`'s extra_puts, that claims a round's manifest once."""
        return {
            "Item": {
                "PK": f"APP#{application_id}",
                "SK": f"MANIFEST#r{round_number}",
                "type": "manifest",
                "etag": etag,
                "key": key,
                "received_at": _iso(utcnow()),
            },
            "ConditionExpression": "attribute_not_exists(PK)",
        }

    # --- correction task tokens --------------------------------------------------------

    def put_correction_token(self, application_id: str, round_number: int, task_token: str, deadline: datetime) -> None:
        self.table.put_item(
            Item={
                "PK": f"APP#{application_id}",
                "SK": f"TOKEN#correction#r{round_number}",
                "type": "task_token",
                "task_token": task_token,
                "deadline": _iso(deadline),
            }
        )

    def correction_token(self, application_id: str, round_number: int) -> str:
        item = self.table.get_item(
            Key={"PK": f"APP#{application_id}", "SK": f"TOKEN#correction#r{round_number}"}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise NotFoundError(f"no correction is awaited for round {round_number} of '{application_id}'")
        return item["task_token"]

    # --- review tasks -------------------------------------------------------------------

    def put_task(self, task: ReviewTask, task_token: str) -> None:
        item = self._task_item(task)
        item["task_token"] = task_token
        try:
            self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise
            # A retried invocation of the same task keeps the newest token, which is the live one.
            self.table.update_item(
                Key={"PK": item["PK"], "SK": item["SK"]},
                UpdateExpression="SET task_token = :t",
                ConditionExpression="#st = :open",
                ExpressionAttributeNames={"#st": "state"},
                ExpressionAttributeValues={":t": task_token, ":open": TaskState.OPEN.value},
            )

    def get_task(self, application_id: str, sector: str, round_number: int) -> tuple[ReviewTask, str]:
        item = self.table.get_item(
            Key={"PK": f"APP#{application_id}", "SK": f"TASK#{sector}#r{round_number}"}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise NotFoundError(f"review task for sector {sector}, round {round_number} of '{application_id}' not found")
        return ReviewTask.model_validate_json(item["data"]), item.get("task_token", "")

    def tasks_of(self, application_id: str) -> list[ReviewTask]:
        response = self.table.query(
            KeyConditionExpression=Key("PK").eq(f"APP#{application_id}") & Key("SK").begins_with("TASK#"),
            ConsistentRead=True,
        )
        return [ReviewTask.model_validate_json(item["data"]) for item in response["Items"]]

    def open_tasks(self, sector: str) -> list[ReviewTask]:
        tasks = []
        kwargs: dict[str, Any] = {
            "IndexName": GSI_SECTOR_BACKLOG,
            "KeyConditionExpression": Key("GSI2PK").eq(f"SECTOR#{sector}#OPEN"),
        }
        while True:
            response = self.table.query(**kwargs)
            tasks.extend(ReviewTask.model_validate_json(item["data"]) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return tasks
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def close_task(self, task: ReviewTask) -> bool:
        """Store a task that left the OPEN state; return False if it was no longer open."""
        item = self._task_item(task)
        try:
            self.table.update_item(
                Key={"PK": item["PK"], "SK": item["SK"]},
                UpdateExpression="SET #st = :state, #d = :data REMOVE GSI2PK, GSI2SK, task_token",
                ConditionExpression="#st = :open",
                ExpressionAttributeNames={"#st": "state", "#d": "data"},
                ExpressionAttributeValues={":state": task.state.value, ":data": item["data"], ":open": TaskState.OPEN.value},
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True

    def _task_item(self, task: ReviewTask) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": f"APP#{task.application_id}",
            "SK": f"TASK#{task.sector}#r{task.round}",
            "type": "review_task",
            "state": task.state.value,
            "data": task.model_dump_json(),
        }
        if task.state is TaskState.OPEN:
            item["GSI2PK"] = f"SECTOR#{task.sector}#OPEN"
            item["GSI2SK"] = _iso(task.deadline)
        return item

    # --- permits ------------------------------------------------------------------------

    def next_sequence(self, name: str) -> int:
        response = self.table.update_item(
            Key={"PK": f"COUNTER#{name}", "SK": "META"},
            UpdateExpression="ADD #n :one",
            ExpressionAttributeNames={"#n": "value"},
            ExpressionAttributeValues={":one": 1},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"])

    def permit_put(self, permit: Permit) -> dict:
        return {
            "Item": {
                "PK": f"PERMIT#{permit.permit_number}",
                "SK": "META",
                "type": "permit",
                "data": permit.model_dump_json(),
            },
            "ConditionExpression": "attribute_not_exists(PK)",
        }

    def get_permit(self, permit_number: str) -> Permit:
        item = self.table.get_item(Key={"PK": f"PERMIT#{permit_number}", "SK": "META"}).get("Item")
        if item is None:
            raise NotFoundError(f"permit '{permit_number}' not found")
        return Permit.model_validate_json(item["data"])

    # --- helpers ------------------------------------------------------------------------

    def _transact(self, items: list[dict]) -> None:
        serializer_items = [_serialize_transact_item(entry) for entry in items]
        try:
            client("dynamodb").transact_write_items(TransactItems=serializer_items)
        except ClientError as error:
            if _is_conditional_failure(error):
                raise ConflictError("the record changed since it was read, or already exists") from error
            raise


def _serialize_transact_item(entry: dict) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    (operation, body), = entry.items()
    body = dict(body)
    for field in ("Item", "Key"):
        if field in body:
            body[field] = {k: serializer.serialize(v) for k, v in body[field].items()}
    if "ExpressionAttributeValues" in body:
        body["ExpressionAttributeValues"] = {
            k: serializer.serialize(v) for k, v in body["ExpressionAttributeValues"].items()
        }
    return {operation: body}
