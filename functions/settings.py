"""Handler settings, read from the environment that the topology declaration gives each function.

The settings are a plain pydantic model filled from `os.environ`, not a pydantic-settings
`BaseSettings`. Importing pydantic-settings 2.16 added about 40 ms to every cold start
(`python -X importtime`, Python 3.11, 2-CPU development machine), and the handlers need
only its environment source.
"""

import os
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Environment of a GOSO function. Each function reads only the settings it uses.

    A field is read from the environment variable of its alias, or else of its name. Names
    match case-insensitively, so `TABLE_NAME` sets `table_name`.
    """

    # Built on first use (defer_build), because a process validates its settings once.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    table_name: str = "goso"
    event_bus_name: str = "goso-events"
    upload_bucket: str = "goso-uploads"
    permit_bucket: str = "goso-permits"
    state_machine_arn: str = ""
    signing_key_id: str = ""
    verify_base_url: str = "http://127.0.0.1:8080"
    # Deadline durations; the production file counts working days, the demo file seconds.
    deadlines_file: Path | None = Field(default=None, alias="GOSO_DEADLINES_FILE")
    # Optional full official KBLI 2020 list; codes outside the rule table then go to review.
    kbli_list: Path | None = Field(default=None, alias="GOSO_KBLI_LIST")
    operators_file: Path | None = Field(default=None, alias="GOSO_OPERATORS_FILE")
    # Pre-signed POSTs live at most 15 minutes.
    upload_url_expiry_seconds: int = Field(default=900, ge=60, le=900)
    # Cross-origin form hosting: the origin allowed to call the API from a browser.
    form_origin: str = "*"


def settings_from_environment(environment: dict[str, str]) -> Settings:
    """Build the settings from `environment`; raise pydantic.ValidationError for an invalid value."""
    by_lower_name = {name.lower(): value for name, value in environment.items()}
    values = {}
    for name, field in Settings.model_fields.items():
        variable = field.alias or name
        if variable.lower() in by_lower_name:
            values[variable] = by_lower_name[variable.lower()]
    return Settings.model_validate(values)


@cache
def get_settings() -> Settings:
    return settings_from_environment(dict(os.environ))
