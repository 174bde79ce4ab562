"""Handler settings read from environment variables."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from functions.settings import settings_from_environment


def test_settings_defaults_without_environment():
    settings = settings_from_environment({})
    assert settings.table_name == "goso"
    assert settings.event_bus_name == "goso-events"
    assert settings.deadlines_file is None
    assert settings.upload_url_expiry_seconds == 900
    assert settings.form_origin == "*"


def test_settings_names_match_any_case():
    settings = settings_from_environment({"TABLE_NAME": "table-a", "event_bus_name": "bus-b", "Form_Origin": "https://form"})
    assert settings.table_name == "table-a"
    assert settings.event_bus_name == "bus-b"
    assert settings.form_origin == "https://form"


def test_settings_aliased_field_reads_alias_only():
    settings = settings_from_environment({"GOSO_DEADLINES_FILE": "/data/deadlines.json", "KBLI_LIST": "/data/kbli.json"})
    assert settings.deadlines_file == Path("/data/deadlines.json")
    # An aliased field is read from its alias, never from its own name.
    assert settings.kbli_list is None


def test_settings_converts_numbers():
    settings = settings_from_environment({"UPLOAD_URL_EXPIRY_SECONDS": "120"})
    assert settings.upload_url_expiry_seconds == 120


@pytest.mark.parametrize("value", ["30", "901", "soon"])
def test_settings_rejects_invalid_expiry(value):
    with pytest.raises(ValidationError) as caught:
        settings_from_environment({"UPLOAD_URL_EXPIRY_SECONDS": value})
    assert caught.value.errors()[0]["loc"] == ("upload_url_expiry_seconds",)


def test_settings_ignores_unrelated_variables():
    settings = settings_from_environment({"PATH": "/usr/bin", "HOME": "/root"})
    assert settings.table_name == "goso"
