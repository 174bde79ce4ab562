"""Pre-signed POSTs for document and manifest uploads."""

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from functions.upload_keys import document_key, manifest_key
from schemas.reasons import Reason, ReasonCode, make_reason
from schemas.reference import Reference

MANIFEST_MAX_BYTES = 256 * 1024


class UploadRequest(BaseModel):
    """One document the applicant is about to upload, as the create-application request declares it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    slot: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    content_type: str
    size: int = Field(gt=0)
    file_name: str = Field(min_length=1, max_length=255)


class UploadsRequest(BaseModel):
    # Built on first use (defer_build), because only the API's upload-link routes validate it.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    documents: list[UploadRequest] = Field(max_length=20)


@dataclass(frozen=True)
class PresignedPost:
    key: str
    url: str
    fields: dict[str, str]

    def as_dict(self) -> dict:
        return {"key": self.key, "url": self.url, "fields": self.fields}


def check_upload_requests(requests: list[UploadRequest], ref: Reference) -> list[Reason]:
    """Return what is wrong with the declared uploads before any URL is handed out."""
    reasons = []
    seen = set()
    for request in requests:
        slot = ref.slots.get(request.slot)
        if slot is None:
            reasons.append(
                make_reason(ReasonCode.DOCUMENT_SLOT_UNKNOWN, document=request.slot, allowed=", ".join(sorted(ref.slots)))
            )
            continue
        if request.slot in seen:
            reasons.append(make_reason(ReasonCode.FIELD_INVALID, field="documents", detail=f"slot {request.slot} is listed twice"))
        seen.add(request.slot)
        if request.content_type not in slot.content_types:
            reasons.append(
                make_reason(
                    ReasonCode.DOCUMENT_UNSUPPORTED_TYPE,
                    document=request.slot,
                    detected=request.content_type,
                    allowed=", ".join(slot.content_types),
                )
            )
        if request.size > slot.max_bytes:
            reasons.append(
                make_reason(ReasonCode.DOCUMENT_TOO_LARGE, document=request.slot, actual=request.size, limit=slot.max_bytes)
            )
    return reasons


def presign_document(
    s3, bucket: str, application_id: str, round_number: int, request: UploadRequest, max_bytes: int, expiry: int
) -> PresignedPost:
    """Pin the exact key, content type and size range (1 byte to the slot's limit) for `expiry` seconds."""
    key = document_key(application_id, round_number, request.slot)
    # S3 metadata travels in HTTP headers, so the NFC file name is percent-encoded.
    original_name = quote(unicodedata.normalize("NFC", request.file_name), safe="")
    fields = {"Content-Type": request.content_type, "x-amz-meta-original-name": original_name}
    conditions = [
        {"Content-Type": request.content_type},
        {"x-amz-meta-original-name": original_name},
        ["content-length-range", 1, max_bytes],
    ]
    post = s3.generate_presigned_post(Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expiry)
    return PresignedPost(key=key, url=post["url"], fields=post["fields"])


def presign_manifest(s3, bucket: str, application_id: str, round_number: int, expiry: int) -> PresignedPost:
    key = manifest_key(application_id, round_number)
    fields = {"Content-Type": "application/json"}
    conditions = [{"Content-Type": "application/json"}, ["content-length-range", 2, MANIFEST_MAX_BYTES]]
    post = s3.generate_presigned_post(Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expiry)
    return PresignedPost(key=key, url=post["url"], fields=post["fields"])

