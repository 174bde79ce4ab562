"""Objects each handler builds once per execution environment: store, reference data, deadlines."""

from datetime import datetime
from functools import cache

from functions.domain.deadlines import compute_deadline, load_holidays, seconds_until
from functions.settings import get_settings
from functions.store import Store, utcnow
from schemas.reference import DeadlineConfig, Reference, load_deadlines, load_reference


@cache
def store() -> Store:
    return Store(get_settings().table_name)


@cache
def reference() -> Reference:
    return load_reference(get_settings().kbli_list)


@cache
def deadlines() -> DeadlineConfig:
    return load_deadlines(get_settings().deadlines_file)


def deadline_for(step: str, sector: str | None, start: datetime | None = None) -> tuple[datetime, int]:
    """Return the deadline of `step` for `sector` counted from `start` (default now), and the seconds left."""
    config = deadlines()
    now = start or utcnow()
    deadline = compute_deadline(now, config.duration(step, sector), config.unit, load_holidays())
    return deadline, seconds_until(deadline, now)
