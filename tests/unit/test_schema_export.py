"""JSON Schema export of the models."""

import json

from schemas.export import MODELS, export, json_schemas


def test_manifest_schema_carries_identifier_patterns():
    schema = json_schemas()["manifest"]
    assert schema["properties"]["nib"]["pattern"] == "^[0-9]{13}$"
    assert schema["properties"]["kbli"]["pattern"] == "^[0-9]{5}$"
    owner = schema["$defs"]["Owner"]["properties"]
    assert owner["nik"]["pattern"] == "^[0-9]{16}$"
    assert set(schema["required"]) >= {"nib", "kbli", "owner", "location", "documents"}


def test_export_writes_one_file_per_model(tmp_path):
    written = export(tmp_path)
    assert len(written) == len(MODELS)
    event = json.loads((tmp_path / "event-PermitIssued.schema.json").read_text())
    assert "permit_number" in event["properties"]
