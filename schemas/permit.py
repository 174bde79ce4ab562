"""Issued permits and the result of a public verification."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from schemas.status import RiskLevel


class Permit(BaseModel):
    model_config = ConfigDict(extra="ignore")

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

    valid: bool
    permit_number: str | None
    reason: str
