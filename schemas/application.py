"""The application record kept in DynamoDB, and what the pipeline passes between states."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.reasons import Reason
from schemas.status import BusinessScale, Channel, RiskLevel, Status


class DocumentRecord(BaseModel):
    """One uploaded document as intake found it."""

    model_config = ConfigDict(extra="ignore")

    slot: str
    key: str
    # The S3 object version intake checked: a later upload to the same key does not replace it.
    version_id: str | None = None
    round: int
    file_name: str
    declared_content_type: str
    detected_content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    pages: int | None = None
    pixels: int | None = None
    accepted: bool = False
    reason: Reason | None = None


class SectorDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CORRECTION = "correction"
    DEEMED_APPROVE = "deemed_approve"


class Application(BaseModel):
    model_config = ConfigDict(extra="ignore")

    application_id: str
    status: Status
    version: int = 0
    round: int = 1
    created_at: datetime
    updated_at: datetime
    channel: Channel = Channel.ONLINE
    officer_id: str | None = None
    consent_at: datetime | None = None
    received_at: datetime | None = None
    manifest_key: str | None = None
    # Business facts from the manifest. The owner's personal data (name, NIK, phone, email,
    # address) stays in the uploaded manifest and is not copied into the record.
    nib: str | None = None
    business_name: str | None = None
    legal_form: str | None = None
    kbli: str | None = None
    kbli_title: str | None = None
    investment_value_idr: int | None = None
    land_area_m2: float | None = None
    region_code: str | None = None
    district_code: str | None = None
    sector: str | None = None
    risk_level: RiskLevel | None = None
    business_scale: BusinessScale | None = None
    review_sectors: list[str] = Field(default_factory=list)
    approved_sectors: list[str] = Field(default_factory=list)
    deemed_approval: bool = False
    documents: dict[str, DocumentRecord] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list)
    permit_number: str | None = None
    permit_key: str | None = None
    correction_deadline: datetime | None = None
    correction_requested_by: str | None = None
    execution_arn: str | None = None
    error: str | None = None


class VerificationResult(BaseModel):
    """Output of the verify step, read by the state machine's Choice state."""

    # Built on first use (defer_build), because only the verify handler returns it.
    model_config = ConfigDict(defer_build=True)

    application_id: str
    round: int
    complete: bool
    risk_level: RiskLevel
    needs_review: bool
    # One entry per sector to review: {"sector": code, "timeout_seconds": n}.
    review_sectors: list[dict]
    reasons: list[Reason] = Field(default_factory=list)
    correction_timeout_seconds: int
