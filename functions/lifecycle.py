"""Status changes: one conditional write with its audit entry, then one StatusChanged event."""

from typing import Any

from functions.publish import publish
from functions.settings import get_settings
from functions.store import Store, utcnow
from schemas.application import Application
from schemas.events import PipelineEvent, StatusChanged
from schemas.reasons import Reason
from schemas.status import Status


def event_context(app: Application) -> dict[str, Any]:
    """Return the fields every event about `app` carries."""
    return {
        "application_id": app.application_id,
        "occurred_at": utcnow(),
        "sector": app.sector,
        "risk_level": app.risk_level.value if app.risk_level else None,
        "channel": app.channel.value,
    }


def change_status(
    store: Store,
    app: Application,
    status: Status,
    *,
    actor: str,
    action: str,
    reasons: list[Reason] | None = None,
    detail: dict[str, Any] | None = None,
    extra_puts: list[dict] | None = None,
    extra_events: tuple[PipelineEvent, ...] = (),
    **changes: Any,
) -> Application:
    """Move `app` to `status`, record why, and publish the change.

    `reasons`, when given, replace the record's reasons and go into the audit entry.
    """
    if reasons is not None:
        changes["reasons"] = reasons
    updated = store.transition(
        app,
        actor=actor,
        action=action,
        audit_reasons=reasons,
        detail=detail,
        extra_puts=extra_puts,
        status=status,
        **changes,
    )
    stage_seconds = (updated.updated_at - app.updated_at).total_seconds()
    event = StatusChanged(
        **event_context(updated),
        previous_status=app.status,
        status=status,
        reason_codes=[reason.code.value for reason in reasons or []],
        stage_seconds=stage_seconds,
    )
    publish(get_settings().event_bus_name, event, *extra_events)
    return updated
