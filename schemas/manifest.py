"""The submission manifest (`application.json`): form fields plus the list of uploaded documents."""

import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.status import Channel

ACCEPTED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")

# Indonesian mobile and fixed numbers: 08... or +628... / 628..., 9 to 13 digits after the 0.
PHONE_PATTERN = r"^(\+62|62|0)8[0-9]{7,12}$"
NIB_PATTERN = r"^[0-9]{13}$"
NIK_PATTERN = r"^[0-9]{16}$"
NPWP_PATTERN = r"^[0-9]{15,16}$"
KBLI_PATTERN = r"^[0-9]{5}$"
REGION_PATTERN = r"^[0-9]{2}\.[0-9]{2}$"
DISTRICT_PATTERN = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
SLOT_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class LegalForm(StrEnum):
    PERORANGAN = "perorangan"
    CV = "cv"
    PT = "pt"
    PT_PERORANGAN = "pt_perorangan"
    KOPERASI = "koperasi"
    FIRMA = "firma"
    YAYASAN = "yayasan"


def _digits_only(value: object) -> object:
    """Drop spaces, dots and dashes that people type inside long numbers."""
    if isinstance(value, str):
        return re.sub(r"[\s.\-]", "", value)
    return value


def _printable_text(value: object) -> object:
    """Reject control and format characters (NUL, bidi overrides) that would be printed on a permit."""
    if isinstance(value, str):
        invisible = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t"]
        bad = sorted({f"U+{ord(ch):04X}" for ch in invisible})
        if bad:
            raise ValueError(f"contains invisible control characters ({', '.join(bad)}); type the text again")
    return value


def normalize_phone(value: str) -> str:
    """Return an Indonesian phone number in E.164 (+62...)."""
    digits = re.sub(r"[\s\-()]", "", value)
    if digits.startswith("+62"):
        return digits
    if digits.startswith("62"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    return digits


class Owner(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=2, max_length=200, description="Owner's full name as on the KTP")]
    nik: Annotated[str, Field(pattern=NIK_PATTERN, description="16-digit national identity number (KTP)")]
    npwp: Annotated[str | None, Field(default=None, pattern=NPWP_PATTERN, description="Tax number, 15 or 16 digits")]
    phone: Annotated[str, Field(pattern=PHONE_PATTERN, description="08... or +628...; stored as E.164")]
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]

    _clean_numbers = field_validator("nik", "npwp", mode="before")(_digits_only)
    _printable = field_validator("name", mode="after")(_printable_text)

    @field_validator("phone", mode="before")
    @classmethod
    def _clean_phone(cls, value: object) -> object:
        return re.sub(r"[\s\-()]", "", value) if isinstance(value, str) else value

    @field_validator("phone", mode="after")
    @classmethod
    def _to_e164(cls, value: str) -> str:
        return normalize_phone(value)

    @field_validator("npwp", mode="before")
    @classmethod
    def _empty_npwp_is_none(cls, value: object) -> object:
        return None if value == "" else value


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    region_code: Annotated[
        str, Field(pattern=REGION_PATTERN, description="Kemendagri regency/city code, e.g. 75.01")
    ]
    district_code: Annotated[
        str | None, Field(default=None, pattern=DISTRICT_PATTERN, description="Kemendagri district code")
    ]
    address: Annotated[str, Field(min_length=5, max_length=500)]

    _printable = field_validator("address", mode="after")(_printable_text)


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: Annotated[str, Field(pattern=SLOT_PATTERN)]
    file_name: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]

    @field_validator("file_name", mode="after")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class Manifest(BaseModel):
    """Form fields and document list, uploaded last as `application.json`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nib: Annotated[str, Field(pattern=NIB_PATTERN, description="13-digit business identification number from OSS")]
    business_name: Annotated[str, Field(min_length=2, max_length=200)]
    legal_form: LegalForm
    kbli: Annotated[str, Field(pattern=KBLI_PATTERN, description="One five-digit KBLI 2020 code, as a string")]
    # Upper bounds catch typing slips: 10^15 IDR is beyond any single project in the province.
    investment_value_idr: Annotated[
        int, Field(ge=0, le=10**15, description="Planned investment excluding land and buildings, IDR")
    ]
    land_area_m2: Annotated[float, Field(ge=0, le=10**10, allow_inf_nan=False)]
    owner: Owner
    location: Location
    channel: Channel = Channel.ONLINE
    officer_id: Annotated[str | None, Field(default=None, max_length=64)]
    consent_at: datetime | None = None
    documents: Annotated[list[DocumentEntry], Field(max_length=20)]

    _clean_nib = field_validator("nib", mode="before")(_digits_only)
    _printable = field_validator("business_name", mode="after")(_printable_text)

    @model_validator(mode="after")
    def _unique_slots(self) -> "Manifest":
        slots = [doc.slot for doc in self.documents]
        duplicates = sorted({slot for slot in slots if slots.count(slot) > 1})
        if duplicates:
            raise ValueError(f"each document slot may appear once; repeated: {', '.join(duplicates)}")
        return self
