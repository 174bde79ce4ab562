from functions.domain.requirements import check_documents
from schemas.application import DocumentRecord
from schemas.reasons import ReasonCode, make_reason
from schemas.reference import load_reference


def record(slot: str, accepted: bool, reason=None) -> DocumentRecord:
    return DocumentRecord(
        slot=slot,
        key=f"incoming/app-1/r1/{slot}",
        round=1,
        file_name=f"{slot}.pdf",
        declared_content_type="application/pdf",
        accepted=accepted,
        reason=reason,
    )


def test_all_documents_accepted():
    documents = {"ktp": record("ktp", True), "pernyataan_mandiri": record("pernyataan_mandiri", True)}
    assert check_documents(["ktp", "pernyataan_mandiri"], documents, load_reference()) == []


def test_missing_required_slot():
    reasons = check_documents(["ktp", "pernyataan_mandiri"], {"ktp": record("ktp", True)}, load_reference())
    assert [(r.code, r.document) for r in reasons] == [(ReasonCode.DOCUMENT_REQUIRED, "pernyataan_mandiri")]
    assert reasons[0].message.en == (
        "Document 'pernyataan_mandiri' (Surat pernyataan mandiri pemenuhan standar usaha) "
        "is required for this permit. Upload it."
    )


def test_rejected_document_keeps_its_reason():
    encrypted = make_reason(ReasonCode.DOCUMENT_ENCRYPTED, document="ktp")
    reasons = check_documents(["ktp"], {"ktp": record("ktp", False, encrypted)}, load_reference())
    assert reasons == [encrypted]


def test_declared_document_never_uploaded():
    reasons = check_documents(["ktp"], {"ktp": record("ktp", False)}, load_reference())
    assert [(r.code, r.document) for r in reasons] == [(ReasonCode.DOCUMENT_MISSING, "ktp")]


def test_sound_unrequired_document_passes():
    documents = {"ktp": record("ktp", True), "dokumen_teknis": record("dokumen_teknis", True)}
    assert check_documents(["ktp"], documents, load_reference()) == []


def test_broken_unrequired_document_reported_last():
    documents = {"dokumen_teknis": record("dokumen_teknis", False), "ktp": record("ktp", True)}
    reasons = check_documents(["ktp"], documents, load_reference())
    assert [(r.code, r.document) for r in reasons] == [(ReasonCode.DOCUMENT_MISSING, "dokumen_teknis")]


def test_reasons_follow_required_order():
    too_large = make_reason(ReasonCode.DOCUMENT_TOO_LARGE, document="denah_lokasi", actual=20, limit=10)
    documents = {"denah_lokasi": record("denah_lokasi", False, too_large), "ktp": record("ktp", True)}
    required = ["ktp", "pernyataan_mandiri", "denah_lokasi", "bukti_hak_lahan"]
    reasons = check_documents(required, documents, load_reference())
    assert [(r.code, r.document) for r in reasons] == [
        (ReasonCode.DOCUMENT_REQUIRED, "pernyataan_mandiri"),
        (ReasonCode.DOCUMENT_TOO_LARGE, "denah_lokasi"),
        (ReasonCode.DOCUMENT_REQUIRED, "bukti_hak_lahan"),
    ]
