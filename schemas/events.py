"""Pipeline events sent to the EventBridge bus; the monitor turns them into metrics.

Every event carries the application id, the sector, risk level and channel (where known),
and never personal data.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from schemas.status import Status

EVENT_SOURCE = "goso.pipeline"


class EventType(StrEnum):
    APPLICATION_CREATED = "ApplicationCreated"
    APPLICATION_RECEIVED = "ApplicationReceived"
    MANIFEST_REJECTED = "ManifestRejected"
    STATUS_CHANGED = "StatusChanged"
    CORRECTION_REQUESTED = "CorrectionRequested"
    REVIEW_TASK_CREATED = "ReviewTaskCreated"
    REVIEW_DECIDED = "ReviewDecided"
    DEEMED_APPROVAL = "DeemedApproval"
    DEADLINE_MISSED = "DeadlineMissed"
    PERMIT_ISSUED = "PermitIssued"


class PipelineEvent(BaseModel):
    # A handler sends only a few of the event types, so each type builds its validator when
    # first used rather than at import (pydantic's defer_build).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    event_type: ClassVar[EventType]

    application_id: str
    occurred_at: datetime
    sector: str | None = None
    risk_level: str | None = None
    channel: str | None = None


class ApplicationCreated(PipelineEvent):
    event_type = EventType.APPLICATION_CREATED


class ApplicationReceived(PipelineEvent):
    event_type = EventType.APPLICATION_RECEIVED
    round: int


class ManifestRejected(PipelineEvent):
    event_type = EventType.MANIFEST_REJECTED
    round: int
    reason_codes: list[str]


class StatusChanged(PipelineEvent):
    # Built at import, because most invocations of the pipeline's handlers change a status.
    model_config = ConfigDict(defer_build=False)

    event_type = EventType.STATUS_CHANGED
    previous_status: Status | None
    status: Status
    reason_codes: list[str] = []
    # Seconds spent in the previous status, for stage durations.
    stage_seconds: float | None = None


class CorrectionRequested(PipelineEvent):
    event_type = EventType.CORRECTION_REQUESTED
    round: int
    requested_by: str
    reason_codes: list[str]
    deadline: datetime


class ReviewTaskCreated(PipelineEvent):
    event_type = EventType.REVIEW_TASK_CREATED
    task_id: str
    deadline: datetime


class ReviewDecided(PipelineEvent):
    event_type = EventType.REVIEW_DECIDED
    task_id: str
    decision: str
    operator_id: str
    within_deadline: bool
    decision_seconds: float


class DeemedApproval(PipelineEvent):
    event_type = EventType.DEEMED_APPROVAL
    task_id: str
    deadline: datetime


class DeadlineMissed(PipelineEvent):
    event_type = EventType.DEADLINE_MISSED
    step: str
    deadline: datetime


class PermitIssued(PipelineEvent):
    event_type = EventType.PERMIT_ISSUED
    permit_number: str
    deemed_approval: bool
    time_to_permit_seconds: float


EVENT_CLASSES: dict[EventType, type[PipelineEvent]] = {
    cls.event_type: cls
    for cls in (
        ApplicationCreated,
        ApplicationReceived,
        ManifestRejected,
        StatusChanged,
        CorrectionRequested,
        ReviewTaskCreated,
        ReviewDecided,
        DeemedApproval,
        DeadlineMissed,
        PermitIssued,
    )
}


def parse_event(detail_type: str, detail: dict) -> PipelineEvent:
    """Rebuild the typed event from an EventBridge detail-type and detail."""
    return EVENT_CLASSES[EventType(detail_type)].model_validate(detail)
