"""Permit rendering, KMS signing and signature verification."""

from functions.permits.render import render_permit_pdf
from functions.permits.signing import issuer_certificate, public_key_pem, sign_pdf
from functions.permits.verification import verify_permit_pdf

__all__ = ["issuer_certificate", "public_key_pem", "render_permit_pdf", "sign_pdf", "verify_permit_pdf"]
