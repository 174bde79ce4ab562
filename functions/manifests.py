"""Manifest and document checks used by intake. Pure except for `check_documents`, which reads S3."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from functions.domain.documents import inspect_document
from functions.domain.identifiers import check_manifest as check_identifiers
from functions.domain.identifiers import reasons_from_validation_error
from functions.domain.risk import business_scale
from functions.upload_keys import MANIFEST_FILE_NAME, document_key
from schemas.application import Application, DocumentRecord
from schemas.manifest import Manifest
from schemas.reasons import Reason, ReasonCode, make_reason
from schemas.reference import Reference
from schemas.status import Channel, Status

_KEY_PATTERN = re.compile(r"^incoming/(?P<app>[A-Za-z0-9-]{8,64})/r(?P<round>[1-9][0-9]?)/(?P<name>[^/]+)$")
# Reading a manifest larger than this is refused before parsing; real ones are a few KB.
MAX_MANIFEST_BYTES = 256 * 1024


def parse_manifest_key(key: str) -> tuple[str, int] | None:
    """Return (application id, round) for a manifest key, or None for any other object."""
    match = _KEY_PATTERN.match(key)
    if match is None or match["name"] != MANIFEST_FILE_NAME:
        return None
    return match["app"], int(match["round"])


def round_expected(app: Application, round_number: int) -> bool:
    """True if `app` is waiting for the manifest of `round_number`."""
    if app.status is Status.DRAFT:
        return round_number == 1
    if app.status is Status.CORRECTION_REQUESTED:
        return round_number == app.round + 1
    return False


@dataclass
class ManifestCheck:
    manifest: Manifest | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        return bool(self.reasons)


def check_manifest(raw: bytes, ref: Reference) -> ManifestCheck:
    """Parse and validate a manifest; any reason found here rejects the application."""
    if len(raw) > MAX_MANIFEST_BYTES:
        reason = make_reason(ReasonCode.MANIFEST_TOO_LARGE, actual=len(raw), limit=MAX_MANIFEST_BYTES)
        return ManifestCheck(None, [reason])
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return ManifestCheck(None, [make_reason(ReasonCode.MANIFEST_UNPARSEABLE, detail="not UTF-8 text")])
    except json.JSONDecodeError as error:
        detail = f"line {error.lineno}: {error.msg}"
        return ManifestCheck(None, [make_reason(ReasonCode.MANIFEST_UNPARSEABLE, detail=detail)])
    except RecursionError:
        # json raises this for nesting deeper than the interpreter's recursion limit.
        return ManifestCheck(None, [make_reason(ReasonCode.MANIFEST_UNPARSEABLE, detail="nested too deeply")])
    if not isinstance(data, dict):
        detail = f"expected a JSON object, found {type(data).__name__}"
        return ManifestCheck(None, [make_reason(ReasonCode.MANIFEST_UNPARSEABLE, detail=detail)])
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as error:
        return ManifestCheck(None, reasons_from_validation_error(error))
    return ManifestCheck(manifest, check_identifiers(manifest, ref))


def submitter(manifest: Manifest) -> str:
    """Return the audit actor for a manifest: the officer for the assisted channel, else the applicant."""
    if manifest.channel is Channel.ASSISTED and manifest.officer_id:
        return f"officer:{manifest.officer_id}"
    return f"applicant:{manifest.nib}"


def record_fields(manifest: Manifest, ref: Reference) -> dict:
    """Return the business facts copied from the manifest into the application record."""
    rule = ref.rule_for(manifest.kbli)
    return {
        "nib": manifest.nib,
        "business_name": manifest.business_name,
        "legal_form": manifest.legal_form.value,
        "kbli": manifest.kbli,
        "kbli_title": rule.title if rule else None,
        "sector": rule.sector if rule else None,
        "investment_value_idr": manifest.investment_value_idr,
        "business_scale": business_scale(manifest.investment_value_idr),
        "land_area_m2": manifest.land_area_m2,
        "region_code": manifest.location.region_code,
        "district_code": manifest.location.district_code,
        "channel": manifest.channel,
        "officer_id": manifest.officer_id,
        "consent_at": manifest.consent_at,
    }


def check_documents(
    s3,
    bucket: str,
    application_id: str,
    round_number: int,
    manifest: Manifest,
    ref: Reference,
    previous: dict[str, DocumentRecord],
) -> dict[str, DocumentRecord]:
    """Check every document the manifest lists and merge the result over earlier rounds.

    Documents of earlier rounds that this round does not replace are kept as they were.
    """
    documents = dict(previous)
    for entry in manifest.documents:
        key = document_key(application_id, round_number, entry.slot)
        record = DocumentRecord(
            slot=entry.slot,
            key=key,
            round=round_number,
            file_name=entry.file_name,
            declared_content_type=entry.content_type,
        )
        slot = ref.slots.get(entry.slot)
        if slot is None:
            reason = make_reason(
                ReasonCode.DOCUMENT_SLOT_UNKNOWN, document=entry.slot, allowed=", ".join(sorted(ref.slots))
            )
            documents[entry.slot] = record.model_copy(update={"reason": reason})
            continue
        try:
            obj = s3.get_object(Bucket=bucket, Key=key)
        except s3.exceptions.NoSuchKey:
            documents[entry.slot] = record.model_copy(
                update={"reason": make_reason(ReasonCode.DOCUMENT_MISSING, document=entry.slot)}
            )
            continue
        size = obj["ContentLength"]
        if size > slot.max_bytes:
            # Too large to read into memory for inspection; the size alone decides.
            reason = make_reason(ReasonCode.DOCUMENT_TOO_LARGE, document=entry.slot, actual=size, limit=slot.max_bytes)
            documents[entry.slot] = record.model_copy(update={"size": size, "reason": reason})
            continue
        data = obj["Body"].read()
        digest = hashlib.sha256(data).hexdigest()
        record = record.model_copy(update={"size": len(data), "sha256": digest, "version_id": obj.get("VersionId")})
        check = inspect_document(
            data,
            slot=entry.slot,
            accepted_types=slot.content_types,
            max_bytes=slot.max_bytes,
            max_pixels=slot.max_pixels,
            declared_content_type=entry.content_type,
        )
        reason = check.reason
        if reason is None and len(data) != entry.size:
            reason = make_reason(
                ReasonCode.DOCUMENT_SIZE_MISMATCH, document=entry.slot, actual=len(data), declared=entry.size
            )
        if reason is None and digest != entry.sha256:
            reason = make_reason(ReasonCode.DOCUMENT_CHECKSUM_MISMATCH, document=entry.slot)
        documents[entry.slot] = record.model_copy(
            update={
                "detected_content_type": check.detected_content_type,
                "pages": check.pages,
                "pixels": check.pixels,
                "accepted": reason is None,
                "reason": reason,
            }
        )
    return documents
