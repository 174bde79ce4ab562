"""Sign permit PDFs with an AWS KMS asymmetric key (ECC_NIST_P256, ECDSA_SHA_256) through pyHanko.

The private key never leaves KMS: pyHanko builds the CMS signed attributes and `KmsSigner`
sends them to KMS for signing. The signature is a PAdES signature whose /ByteRange covers every byte of the
file except the signature value itself.
"""

import hashlib
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import algos, keys, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNING_ALGORITHM = "ECDSA_SHA_256"
DEFAULT_COMMON_NAME = "GOSO Permit Issuer"
DEFAULT_FIELD_NAME = "GOSOPermit"
DEFAULT_REASON = "Izin usaha diterbitkan oleh DPMPTSP Provinsi Gorontalo / Business permit issued"
DEFAULT_LOCATION = "Gorontalo"

# KMS accepts messages of up to 4096 bytes as MessageType RAW. Larger input is sent as its digest.
_KMS_RAW_MESSAGE_LIMIT = 4096
# A DER ECDSA P-256 signature is a SEQUENCE of two INTEGERs of up to 33 bytes each: 72 bytes at most.
_ECDSA_P256_MAX_SIGNATURE = 72
_CERTIFICATE_VALIDITY = timedelta(days=3650)

_certificates: dict[tuple[str, str], x509.Certificate] = {}


def kms_sign(kms_client: Any, key_id: str, data: bytes) -> bytes:
    """Sign `data` with ECDSA_SHA_256 in KMS and return the DER-encoded signature."""
    if len(data) <= _KMS_RAW_MESSAGE_LIMIT:
        request = {"Message": data, "MessageType": "RAW"}
    else:
        # NOTE: moto 5.2.5 ignores MessageType and hashes the digest again, so only RAW is tested.
        request = {"Message": hashlib.sha256(data).digest(), "MessageType": "DIGEST"}
    response = kms_client.sign(KeyId=key_id, SigningAlgorithm=SIGNING_ALGORITHM, **request)
    return response["Signature"]


def public_key_der(kms_client: Any, key_id: str) -> bytes:
    """Return the key's DER SubjectPublicKeyInfo from KMS."""
    return kms_client.get_public_key(KeyId=key_id)["PublicKey"]


def public_key_pem(kms_client: Any, key_id: str) -> bytes:
    """Return the KMS key's public key as PEM (SubjectPublicKeyInfo)."""
    public_key = serialization.load_der_public_key(public_key_der(kms_client, key_id))
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def issuer_certificate(kms_client: Any, key_id: str, common_name: str = DEFAULT_COMMON_NAME) -> x509.Certificate:
    """Return a self-signed X.509 certificate for the KMS key, signed by KMS itself.

    The certificate only binds a name to the key inside the CMS signature; verifiers trust the
    published public key, not this certificate. It is built once per key id and process.
    """
    # NOTE: the cache key is the key id string. An alias that is later pointed at another key
    # keeps the old certificate until the process restarts, so pass a key id or ARN.
    cache_key = (key_id, common_name)
    cached = _certificates.get(cache_key)
    if cached is not None:
        return cached

    spki_der = public_key_der(kms_client, key_id)
    public_key_info = keys.PublicKeyInfo.load(spki_der)
    name = x509.Name.build(
        {"country_name": "ID", "organization_name": "DPMPTSP Provinsi Gorontalo", "common_name": common_name}
    )
    key_identifier = hashlib.sha1(public_key_info["public_key"].contents).digest()  # noqa: S324 - RFC 5280 4.2.1.2
    # A positive serial of at most 20 octets, stable for the key (RFC 5280 4.1.2.2).
    serial_number = int.from_bytes(hashlib.sha256(spki_der).digest()[:16], "big") >> 1
    not_before = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    signature_algorithm = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"})

    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial_number,
            "signature": signature_algorithm,
            "issuer": name,
            "validity": {
                "not_before": x509.Time({"utc_time": not_before}),
                "not_after": x509.Time({"utc_time": not_before + _CERTIFICATE_VALIDITY}),
            },
            "subject": name,
            "subject_public_key_info": public_key_info,
            "extensions": [
                {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": False}},
                {
                    "extn_id": "key_usage",
                    "critical": True,
                    "extn_value": {"digital_signature", "non_repudiation"},
                },
                {"extn_id": "key_identifier", "critical": False, "extn_value": key_identifier},
            ],
        }
    )
    certificate = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": signature_algorithm,
            "signature_value": kms_sign(kms_client, key_id, tbs.dump()),
        }
    )
    _certificates[cache_key] = certificate
    return certificate


class KmsSigner(signers.Signer):
    """pyHanko signer whose raw ECDSA signatures are made by AWS KMS."""

    def __init__(self, kms_client: Any, key_id: str, certificate: x509.Certificate) -> None:
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs([certificate]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        )
        self._kms_client = kms_client
        self._key_id = key_id

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm != "sha256":
            raise SigningError(f"KMS key signs with ECDSA_SHA_256 only, not with {digest_algorithm}")
        if dry_run:
            # pyHanko sizes the signature placeholder from this value.
            return bytes(_ECDSA_P256_MAX_SIGNATURE)
        return kms_sign(self._kms_client, self._key_id, data)


def sign_pdf(
    pdf_bytes: bytes,
    *,
    kms_client: Any,
    key_id: str,
    field_name: str = DEFAULT_FIELD_NAME,
    reason: str = DEFAULT_REASON,
    location: str = DEFAULT_LOCATION,
) -> bytes:
    """Append a PAdES signature made with the KMS key to `pdf_bytes` and return the signed PDF.

    Uses pyHanko's synchronous API, which runs its own event loop, so it must not be called from
    inside a running asyncio loop.
    """
    signer = KmsSigner(kms_client, key_id, issuer_certificate(kms_client, key_id))
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    output = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer, in_place=False)
    return output.getvalue()
