"""Issued permits and the result of a public verification."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from schemas.status import RiskLevel


class Permit(BaseModel):
    # Built on first use (defer_build), because only the issue handler and the API's
    # verification route use it.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    permit_number: str
    application_id: str
    nib: str
    business_name: str
    kbli: str
    kbli_title: str
    sector: str
    risk_level: RiskLevel
    region_code: str
    issued_at: datetime
    deemed_approval: bool
    key: str
    sha256: str
    status: str = "VALID"


class VerificationAnswer(BaseModel):
    """Result of `goso verify` and of the public verification route."""

    model_config = ConfigDict(defer_build=True)

    valid: bool
    permit_number: str | None
    reason: str
