import copy
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from functions.domain.identifiers import check_manifest, reasons_from_validation_error, valid_nik
from schemas.manifest import Manifest
from schemas.reasons import ReasonCode
from schemas.reference import load_reference

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
# 75 Gorontalo, 71 Kota Gorontalo, 01 district, born 12 May 1990, serial 0001.
NIK_MAN = "7571011205900001"
NIK_WOMAN = "7571015205900002"

VALID = {
    "nib": "1234567890123",
    "business_name": "UD Jagung Manis",
    "legal_form": "perorangan",
    "kbli": "01111",
    "investment_value_idr": 250_000_000,
    "land_area_m2": 5000,
    "owner": {
        "name": "Siti Rahmawati",
        "nik": NIK_WOMAN,
        "npwp": "",
        "phone": "081234567890",
        "email": "siti@example.com",
    },
    "location": {"region_code": "75.01", "district_code": "75.01.01", "address": "Jl. Ahmad Yani No. 1, Limboto"},
    "channel": "online",
    "documents": [
        {"slot": "ktp", "file_name": "ktp.pdf", "content_type": "application/pdf", "size": 1000, "sha256": "a" * 64}
    ],
}


def manifest_dict(**changes) -> dict:
    data = copy.deepcopy(VALID)
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return data


def reasons_for(data: dict):
    with pytest.raises(ValidationError) as caught:
        Manifest.model_validate(data)
    return reasons_from_validation_error(caught.value)


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        (NIK_MAN, None),
        (NIK_WOMAN, None),
        ("7571012902000001", None),  # 29 February 2000
        ("7571016902000001", None),  # woman born 29 February 2000
        ("7571013205900001", "digits 7-8 must be the day of birth, 01-31 (41-71 for women)"),
        ("7571017205900001", "digits 7-8 must be the day of birth, 01-31 (41-71 for women)"),
        ("7571010005900001", "digits 7-8 must be the day of birth, 01-31 (41-71 for women)"),
        ("7571011213900001", "digits 9-10 must be the month of birth, 01-12"),
        ("7571013002900001", "digits 7-12 are not a date that exists"),
        ("7571012902010001", "digits 7-12 are not a date that exists"),
        ("7571013104900001", "digits 7-12 are not a date that exists"),
        ("757101120590001", "it must be exactly 16 digits"),
        ("75710112059000011", "it must be exactly 16 digits"),
        ("75710112059000a1", "it must be exactly 16 digits"),
        ("1071011205900001", "digits 1-2 are not an Indonesian province code"),
        ("9771011205900001", "digits 1-2 are not an Indonesian province code"),
        ("7500011205900001", "digits 3-4 (regency or city code) cannot be 00"),
        ("7571011205900000", "digits 13-16 (serial number) cannot be 0000"),
    ],
)
def test_valid_nik(nik, expected):
    assert valid_nik(nik) == expected


def test_check_manifest_accepts_valid():
    manifest = Manifest.model_validate(VALID)
    assert check_manifest(manifest, load_reference(), now=NOW) == []


def test_check_manifest_nik_date():
    manifest = Manifest.model_validate(manifest_dict(owner__nik="7571013002900001"))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.NIK_INVALID, "owner.nik")]
    assert reasons[0].message.en == (
        "NIK is invalid: digits 7-12 are not a date that exists. "
        "An NIK has 16 digits, as printed on the identity card (KTP)."
    )
    assert "7571013002900001" not in reasons[0].message.id


def test_check_manifest_unknown_kbli():
    manifest = Manifest.model_validate(manifest_dict(kbli="01119"))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.KBLI_UNKNOWN, "kbli")]
    assert reasons[0].message.en == (
        "KBLI code '01119' is unknown. Use a five-digit KBLI 2020 code such as 01111; "
        "01111 Pertanian Jagung, 01121 Pertanian Padi Hibrida, 01262 Perkebunan Buah Kelapa Sawit; "
        "KBLI 2020: https://oss.go.id"
    )


def test_check_manifest_kbli_from_full_list(test_data):
    ref = load_reference(test_data / "kbli2020" / "kbli_kelompok.json")
    manifest = Manifest.model_validate(manifest_dict(kbli="10792"))
    assert check_manifest(manifest, ref, now=NOW) == []


def test_check_manifest_region_outside_province():
    manifest = Manifest.model_validate(manifest_dict(location__region_code="73.71", location__district_code=None))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.REGION_OUTSIDE_PROVINCE, "location.region_code")]
    assert reasons[0].message.en == (
        "Region code '73.71' is not a regency or city of Gorontalo province. Choose one of: "
        "75.01 Kabupaten Gorontalo, 75.02 Kabupaten Boalemo, 75.03 Kabupaten Bone Bolango, "
        "75.04 Kabupaten Pohuwato, 75.05 Kabupaten Gorontalo Utara, 75.71 Kota Gorontalo."
    )


def test_check_manifest_district_of_other_region():
    manifest = Manifest.model_validate(manifest_dict(location__district_code="75.02.01"))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "location.district_code")]
    assert reasons[0].message.en == (
        "Field 'location.district_code' is invalid: district 75.02.01 Paguyaman is not in "
        "75.01 Kabupaten Gorontalo. Correct the value and submit again."
    )


def test_check_manifest_district_unknown():
    manifest = Manifest.model_validate(manifest_dict(location__district_code="75.01.99"))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "location.district_code")]
    assert "75.01.99 is not a district code of Gorontalo province" in reasons[0].message.en


def test_check_manifest_assisted_details_missing():
    manifest = Manifest.model_validate(manifest_dict(channel="assisted"))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [
        (ReasonCode.ASSISTED_DETAILS_MISSING, "officer_id"),
        (ReasonCode.ASSISTED_DETAILS_MISSING, "consent_at"),
    ]


