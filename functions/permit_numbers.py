"""Permit numbers and where permits live."""

from datetime import datetime
from urllib.parse import urlencode

from functions.domain.deadlines import WITA

PERMIT_PREFIX = "503"


def permit_number(sector: str, issued_at: datetime, sequence: int) -> str:
    """Return `503/{sector}/{year}/{6-digit sequence}`; the year is the WITA calendar year."""
    year = issued_at.astimezone(WITA).year
    return f"{PERMIT_PREFIX}/{sector}/{year}/{sequence:06d}"


def counter_name(sector: str, issued_at: datetime) -> str:
    return f"PERMIT#{sector}#{issued_at.astimezone(WITA).year}"


def permit_key(nib: str, number: str) -> str:
    """Return the permit's S3 key in the business account (the number's slashes make folders)."""
    return f"accounts/{nib}/permits/{number}.pdf"


def verification_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/verify?{urlencode({'permit': number})}"
