"""Manifest parsing at intake, without AWS."""

import json

import pytest

from functions.manifests import check_manifest, parse_manifest_key
from schemas.reference import load_reference


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'{"nib": ', "line 1"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[1, 2]", "found list"),
    ],
    ids=["truncated", "not-utf8", "deep-nesting", "not-an-object"],
)
def test_unparseable_manifest_reason(raw, detail):
    result = check_manifest(raw, load_reference())
    assert result.manifest is None
    assert [r.code for r in result.reasons] == ["MANIFEST_UNPARSEABLE"]
    assert detail in result.reasons[0].message.en


def test_oversize_manifest_refused_before_parsing():
    raw = json.dumps({"padding": "x" * 300_000}).encode()
    result = check_manifest(raw, load_reference())
    assert [r.code for r in result.reasons] == ["MANIFEST_UNPARSEABLE"]
    assert "262144" in result.reasons[0].message.en


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("incoming/3f2a9c1e-1111-4222-8333-444455556666/r1/application.json", ("3f2a9c1e-1111-4222-8333-444455556666", 1)),
        ("incoming/3f2a9c1e-1111-4222-8333-444455556666/r2/application.json", ("3f2a9c1e-1111-4222-8333-444455556666", 2)),
        ("incoming/3f2a9c1e-1111-4222-8333-444455556666/r1/ktp", None),
        ("incoming/../r1/application.json", None),
        ("accounts/9120001000011/permits/x.pdf", None),
    ],
)
def test_manifest_key_parsing(key, expected):
    assert parse_manifest_key(key) == expected
