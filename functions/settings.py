"""Handler settings, read from the environment that the topology declaration gives each function."""

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Environment of a GOSO function. Each function reads only the settings it uses."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

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


@cache
def get_settings() -> Settings:
    return Settings()
