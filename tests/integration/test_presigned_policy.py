"""The pre-signed POST policies of POST /applications pin key, size range, content type and expiry."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

pytestmark = pytest.mark.integration

MAX_LIFETIME = timedelta(minutes=15)
MANIFEST_MAX_BYTES = 256 * 1024


@pytest.fixture(scope="module")
def api_url(stack) -> str:
    return stack.api_url


def decode_policy(fields: dict) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def exact_conditions(policy: dict) -> dict:
    """Collect {"name": value} and ["eq", "$name", value] conditions under lower-cased names."""
    found = {}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            for name, value in condition.items():
                found[name.lower()] = value
        elif condition[0] == "eq":
            found[condition[1].lstrip("$").lower()] = condition[2]
    return found


def length_ranges(policy: dict) -> list[list]:
    return [
        condition
        for condition in policy["conditions"]
        if isinstance(condition, list) and condition[0] == "content-length-range"
    ]


def slot_limits(api_url: str) -> dict[str, int]:
    slots = requests.get(f"{api_url}/reference", timeout=10).json()["slots"]
    return {slot["slot"]: slot["max_bytes"] for slot in slots}


def create(api_url: str, documents: list[dict]) -> requests.Response:
    return requests.post(f"{api_url}/applications", json={"documents": documents}, timeout=10)


def test_document_policy_pins_key_size_type_expiry(api_url):
    limits = slot_limits(api_url)
    requested_at = datetime.now(UTC)
    response = create(
        api_url,
        [
            {"slot": "ktp", "content_type": "image/jpeg", "size": 120_000, "file_name": "ktp.jpg"},
            {
                "slot": "pernyataan_mandiri",
                "content_type": "application/pdf",
                "size": 80_000,
                "file_name": "pernyataan.pdf",
            },
        ],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    application_id = body["application_id"]

    for slot, content_type in (("ktp", "image/jpeg"), ("pernyataan_mandiri", "application/pdf")):
        upload = body["documents"][slot]
        key = f"incoming/{application_id}/r1/{slot}"
        assert upload["key"] == key
        assert upload["fields"]["key"] == key
        assert upload["fields"]["Content-Type"] == content_type

        policy = decode_policy(upload["fields"])
        conditions = exact_conditions(policy)
        assert conditions["key"] == key
        assert conditions["content-type"] == content_type
        assert conditions["bucket"] == "goso-uploads"
        assert length_ranges(policy) == [["content-length-range", 1, limits[slot]]]
        assert not [c for c in policy["conditions"] if isinstance(c, list) and c[0] == "starts-with"]

        expiration = datetime.fromisoformat(policy["expiration"])
        assert expiration > requested_at
        assert expiration <= datetime.now(UTC) + MAX_LIFETIME


def test_manifest_policy_pins_key_and_json(api_url):
    response = create(
        api_url, [{"slot": "ktp", "content_type": "application/pdf", "size": 1000, "file_name": "ktp.pdf"}]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    key = f"incoming/{body['application_id']}/r1/application.json"
    manifest = body["manifest"]
    assert manifest["key"] == key

    policy = decode_policy(manifest["fields"])
    conditions = exact_conditions(policy)
    assert conditions["key"] == key
    assert conditions["content-type"] == "application/json"
    assert length_ranges(policy) == [["content-length-range", 2, MANIFEST_MAX_BYTES]]
    expiration = datetime.fromisoformat(policy["expiration"])
    assert expiration <= datetime.now(UTC) + MAX_LIFETIME
    assert datetime.fromisoformat(body["expires_at"]) <= datetime.now(UTC) + MAX_LIFETIME


def test_oversize_declaration_gets_no_upload_url(api_url):
    limit = slot_limits(api_url)["ktp"]
    response = create(
        api_url, [{"slot": "ktp", "content_type": "application/pdf", "size": limit + 1, "file_name": "ktp.pdf"}]
    )
    assert response.status_code == 400
    reasons = response.json()["reasons"]
    assert [reason["code"] for reason in reasons] == ["DOCUMENT_TOO_LARGE"]
    assert reasons[0]["document"] == "ktp"


def test_unaccepted_type_gets_no_upload_url(api_url):
    response = create(
        api_url,
        [{"slot": "pernyataan_mandiri", "content_type": "image/png", "size": 1000, "file_name": "pernyataan.png"}],
    )
    assert response.status_code == 400
    reasons = response.json()["reasons"]
    assert [reason["code"] for reason in reasons] == ["DOCUMENT_UNSUPPORTED_TYPE"]
    assert reasons[0]["document"] == "pernyataan_mandiri"
