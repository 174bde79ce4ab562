"""Semantic checks on manifest identifiers, and reasons for manifests that fail validation.

Messages never contain the NIK, phone number or email address an applicant typed, because
they are personal data. NIB and KBLI values are business identifiers and are shown.
"""

import calendar
from datetime import datetime, timedelta, timezone

from pydantic import ValidationError

from schemas.manifest import Channel, Manifest
from schemas.reasons import Reason, ReasonCode, make_reason
from schemas.reference import Reference

# Kemendagri province codes, including the Papua provinces created in 2022 (93 to 96).
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)
# Women's NIKs carry the day of birth plus 40.
WOMAN_DAY_OFFSET = 40
# Clock difference tolerated between the device that recorded consent and the server.
CONSENT_CLOCK_SKEW = timedelta(minutes=5)
# Longest NIB or KBLI value copied into a message; longer input is cut.
MAX_ECHOED_CHARS = 40

# Fields whose format errors get their own reason code. The value is shown only for NIB and KBLI.
_IDENTIFIER_CODES: dict[str, ReasonCode] = {
    "nib": ReasonCode.NIB_INVALID,
    "owner.nik": ReasonCode.NIK_INVALID,
    "owner.npwp": ReasonCode.NPWP_INVALID,
    "owner.phone": ReasonCode.PHONE_INVALID,
    "owner.email": ReasonCode.EMAIL_INVALID,
    "kbli": ReasonCode.KBLI_UNKNOWN,
}


def valid_nik(nik: str) -> str | None:
    """Return None for a plausible NIK, else a description of what is wrong that omits the NIK.

    The NIK must have 16 digits and a known province code in digits 1-2. Digits 3-4 (regency)
    and 13-16 (serial number) cannot be all zeros. Digits 7-12 are the birth date as DDMMYY,
    with the day plus 40 for women, and that date must exist in the 1900s or the 2000s.
    """
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return "it must be exactly 16 digits"
    if int(nik[0:2]) not in PROVINCE_CODES:
        return "digits 1-2 are not an Indonesian province code"
    if nik[2:4] == "00":
        return "digits 3-4 (regency or city code) cannot be 00"

    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > WOMAN_DAY_OFFSET:
        day -= WOMAN_DAY_OFFSET
    if not 1 <= day <= 31:
        return "digits 7-8 must be the day of birth, 01-31 (41-71 for women)"
    if not 1 <= month <= 12:
        return "digits 9-10 must be the month of birth, 01-12"
    # A two-digit year may be 19YY or 20YY; 29 February exists in a leap year of either century.
    if not any(day <= calendar.monthrange(century + year, month)[1] for century in (1900, 2000)):
        return "digits 7-12 are not a date that exists"
    if nik[12:16] == "0000":
        return "digits 13-16 (serial number) cannot be 0000"
    return None


def check_manifest(manifest: Manifest, ref: Reference, now: datetime | None = None) -> list[Reason]:
    """Check what the manifest's field patterns cannot: NIK date, KBLI, region, assisted details."""
    reasons: list[Reason] = []

    nik_problem = valid_nik(manifest.owner.nik)
    if nik_problem is not None:
        reasons.append(make_reason(ReasonCode.NIK_INVALID, field="owner.nik", detail=nik_problem))

    if ref.rule_for(manifest.kbli) is None:
        reasons.append(
            make_reason(ReasonCode.KBLI_UNKNOWN, field="kbli", value=manifest.kbli, hint=ref.kbli_hint(manifest.kbli))
        )

    reasons.extend(_check_location(manifest, ref))
    reasons.extend(_check_channel(manifest, now or datetime.now(timezone.utc)))
    return reasons


def _check_location(manifest: Manifest, ref: Reference) -> list[Reason]:
    region_code = manifest.location.region_code
    region = ref.regions.get(region_code)
    if region is None:
        return [
            make_reason(
                ReasonCode.REGION_OUTSIDE_PROVINCE,
                field="location.region_code",
                value=region_code,
                allowed=ref.region_choices(),
            )
        ]

    district_code = manifest.location.district_code
    if district_code is None:
        return []
    district = ref.districts.get(district_code)
    if district is None:
        detail = f"{district_code} is not a district code of {ref.province.name} province"
    elif not district_code.startswith(region_code + "."):
        detail = f"district {district.code} {district.name} is not in {region.code} {region.name}"
    else:
        return []
    return [make_reason(ReasonCode.FIELD_INVALID, field="location.district_code", detail=detail)]


def _check_channel(manifest: Manifest, now: datetime) -> list[Reason]:
    reasons = []
    if manifest.channel is Channel.ASSISTED:
        if not manifest.officer_id:
            reasons.append(make_reason(ReasonCode.ASSISTED_DETAILS_MISSING, field="officer_id"))
        if manifest.consent_at is None:
            reasons.append(make_reason(ReasonCode.ASSISTED_DETAILS_MISSING, field="consent_at"))

    consent_at = manifest.consent_at
    if consent_at is None:
        return reasons
    if consent_at.tzinfo is None or consent_at.utcoffset() is None:
        detail = "the time needs a UTC offset, e.g. 2026-03-02T09:30:00+08:00"
        reasons.append(make_reason(ReasonCode.FIELD_INVALID, field="consent_at", detail=detail))
    elif consent_at > now + CONSENT_CLOCK_SKEW:
        reasons.append(make_reason(ReasonCode.FIELD_INVALID, field="consent_at", detail="the time is in the future"))
    return reasons


def reasons_from_validation_error(err: ValidationError) -> list[Reason]:
    """Turn each pydantic error of a manifest into a reason naming the field (dotted path)."""
    reasons = []
    for error in err.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or None
        reasons.append(_reason_for_error(field, error))
    return reasons


def _reason_for_error(field: str | None, error: dict) -> Reason:
    if error["type"] == "missing":
        return make_reason(ReasonCode.FIELD_MISSING, field=field)

    if error["type"] == "string_type":
        # A number where text belongs (e.g. a KBLI code typed without quotes, which also
        # drops leading zeros): name the type problem, not the identifier's format.
        return make_reason(ReasonCode.FIELD_INVALID, field=field, detail="write the value as text in quotes")

    code = _IDENTIFIER_CODES.get(field or "")
    if code is ReasonCode.NIB_INVALID:
        return make_reason(code, field=field, value=_echo(error.get("input")))
    if code is ReasonCode.KBLI_UNKNOWN:
        hint = "a KBLI 2020 code has exactly five digits, written as text; KBLI 2020: https://oss.go.id"
        return make_reason(code, field=field, value=_echo(error.get("input")), hint=hint)
    if code is ReasonCode.NIK_INVALID:
        return make_reason(code, field=field, detail="it must be exactly 16 digits")
    if code is not None:
        return make_reason(code, field=field)

    detail = error["msg"].removeprefix("Value error, ")
    return make_reason(ReasonCode.FIELD_INVALID, field=field, detail=detail)


def _echo(value: object) -> str:
    text = str(value)
    if len(text) > MAX_ECHOED_CHARS:
        return text[:MAX_ECHOED_CHARS] + "..."
    return text
