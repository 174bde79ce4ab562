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
    assert [r.code for r in result.reasons] == ["MANIFEST_TOO_LARGE"]
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


def _manifest(**changes) -> bytes:
    from local.demo import load_samples

    manifest = {**load_samples()["01-toko-pakaian-rendah"]["manifest"]}
    manifest["documents"] = [
        {"slot": "ktp", "file_name": "ktp.jpg", "content_type": "image/jpeg", "size": 10, "sha256": "a" * 64}
    ]
    manifest.update(changes)
    return json.dumps(manifest).encode()


def test_bidi_override_in_business_name_rejected():
    result = check_manifest(_manifest(business_name="Toko \u202eXYZ"), load_reference())
    assert [(r.code, r.field) for r in result.reasons] == [("FIELD_INVALID", "business_name")]
    assert "U+202E" in result.reasons[0].message.en


def test_absurd_investment_rejected():
    result = check_manifest(_manifest(investment_value_idr=10**200), load_reference())
    assert [(r.code, r.field) for r in result.reasons] == [("FIELD_INVALID", "investment_value_idr")]


def test_infinite_land_area_rejected():
    raw = _manifest().replace(b'"land_area_m2": 60', b'"land_area_m2": Infinity')
    result = check_manifest(raw, load_reference())
    assert [(r.code, r.field) for r in result.reasons] == [("FIELD_INVALID", "land_area_m2")]
