"""Permit rendering, KMS signing and signature verification.

The submodules load reportlab, pyHanko and cryptography, so this package imports each one
only when one of its names is first requested (PEP 562 module `__getattr__`).
"""

import importlib
from typing import Any

_SUBMODULE_OF = {
    "render_permit_pdf": "functions.permits.render",
    "issuer_certificate": "functions.permits.signing",
    "public_key_pem": "functions.permits.signing",
    "sign_pdf": "functions.permits.signing",
    "verify_permit_pdf": "functions.permits.verification",
}

__all__ = ["issuer_certificate", "public_key_pem", "render_permit_pdf", "sign_pdf", "verify_permit_pdf"]


def __getattr__(name: str) -> Any:
    submodule = _SUBMODULE_OF.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(submodule), name)
