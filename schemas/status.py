"""Application statuses, the OSS RBA status codes they carry, and the enums of the application record."""

from enum import StrEnum


class Status(StrEnum):
    # DRAFT is not an OSS status: the application exists once the API has handed out its
    # upload links, before the manifest arrives. Intake moves it to RECEIVED or REJECTED.
    DRAFT = "DRAFT"
    RECEIVED = "RECEIVED"
    VERIFYING = "VERIFYING"
    CORRECTION_REQUESTED = "CORRECTION_REQUESTED"
    IN_REVIEW = "IN_REVIEW"
    ISSUING = "ISSUING"
    ISSUED = "ISSUED"
    REJECTED = "REJECTED"
    INCOMPLETE = "INCOMPLETE"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({Status.ISSUED, Status.REJECTED, Status.INCOMPLETE, Status.FAILED})


class RiskLevel(StrEnum):
    """OSS RBA risk levels: R (rendah), MR (menengah rendah), MT (menengah tinggi), T (tinggi)."""

    LOW = "R"
    MEDIUM_LOW = "MR"
    MEDIUM_HIGH = "MT"
    HIGH = "T"

    @property
    def needs_review(self) -> bool:
        return self in (RiskLevel.MEDIUM_HIGH, RiskLevel.HIGH)


class Channel(StrEnum):
    """Submission channel of a manifest: `online` by the applicant, `assisted` by an officer for the applicant."""

    ONLINE = "online"
    ASSISTED = "assisted"


class BusinessScale(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


def oss_status_code(status: Status, deemed_approval: bool = False) -> str | None:
    """Return the OSS status code for a status, or None where OSS has none (FAILED, in-flight)."""
    if status is Status.ISSUED:
        return "57" if deemed_approval else "50"
    return {
        Status.RECEIVED: "10",
        Status.VERIFYING: "10",
        Status.CORRECTION_REQUESTED: "11",
        Status.IN_REVIEW: "45",
        Status.ISSUING: "45",
        Status.REJECTED: "90",
        Status.INCOMPLETE: "11",
    }.get(status)