def test_check_manifest_assisted_complete():
    data = manifest_dict(channel="assisted", officer_id="petugas-07", consent_at="2026-03-02T09:00:00+08:00")
    manifest = Manifest.model_validate(data)
    assert check_manifest(manifest, load_reference(), now=NOW) == []


def test_check_manifest_consent_in_future():
    future = (NOW + timedelta(minutes=6)).isoformat()
    manifest = Manifest.model_validate(manifest_dict(channel="assisted", officer_id="petugas-07", consent_at=future))
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "consent_at")]
    assert "the time is in the future" in reasons[0].message.en


def test_check_manifest_consent_within_clock_skew():
    near = (NOW + timedelta(minutes=4)).isoformat()
    manifest = Manifest.model_validate(manifest_dict(channel="assisted", officer_id="petugas-07", consent_at=near))
    assert check_manifest(manifest, load_reference(), now=NOW) == []


def test_check_manifest_consent_without_offset():
    manifest = Manifest.model_validate(
        manifest_dict(channel="assisted", officer_id="petugas-07", consent_at="2026-03-02T09:00:00")
    )
    reasons = check_manifest(manifest, load_reference(), now=NOW)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "consent_at")]
    assert "needs a UTC offset" in reasons[0].message.en


def test_check_manifest_collects_all_problems():
    data = manifest_dict(owner__nik="7571011213900001", kbli="04000", location__region_code="71.01", channel="assisted")
    reasons = check_manifest(Manifest.model_validate(data), load_reference(), now=NOW)
    assert [r.code for r in reasons] == [
        ReasonCode.NIK_INVALID,
        ReasonCode.KBLI_UNKNOWN,
        ReasonCode.REGION_OUTSIDE_PROVINCE,
        ReasonCode.ASSISTED_DETAILS_MISSING,
        ReasonCode.ASSISTED_DETAILS_MISSING,
    ]


def test_validation_missing_field():
    reasons = reasons_for(manifest_dict(owner__email=None))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_MISSING, "owner.email")]
    assert reasons[0].message.en == "Field 'owner.email' is required. Fill it in and submit again."


def test_validation_missing_nib_is_missing():
    reasons = reasons_for(manifest_dict(nib=None))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_MISSING, "nib")]


def test_validation_nib_invalid_shows_value():
    reasons = reasons_for(manifest_dict(nib="12345"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.NIB_INVALID, "nib")]
    assert reasons[0].message.en.startswith("NIB '12345' is invalid")


def test_validation_nik_invalid_hides_value():
    reasons = reasons_for(manifest_dict(owner__nik="75710112059"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.NIK_INVALID, "owner.nik")]
    assert "75710112059" not in reasons[0].message.en
    assert "75710112059" not in reasons[0].message.id
    assert reasons[0].message.en.startswith("NIK is invalid: it must be exactly 16 digits.")


def test_validation_npwp_invalid():
    reasons = reasons_for(manifest_dict(owner__npwp="12345"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.NPWP_INVALID, "owner.npwp")]


def test_validation_phone_invalid_hides_value():
    reasons = reasons_for(manifest_dict(owner__phone="021555"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.PHONE_INVALID, "owner.phone")]
    assert "021555" not in reasons[0].message.en
    assert "021555" not in reasons[0].message.id


def test_validation_email_invalid_hides_value():
    reasons = reasons_for(manifest_dict(owner__email="siti-at-example"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.EMAIL_INVALID, "owner.email")]
    assert "siti-at-example" not in reasons[0].message.en
    assert "siti-at-example" not in reasons[0].message.id


def test_validation_kbli_pattern():
    reasons = reasons_for(manifest_dict(kbli="1111"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.KBLI_UNKNOWN, "kbli")]
    assert reasons[0].message.en.startswith("KBLI code '1111' is unknown.")


def test_validation_kbli_number():
    reasons = reasons_for(manifest_dict(kbli=1111))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "kbli")]
    assert "as text" in reasons[0].message.en


def test_validation_other_field_invalid():
    reasons = reasons_for(manifest_dict(legal_form="ud"))
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "legal_form")]
    assert "Input should be 'perorangan'" in reasons[0].message.en


def test_validation_document_field_path():
    data = manifest_dict()
    data["documents"][0]["sha256"] = "xyz"
    reasons = reasons_for(data)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, "documents.0.sha256")]


def test_validation_repeated_slot():
    data = manifest_dict()
    data["documents"].append(dict(data["documents"][0]))
    reasons = reasons_for(data)
    assert [(r.code, r.field) for r in reasons] == [(ReasonCode.FIELD_INVALID, None)]
    assert reasons[0].message.en == (
        "Field '-' is invalid: each document slot may appear once; repeated: ktp. Correct the value and submit again."
    )


def test_validation_several_errors():
    reasons = reasons_for(manifest_dict(nib="1", owner__phone="12", location__address=None))
    assert [(r.code, r.field) for r in reasons] == [
        (ReasonCode.NIB_INVALID, "nib"),
        (ReasonCode.PHONE_INVALID, "owner.phone"),
        (ReasonCode.FIELD_MISSING, "location.address"),
    ]


def test_numeric_identifier_reported_as_type_problem():
    from pydantic import ValidationError

    from functions.domain.identifiers import reasons_from_validation_error
    from schemas.manifest import Manifest

    try:
        Manifest.model_validate({"nib": 9120001000011})
    except ValidationError as error:
        reasons = reasons_from_validation_error(error)
    nib = [r for r in reasons if r.field == "nib"]
    assert len(nib) == 1
    assert nib[0].code == "FIELD_INVALID"
    assert "text" in nib[0].message.en
