import asyncio
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import zxingcpp
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import mock_aws
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from functions.permits import issuer_certificate, public_key_pem, render_permit_pdf, sign_pdf, verify_permit_pdf
from functions.permits import verification
from functions.permits.render import format_wita
from functions.permits.signing import KmsSigner
from schemas.permit import Permit
from schemas.status import RiskLevel

REGION = "ap-southeast-3"
PERMIT_NUMBER = "503/KP/2025/000042"
VERIFY_URL = "https://izin.example.test/verify?permit=503%2FKP%2F2025%2F000042"


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.client("kms", region_name=REGION)


def create_signing_key(kms_client: Any) -> str:
    metadata = kms_client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    return metadata["KeyId"]


@pytest.fixture
def key_id(kms: Any) -> str:
    return create_signing_key(kms)


def make_permit(*, deemed_approval: bool = False) -> Permit:
    return Permit(
        permit_number=PERMIT_NUMBER,
        application_id="01JNQ7Z5K3M8X4T2V6W9Y0ABCD",
        nib="9120001234567",
        business_name="CV Sinar Danau Limboto",
        kbli="10792",
        kbli_title="Industri Kue Basah",
        sector="KP",
        risk_level=RiskLevel.HIGH,
        region_code="75.01",
        issued_at=datetime(2025, 3, 5, 6, 30, tzinfo=UTC),
        deemed_approval=deemed_approval,
        key="accounts/9120001234567/permits/503-KP-2025-000042.pdf",
        sha256="0" * 64,
    )


def render(permit: Permit | None = None) -> bytes:
    return render_permit_pdf(
        permit or make_permit(),
        verify_url=VERIFY_URL,
        sector_name="Kelautan dan Perikanan",
        region_name="Kabupaten Gorontalo",
    )


@pytest.fixture
def unsigned_pdf() -> bytes:
    return render()


@pytest.fixture
def signed_pdf(kms: Any, key_id: str, unsigned_pdf: bytes) -> bytes:
    return sign_pdf(unsigned_pdf, kms_client=kms, key_id=key_id)


@pytest.fixture
def pem(kms: Any, key_id: str) -> bytes:
    return public_key_pem(kms, key_id)


