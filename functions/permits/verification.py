"""Verify a signed permit PDF against the issuer's published public key, without the database.

A permit is valid only when all of these hold:
- the PDF parses and carries exactly one signature;
- its /ByteRange covers the whole file except the signature value;
- the /ByteRange digest equals the signed messageDigest attribute;
- the ECDSA signature over the signed attributes verifies with the given public key.

The certificate embedded in the signature is not trusted. It only tells a foreign signer apart
from a damaged signature in the returned reason.
"""

import io

from asn1crypto import cms
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from schemas.permit import VerificationAnswer

VALID = "signature valid"
NOT_A_PDF = "not a readable PDF"
NO_SIGNATURE = "no signature"
SEVERAL_SIGNATURES = "more than one signature"
CHANGED_AFTER_SIGNING = "document changed after signing"
SIGNATURE_MISMATCH = "signature does not match the document"
OTHER_KEY = "signed by a different key"
INVALID_PUBLIC_KEY = "issuer public key is not a valid ECDSA P-256 PEM key"


def verify_permit_pdf(pdf_bytes: bytes, public_key_pem: bytes) -> VerificationAnswer:
    """Check the permit's embedded signature against `public_key_pem` without raising.

    `permit_number` is the number the PDF states in its /Subject. It is returned whenever the
    PDF parses, so callers must trust it only when `valid` is True.
    """
    try:
        public_key = serialization.load_pem_public_key(public_key_pem)
    except Exception:  # noqa: BLE001 - malformed PEM or a key type cryptography does not support
        return VerificationAnswer(valid=False, permit_number=None, reason=INVALID_PUBLIC_KEY)
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(public_key.curve, ec.SECP256R1):
        return VerificationAnswer(valid=False, permit_number=None, reason=INVALID_PUBLIC_KEY)

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=True)
        permit_number = _read_permit_number(reader)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure means the file is not a readable PDF
        return VerificationAnswer(valid=False, permit_number=None, reason=NOT_A_PDF)

    if not signatures:
        return VerificationAnswer(valid=False, permit_number=permit_number, reason=NO_SIGNATURE)
    if len(signatures) > 1:
        return VerificationAnswer(valid=False, permit_number=permit_number, reason=SEVERAL_SIGNATURES)

    try:
        reason = _check_signature(signatures[0], public_key)
    except Exception:  # noqa: BLE001 - a damaged signature container cannot match the document
        reason = SIGNATURE_MISMATCH
    return VerificationAnswer(valid=reason == VALID, permit_number=permit_number, reason=reason)


def _read_permit_number(reader: PdfFileReader) -> str | None:
    info = reader.trailer_view.get("/Info")
    if info is None:
        return None
    info = info.get_object()
    if not isinstance(info, DictionaryObject) or "/Subject" not in info:
        return None
    return str(info["/Subject"])


def _check_signature(signature: EmbeddedPdfSignature, public_key: ec.EllipticCurvePublicKey) -> str:
    if signature.evaluate_signature_coverage() != SignatureCoverageLevel.ENTIRE_FILE:
        return CHANGED_AFTER_SIGNING

    signer_info: cms.SignerInfo = signature.signer_info
    if signer_info["digest_algorithm"]["algorithm"].native != "sha256":
        return SIGNATURE_MISMATCH
    if signer_info["signature_algorithm"].signature_algo != "ecdsa":
        return SIGNATURE_MISMATCH

    signed_attrs = signer_info["signed_attrs"]
    message_digests = [attr["values"][0].native for attr in signed_attrs if attr["type"].native == "message_digest"]
    if len(message_digests) != 1 or message_digests[0] != signature.compute_digest("sha256"):
        return SIGNATURE_MISMATCH

    # The signature covers the DER SET OF the attributes, not their implicit [0] encoding.
    signed_bytes = signed_attrs.untag().dump()
    try:
        public_key.verify(signer_info["signature"].native, signed_bytes, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        if _certificate_key_differs(signature, public_key):
            return OTHER_KEY
        return SIGNATURE_MISMATCH
    return VALID


def _certificate_key_differs(signature: EmbeddedPdfSignature, public_key: ec.EllipticCurvePublicKey) -> bool:
    given = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        embedded = signature.signer_cert.public_key.dump()
    except Exception:  # noqa: BLE001 - no usable certificate: report a mismatch, not another key
        return False
    return embedded != given
