"""Inspect an uploaded document: its real type, page count and pixel count, or why it is rejected.

The type comes from the file's bytes (magic numbers), never from its name. A declared content
type that disagrees with the bytes is rejected as a type mismatch, so the type recorded for a
document is always the one its bytes show.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from schemas.reasons import Reason, ReasonCode, make_reason

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# Readable names for the types the product accepts and for common types it recognises.
TYPE_LABELS: dict[str, str] = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/heic": "HEIC",
    "image/avif": "AVIF",
    "application/zip": "ZIP (or an Office document)",
    "application/x-ole-storage": "a legacy Microsoft Office document",
}
UNKNOWN_LABEL = "unknown"

# Pillow plugin names for the image types that are decoded.
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

# The header must start within this many bytes, as PDF readers allow leading junk.
_PDF_HEADER_WINDOW = 1024

# Common spellings of the accepted types that browsers and clients send.
_CONTENT_TYPE_ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "image/x-png": PNG}


@dataclass(frozen=True)
class DocumentCheck:
    """Outcome of `inspect_document`. The document is accepted when `reason` is None."""

    detected_content_type: str | None
    pages: int | None
    pixels: int | None
    reason: Reason | None

    @property
    def accepted(self) -> bool:
        return self.reason is None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def type_label(content_type: str | None) -> str:
    """Return a readable name for a content type, such as "PDF" or "WebP"."""
    if content_type is None:
        return UNKNOWN_LABEL
    return TYPE_LABELS.get(content_type, content_type)


def detect_content_type(data: bytes) -> str | None:
    """Return the content type the bytes show by their magic number, or None if unrecognised."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return PDF
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"BM"):
        return "image/bmp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        if brand in (b"avif", b"avis"):
            return "image/avif"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "application/zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    return None


def normalize_content_type(content_type: str) -> str:
    """Lower-case a content type, drop its parameters and map common aliases (image/jpg)."""
    base = content_type.split(";", 1)[0].strip().lower()
    return _CONTENT_TYPE_ALIASES.get(base, base)


def inspect_document(
    data: bytes,
    *,
    slot: str,
    accepted_types: tuple[str, ...],
    max_bytes: int,
    max_pixels: int,
    declared_content_type: str | None = None,
) -> DocumentCheck:
    """Check one uploaded document against a slot's rules and return what was found.

    Any parser error becomes DOCUMENT_UNREADABLE. The only exception raised is ImportError,
    when pypdf or Pillow is not installed.
    """
    if not data:
        return _rejected(None, make_reason(ReasonCode.DOCUMENT_EMPTY, document=slot))
    if len(data) > max_bytes:
        reason = make_reason(ReasonCode.DOCUMENT_TOO_LARGE, document=slot, actual=len(data), limit=max_bytes)
        return _rejected(None, reason)

    detected = detect_content_type(data)
    if detected not in accepted_types:
        allowed = ", ".join(type_label(accepted) for accepted in accepted_types)
        reason = make_reason(
            ReasonCode.DOCUMENT_UNSUPPORTED_TYPE, document=slot, detected=type_label(detected), allowed=allowed
        )
        return _rejected(detected, reason)

    if declared_content_type is not None and normalize_content_type(declared_content_type) != detected:
        reason = make_reason(
            ReasonCode.DOCUMENT_TYPE_MISMATCH,
            document=slot,
            declared=declared_content_type,
            detected=type_label(detected),
        )
        return _rejected(detected, reason)

    try:
        if detected == PDF:
            return _inspect_pdf(data, slot)
        return _inspect_image(data, detected, slot, max_pixels)
    except ImportError:
        # The parsers are imported on first use, so a missing package shows up here. It is a
        # deployment fault, not an unreadable document.
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means the file does not open
        return _rejected(detected, _unreadable(slot, error))


def _rejected(detected: str | None, reason: Reason) -> DocumentCheck:
    return DocumentCheck(detected_content_type=detected, pages=None, pixels=None, reason=reason)


def _unreadable(slot: str, error: BaseException | str) -> Reason:
    detail = error if isinstance(error, str) else type(error).__name__
    return make_reason(ReasonCode.DOCUMENT_UNREADABLE, document=slot, detail=detail)


def _inspect_pdf(data: bytes, slot: str) -> DocumentCheck:
    # pypdf is imported here, not at module level, so a batch without PDFs never loads it.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # Only the trailer, cross-reference table and page tree are read; no content stream is
    # decoded. pypdf 7.1 walks the page tree with an explicit stack and stops at cycles, and
    # recovers from looping cross-reference sections in milliseconds.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _rejected(PDF, make_reason(ReasonCode.DOCUMENT_ENCRYPTED, document=slot))
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        return _rejected(PDF, _unreadable(slot, error))
    if pages == 0:
        return _rejected(PDF, make_reason(ReasonCode.DOCUMENT_NO_PAGES, document=slot))
    return DocumentCheck(detected_content_type=PDF, pages=pages, pixels=None, reason=None)


def _inspect_image(data: bytes, detected: str, slot: str, max_pixels: int) -> DocumentCheck:
    # Pillow is imported here, not at module level, so a batch without images never loads it.
    from PIL import Image, UnidentifiedImageError

    formats = [_PILLOW_FORMATS[detected]]
    # NOTE: warnings.catch_warnings changes process-wide filters, so another thread may see the
    # error filter while this block runs. Pillow only warns for images already over its limit.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Image.open reads the header only, so the size is known before any pixel is decoded.
            with Image.open(io.BytesIO(data), formats=formats) as header:
                width, height = header.size
            pixels = width * height
            if width <= 0 or height <= 0:
                return _rejected(detected, _unreadable(slot, f"image size {width}x{height}"))
            if pixels > max_pixels:
                return _rejected(detected, _too_many_pixels(slot, pixels, max_pixels))

            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.verify()
            # verify() leaves the image unusable, so decoding needs a fresh open.
            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow raises these at open time for images above Image.MAX_IMAGE_PIXELS, so the
            # exact size is not available here.
            return _rejected(detected, _too_many_pixels(slot, f"more than {Image.MAX_IMAGE_PIXELS}", max_pixels))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
            return _rejected(detected, _unreadable(slot, error))
    return DocumentCheck(detected_content_type=detected, pages=1, pixels=pixels, reason=None)


def _too_many_pixels(slot: str, actual: int | str, limit: int) -> Reason:
    return make_reason(ReasonCode.DOCUMENT_TOO_MANY_PIXELS, document=slot, actual=actual, limit=limit)
