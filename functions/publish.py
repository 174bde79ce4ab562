"""Send pipeline events to the EventBridge bus."""

from aws_lambda_powertools import Logger

from functions.aws import client
from schemas.events import EVENT_SOURCE, PipelineEvent

logger = Logger(child=True)


class PublishError(RuntimeError):
    pass


def publish(bus_name: str, *events: PipelineEvent) -> None:
    """Put `events` on the bus; raise PublishError if EventBridge rejects any of them."""
    if not events:
        return
    entries = [
        {
            "Source": EVENT_SOURCE,
            "DetailType": event.event_type.value,
            "Detail": event.model_dump_json(),
            "EventBusName": bus_name,
        }
        for event in events
    ]
    # PutEvents takes at most 10 entries per call.
    for start in range(0, len(entries), 10):
        response = client("events").put_events(Entries=entries[start : start + 10])
        if response.get("FailedEntryCount"):
            failures = [e.get("ErrorCode") for e in response["Entries"] if e.get("ErrorCode")]
            logger.error("EventBridge rejected events", extra={"error_codes": failures})
            raise PublishError(f"EventBridge rejected {len(failures)} event(s): {failures}")
