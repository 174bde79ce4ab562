"""Review tasks for sector technical teams and the decisions operators make on them."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CORRECTION = "correction"


class TaskState(StrEnum):
    OPEN = "OPEN"
    DECIDED = "DECIDED"
    DEEMED_APPROVED = "DEEMED_APPROVED"
    CLOSED = "CLOSED"


class ReviewTask(BaseModel):
    # Built on first use (defer_build), because most invocations of the handlers that
    # import the store never read a task.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    task_id: str
    application_id: str
    sector: str
    round: int
    state: TaskState
    created_at: datetime
    deadline: datetime
    decision: Decision | None = None
    operator_id: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None


class ReviewDecision(BaseModel):
    """Body of the operator API's decide route."""

    # Built on first use (defer_build), because only the API's decision route validates it.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    decision: Decision
    reason: Annotated[str, Field(min_length=3, max_length=2000, description="Recorded in the audit trail")]
    operator_id: Annotated[str, Field(min_length=1, max_length=64)]


def make_task_id(application_id: str, sector: str, round_number: int) -> str:
    return f"{application_id}.{sector}.r{round_number}"


def parse_task_id(task_id: str) -> tuple[str, str, int]:
    """Split a task id into application id, sector code and round; raise ValueError if malformed."""
    parts = task_id.split(".")
    if len(parts) != 3 or not parts[2].startswith("r") or not parts[2][1:].isdigit():
        raise ValueError(f"task id '{task_id}' is not of the form APPLICATION_ID.SECTOR.rROUND")
    return parts[0], parts[1], int(parts[2][1:])