def flip_byte(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


# Rendering


def test_permit_text_contents(unsigned_pdf: bytes) -> None:
    text = page_text(unsigned_pdf)
    assert "IZIN USAHA" in text
    assert "Business Permit" in text
    assert PERMIT_NUMBER in text
    assert "CV Sinar Danau Limboto" in text
    assert "9120001234567" in text
    assert "10792 - Industri Kue Basah" in text
    assert "Tinggi / High (T)" in text
    assert "Kabupaten Gorontalo (75.01)" in text
    assert "Kelautan dan Perikanan" in text


def test_permit_issued_time_in_wita(unsigned_pdf: bytes) -> None:
    # 06:30 UTC is 14:30 WITA (UTC+8).
    assert "5 Maret 2025 14:30 WITA" in page_text(unsigned_pdf)


def test_permit_has_no_personal_data(unsigned_pdf: bytes) -> None:
    text = page_text(unsigned_pdf)
    assert re.search(r"\d{16}", text) is None
    assert "NIK" not in text
    assert "@" not in text
    assert "+62" not in text


def test_deemed_approval_note() -> None:
    assert "fiktif positif" in page_text(render(make_permit(deemed_approval=True)))
    assert "fiktif positif" not in page_text(render(make_permit(deemed_approval=False)))


def test_permit_one_a4_page(unsigned_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(unsigned_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595
    assert round(float(box.height)) == 842


def test_permit_metadata_names_permit(unsigned_pdf: bytes) -> None:
    metadata = PdfReader(io.BytesIO(unsigned_pdf)).metadata
    assert metadata is not None
    assert metadata.subject == PERMIT_NUMBER
    assert metadata.title == f"Izin Usaha {PERMIT_NUMBER}"


def test_render_deterministic(unsigned_pdf: bytes) -> None:
    assert render() == unsigned_pdf


def test_qr_code_decodes_to_verify_url(unsigned_pdf: bytes) -> None:
    images = PdfReader(io.BytesIO(unsigned_pdf)).pages[0].images
    assert len(images) == 1
    barcodes = zxingcpp.read_barcodes(images[0].image)
    assert [barcode.format for barcode in barcodes] == [zxingcpp.BarcodeFormat.QRCode]
    assert barcodes[0].text == VERIFY_URL


def test_format_wita_naive_is_utc() -> None:
    assert format_wita(datetime(2025, 12, 31, 20, 5)) == "1 Januari 2026 04:05 WITA"


# Signing


def test_signed_permit_verifies(signed_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(signed_pdf, pem)
    assert answer.valid is True
    assert answer.permit_number == PERMIT_NUMBER
    assert answer.reason == "signature valid"


def test_signed_permit_keeps_text(signed_pdf: bytes) -> None:
    text = page_text(signed_pdf)
    assert PERMIT_NUMBER in text
    assert "CV Sinar Danau Limboto" in text


def test_byte_range_covers_whole_file(signed_pdf: bytes) -> None:
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    start1, length1, start2, length2 = signature.byte_range
    assert start1 == 0
    assert start2 + length2 == len(signed_pdf)
    # The only gap is the hex-encoded /Contents string with its angle brackets.
    assert signed_pdf[length1 : length1 + 1] == b"<"
    assert signed_pdf[start2 - 1 : start2] == b">"
    assert start2 - length1 == len(signature.pkcs7_content) * 2 + 2


def test_pyhanko_validator_accepts_signature(signed_pdf: bytes) -> None:
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[signature.signer_cert])
    status = validate_pdf_signature(signature, context)
    assert status.intact
    assert status.valid
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.md_algorithm == "sha256"


def test_first_byte_changed_fails(signed_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(flip_byte(signed_pdf, 0), pem)
    assert answer.valid is False
    assert answer.reason == "not a readable PDF"


def test_middle_byte_changed_fails(signed_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(flip_byte(signed_pdf, len(signed_pdf) // 2), pem)
    assert answer.valid is False


def test_last_byte_changed_fails(signed_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(flip_byte(signed_pdf, len(signed_pdf) - 1), pem)
    assert answer.valid is False
    assert answer.reason == "signature does not match the document"


def test_page_content_changed_fails(signed_pdf: bytes, unsigned_pdf: bytes, pem: bytes) -> None:
    # A byte inside the original document, well before the signature dictionary.
    answer = verify_permit_pdf(flip_byte(signed_pdf, len(unsigned_pdf) // 2), pem)
    assert answer.valid is False
    assert answer.reason == "signature does not match the document"


def test_other_key_fails(kms: Any, unsigned_pdf: bytes, pem: bytes) -> None:
    other_key = create_signing_key(kms)
    signed_by_other = sign_pdf(unsigned_pdf, kms_client=kms, key_id=other_key)
    assert verify_permit_pdf(signed_by_other, public_key_pem(kms, other_key)).valid is True
    answer = verify_permit_pdf(signed_by_other, pem)
    assert answer.valid is False
    assert answer.reason == "signed by a different key"


def test_unsigned_permit_fails(unsigned_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(unsigned_pdf, pem)
    assert answer.valid is False
    assert answer.reason == "no signature"
    assert answer.permit_number == PERMIT_NUMBER


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF"])
def test_non_pdf_fails(data: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(data, pem)
    assert answer.valid is False
    assert answer.reason == "not a readable PDF"
    assert answer.permit_number is None


def test_incremental_update_after_signing_fails(signed_pdf: bytes, pem: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    answer = verify_permit_pdf(output.getvalue(), pem)
    assert answer.valid is False
    assert answer.reason == "document changed after signing"


def test_appended_bytes_fail(signed_pdf: bytes, pem: bytes) -> None:
    answer = verify_permit_pdf(signed_pdf + b"\n% appended\n", pem)
    assert answer.valid is False
    assert answer.reason == "document changed after signing"


def test_second_signature_fails(kms: Any, key_id: str, signed_pdf: bytes, pem: bytes) -> None:
    twice = sign_pdf(signed_pdf, kms_client=kms, key_id=key_id, field_name="Second")
    answer = verify_permit_pdf(twice, pem)
    assert answer.valid is False
    assert answer.reason == "more than one signature"


def test_invalid_public_key_fails(signed_pdf: bytes) -> None:
    rsa_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for key in (b"", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", rsa_pem):
        answer = verify_permit_pdf(signed_pdf, key)
        assert answer.valid is False
        assert answer.reason == verification.INVALID_PUBLIC_KEY


def test_public_key_pem_matches_kms(kms: Any, key_id: str, pem: bytes) -> None:
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    loaded = serialization.load_pem_public_key(pem)
    assert loaded.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == der


def test_issuer_certificate_self_signed(kms: Any, key_id: str) -> None:
    certificate = crypto_x509.load_der_x509_certificate(issuer_certificate(kms, key_id).dump())
    certificate.verify_directly_issued_by(certificate)
    assert certificate.subject == certificate.issuer
    assert certificate.subject.rfc4514_string() == "CN=GOSO Permit Issuer,O=DPMPTSP Provinsi Gorontalo,C=ID"
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    public_der = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_der == der


class CountingKms:
    """KMS client wrapper that counts calls per operation."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def counted(**kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(**kwargs)

        return counted


def test_issuer_certificate_cached(kms: Any, key_id: str) -> None:
    counting = CountingKms(kms)
    first = issuer_certificate(counting, key_id)
    second = issuer_certificate(counting, key_id)
    assert first is second
    assert counting.calls == {"get_public_key": 1, "sign": 1}


def test_dry_run_skips_kms(kms: Any, key_id: str) -> None:
    counting = CountingKms(kms)
    signer = KmsSigner(counting, key_id, issuer_certificate(kms, key_id))
    placeholder = asyncio.run(signer.async_sign_raw(b"data", "sha256", dry_run=True))
    assert len(placeholder) == 72
    assert counting.calls == {}
