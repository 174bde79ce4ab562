"""Reason codes with their Bahasa Indonesia and English messages.

Every rejection, correction request and clock stop carries a `Reason`: a stable machine code,
a message in both languages naming the field or document and what to do, and the field or
document slot it concerns.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ReasonCode(StrEnum):
    # Manifest and identifiers: the application is rejected at intake.
    MANIFEST_UNPARSEABLE = "MANIFEST_UNPARSEABLE"
    MANIFEST_TOO_LARGE = "MANIFEST_TOO_LARGE"
    FIELD_MISSING = "FIELD_MISSING"
    FIELD_INVALID = "FIELD_INVALID"
    NIB_INVALID = "NIB_INVALID"
    NIK_INVALID = "NIK_INVALID"
    NPWP_INVALID = "NPWP_INVALID"
    PHONE_INVALID = "PHONE_INVALID"
    EMAIL_INVALID = "EMAIL_INVALID"
    KBLI_UNKNOWN = "KBLI_UNKNOWN"
    REGION_OUTSIDE_PROVINCE = "REGION_OUTSIDE_PROVINCE"
    ASSISTED_DETAILS_MISSING = "ASSISTED_DETAILS_MISSING"
    # Manifest uploads that do not fit the application's state; the application is unchanged.
    MANIFEST_CHANGED = "MANIFEST_CHANGED"
    MANIFEST_ROUND_UNEXPECTED = "MANIFEST_ROUND_UNEXPECTED"
    APPLICATION_NOT_FOUND = "APPLICATION_NOT_FOUND"
    # Documents: the application goes to the correction loop.
    DOCUMENT_MISSING = "DOCUMENT_MISSING"
    DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED"
    DOCUMENT_SLOT_UNKNOWN = "DOCUMENT_SLOT_UNKNOWN"
    DOCUMENT_CHECKSUM_MISMATCH = "DOCUMENT_CHECKSUM_MISMATCH"
    DOCUMENT_SIZE_MISMATCH = "DOCUMENT_SIZE_MISMATCH"
    DOCUMENT_EMPTY = "DOCUMENT_EMPTY"
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
    DOCUMENT_TOO_MANY_PIXELS = "DOCUMENT_TOO_MANY_PIXELS"
    DOCUMENT_UNSUPPORTED_TYPE = "DOCUMENT_UNSUPPORTED_TYPE"
    DOCUMENT_TYPE_MISMATCH = "DOCUMENT_TYPE_MISMATCH"
    DOCUMENT_ENCRYPTED = "DOCUMENT_ENCRYPTED"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    DOCUMENT_NO_PAGES = "DOCUMENT_NO_PAGES"
    # Decisions and deadlines.
    REVIEW_REJECTED = "REVIEW_REJECTED"
    REVIEW_CORRECTION_REQUESTED = "REVIEW_CORRECTION_REQUESTED"
    REVIEW_DEEMED_APPROVED = "REVIEW_DEEMED_APPROVED"
    CORRECTION_DEADLINE_MISSED = "CORRECTION_DEADLINE_MISSED"
    PIPELINE_FAILED = "PIPELINE_FAILED"


# Message templates per code: (Bahasa Indonesia, English). Placeholders are filled from the
# keyword arguments of `make_reason`; `{field}` and `{document}` are always available.
MESSAGES: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.MANIFEST_UNPARSEABLE: (
        "Berkas application.json tidak dapat dibaca sebagai JSON ({detail}). Kirim ulang formulir.",
        "application.json could not be parsed as JSON ({detail}). Submit the form again.",
    ),
    ReasonCode.MANIFEST_TOO_LARGE: (
        "Berkas application.json berukuran {actual} bita, melebihi batas {limit} bita. Kirim ulang formulir.",
        "application.json is {actual} bytes, over the {limit}-byte limit. Submit the form again.",
    ),
    ReasonCode.FIELD_MISSING: (
        "Kolom '{field}' wajib diisi. Lengkapi kolom tersebut lalu kirim ulang.",
        "Field '{field}' is required. Fill it in and submit again.",
    ),
    ReasonCode.FIELD_INVALID: (
        "Kolom '{field}' tidak valid: {detail}. Perbaiki nilainya lalu kirim ulang.",
        "Field '{field}' is invalid: {detail}. Correct the value and submit again.",
    ),
    ReasonCode.NIB_INVALID: (
        "NIB '{value}' tidak valid: NIB terdiri atas 13 angka, tercantum pada dokumen NIB dari OSS.",
        "NIB '{value}' is invalid: an NIB has 13 digits and is printed on the OSS NIB document.",
    ),
    ReasonCode.NIK_INVALID: (
        "NIK tidak valid: {detail}. NIK terdiri atas 16 angka sesuai KTP.",
        "NIK is invalid: {detail}. An NIK has 16 digits, as printed on the identity card (KTP).",
    ),
    ReasonCode.NPWP_INVALID: (
        "NPWP tidak valid: NPWP terdiri atas 15 atau 16 angka. Kosongkan jika tidak punya NPWP.",
        "NPWP is invalid: an NPWP has 15 or 16 digits. Leave it empty if you have none.",
    ),
    ReasonCode.PHONE_INVALID: (
        "Nomor telepon tidak valid: gunakan format 08... atau +628... (9 sampai 13 angka).",
        "Phone number is invalid: use the form 08... or +628... (9 to 13 digits).",
    ),
    ReasonCode.EMAIL_INVALID: (
        "Alamat email tidak valid. Periksa penulisan alamat email.",
        "Email address is invalid. Check how the address is written.",
    ),
    ReasonCode.KBLI_UNKNOWN: (
        "Kode KBLI '{value}' tidak dikenal. Gunakan kode KBLI 2020 lima angka, misalnya 01111; {hint}",
        "KBLI code '{value}' is unknown. Use a five-digit KBLI 2020 code such as 01111; {hint}",
    ),
    ReasonCode.REGION_OUTSIDE_PROVINCE: (
        "Kode wilayah '{value}' bukan kabupaten/kota di Provinsi Gorontalo. Pilih salah satu: {allowed}.",
        "Region code '{value}' is not a regency or city of Gorontalo province. Choose one of: {allowed}.",
    ),
    ReasonCode.ASSISTED_DETAILS_MISSING: (
        "Pengajuan dengan pendampingan wajib mengisi '{field}': nomor petugas (officer_id) dan waktu persetujuan pemohon (consent_at).",
        "An assisted application must fill in '{field}': the officer's id (officer_id) and when the applicant consented (consent_at).",
    ),
    ReasonCode.MANIFEST_CHANGED: (
        "Formulir ronde {round} sudah diterima dan isinya berbeda. Perubahan hanya diterima sebagai perbaikan yang diminta.",
        "The form for round {round} was already received with different content. Changes are accepted only as a requested correction.",
    ),
    ReasonCode.MANIFEST_ROUND_UNEXPECTED: (
        "Formulir ronde {round} tidak diharapkan: permohonan berstatus {status}. Minta tautan unggah perbaikan terlebih dahulu.",
        "A form for round {round} was not expected: the application is {status}. Request correction upload links first.",
    ),
    ReasonCode.APPLICATION_NOT_FOUND: (
        "Permohonan '{value}' tidak ditemukan. Buat permohonan baru melalui formulir.",
        "Application '{value}' was not found. Create a new application through the form.",
    ),
    ReasonCode.DOCUMENT_MISSING: (
        "Dokumen '{document}' tercantum di formulir tetapi belum diunggah. Unggah berkasnya.",
        "Document '{document}' is listed in the form but was never uploaded. Upload the file.",
    ),
    ReasonCode.DOCUMENT_REQUIRED: (
        "Dokumen '{document}' ({title}) wajib untuk izin ini. Unggah dokumen tersebut.",
        "Document '{document}' ({title}) is required for this permit. Upload it.",
    ),
    ReasonCode.DOCUMENT_SLOT_UNKNOWN: (
        "Jenis dokumen '{document}' tidak dikenal untuk izin ini. Jenis yang diterima: {allowed}.",
        "Document slot '{document}' is not used by this permit. Accepted slots: {allowed}.",
    ),
    ReasonCode.DOCUMENT_CHECKSUM_MISMATCH: (
        "Isi dokumen '{document}' berbeda dari yang dinyatakan formulir (SHA-256). Unggah ulang berkasnya.",
        "Document '{document}' does not match the SHA-256 declared in the form. Upload the file again.",
    ),
    ReasonCode.DOCUMENT_SIZE_MISMATCH: (
        "Ukuran dokumen '{document}' ({actual} bita) berbeda dari formulir ({declared} bita). Unggah ulang berkasnya.",
        "Document '{document}' is {actual} bytes but the form declares {declared}. Upload the file again.",
    ),
    ReasonCode.DOCUMENT_EMPTY: (
        "Dokumen '{document}' kosong (0 bita). Unggah berkas yang benar.",
        "Document '{document}' is empty (0 bytes). Upload the correct file.",
    ),
    ReasonCode.DOCUMENT_TOO_LARGE: (
        "Dokumen '{document}' berukuran {actual} bita, melebihi batas {limit} bita. Perkecil atau pindai ulang dengan resolusi lebih rendah.",
        "Document '{document}' is {actual} bytes, over the {limit}-byte limit. Compress it or scan at a lower resolution.",
    ),
    ReasonCode.DOCUMENT_TOO_MANY_PIXELS: (
        "Gambar '{document}' berukuran {actual} piksel, melebihi batas {limit} piksel. Perkecil resolusi gambar.",
        "Image '{document}' has {actual} pixels, over the {limit}-pixel limit. Reduce its resolution.",
    ),
    ReasonCode.DOCUMENT_UNSUPPORTED_TYPE: (
        "Dokumen '{document}' berformat {detected}, yang tidak diterima. Format yang diterima: {allowed}.",
        "Document '{document}' is {detected}, which is not accepted. Accepted types: {allowed}.",
    ),
    ReasonCode.DOCUMENT_TYPE_MISMATCH: (
        "Dokumen '{document}' dinyatakan {declared} tetapi isinya {detected}. Unggah berkas dengan jenis yang benar.",
        "Document '{document}' was declared as {declared} but its content is {detected}. Upload a file of the right type.",
    ),
    ReasonCode.DOCUMENT_ENCRYPTED: (
        "PDF '{document}' terenkripsi atau dilindungi kata sandi. Simpan ulang tanpa kata sandi lalu unggah.",
        "PDF '{document}' is encrypted or password-protected. Save it again without a password and upload it.",
    ),
    ReasonCode.DOCUMENT_UNREADABLE: (
        "Dokumen '{document}' rusak dan tidak dapat dibuka ({detail}). Pindai atau ekspor ulang berkasnya.",
        "Document '{document}' is damaged and cannot be opened ({detail}). Scan or export the file again.",
    ),
    ReasonCode.DOCUMENT_NO_PAGES: (
        "PDF '{document}' tidak memiliki halaman. Unggah PDF yang berisi dokumen.",
        "PDF '{document}' has no pages. Upload a PDF that contains the document.",
    ),
    ReasonCode.REVIEW_REJECTED: (
        "Ditolak oleh tim teknis sektor {sector}: {detail}",
        "Rejected by the {sector} sector technical team: {detail}",
    ),
    ReasonCode.REVIEW_CORRECTION_REQUESTED: (
        "Tim teknis sektor {sector} meminta perbaikan: {detail}",
        "The {sector} sector technical team requests a correction: {detail}",
    ),
    ReasonCode.REVIEW_DEEMED_APPROVED: (
        "Tim teknis sektor {sector} tidak memutuskan sebelum batas waktu; permohonan dianggap disetujui (fiktif positif).",
        "The {sector} sector technical team did not decide by the deadline; the application is deemed approved.",
    ),
    ReasonCode.CORRECTION_DEADLINE_MISSED: (
        "Perbaikan tidak diterima sebelum batas waktu {deadline}. Permohonan ditutup sebagai tidak lengkap; ajukan permohonan baru.",
        "No correction arrived before the deadline {deadline}. The application is closed as incomplete; submit a new application.",
    ),
    ReasonCode.PIPELINE_FAILED: (
        "Terjadi kesalahan sistem ({detail}). Dokumen Anda tetap tersimpan; petugas akan menindaklanjuti.",
        "A system error occurred ({detail}). Your documents are kept; an officer will follow up.",
    ),
}


class LocalizedText(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    en: str


class Reason(BaseModel):
    """Cause of a rejection, a correction request or another change of course."""

    model_config = ConfigDict(frozen=True)

    code: ReasonCode
    message: LocalizedText
    field: str | None = None
    document: str | None = None


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def make_reason(
    code: ReasonCode, *, field: str | None = None, document: str | None = None, **values: object
) -> Reason:
    """Build a `Reason` for `code`, filling its message templates from `values`."""
    template_id, template_en = MESSAGES[code]
    params = _Defaults(field=field or "-", document=document or "-", **{k: str(v) for k, v in values.items()})
    return Reason(
        code=code,
        message=LocalizedText(id=template_id.format_map(params), en=template_en.format_map(params)),
        field=field,
        document=document,
    )
