"""Completeness of an application's documents against the slots its permit requires."""

from schemas.application import DocumentRecord
from schemas.reasons import Reason, ReasonCode, make_reason
from schemas.reference import Reference


def check_documents(required_slots: list[str], documents: dict[str, DocumentRecord], ref: Reference) -> list[Reason]:
    """List what stops the documents from being complete, in the order of `required_slots`.

    A required slot without a record gets DOCUMENT_REQUIRED. A record that was not accepted
    returns its stored reason, or DOCUMENT_MISSING when it has none, which means the file
    was declared but never arrived. A broken document in a slot the permit does not require is
    reported after the required slots, because the applicant listed it and should learn of it.
    """
    reasons: list[Reason] = []
    for slot in required_slots:
        record = documents.get(slot)
        if record is None:
            title = ref.slots[slot].title_id if slot in ref.slots else slot
            reasons.append(make_reason(ReasonCode.DOCUMENT_REQUIRED, document=slot, title=title))
        elif not record.accepted:
            reasons.append(record.reason or make_reason(ReasonCode.DOCUMENT_MISSING, document=slot))
    for slot, record in documents.items():
        if slot not in required_slots and not record.accepted:
            reasons.append(record.reason or make_reason(ReasonCode.DOCUMENT_MISSING, document=slot))
    return reasons
