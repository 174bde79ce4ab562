import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from functions.domain.documents import (
    DocumentCheck,
    detect_content_type,
    inspect_document,
    sha256_hex,
)
from schemas.reasons import ReasonCode

ACCEPTED = ("application/pdf", "image/jpeg", "image/png")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

# Expected outcome of every file in the malformed folders: a page count when the file is
# accepted, else the reason code. The tolerant PDF reader repairs some broken files, and
# Pillow decodes some odd JPEGs completely; those are accepted on purpose.
MALFORMED_OUTCOMES: dict[str, int | ReasonCode] = {
    "pdf-malformed/pypdf-attachment.pdf": 1,
    "pdf-malformed/pypdf-crazyones-encrypted-256.pdf": ReasonCode.DOCUMENT_ENCRYPTED,
    "pdf-malformed/pypdf-issue-297.pdf": 1,
    # LZW-compressed bytes without any file header.
    "pdf-malformed/pypdf-lzw_decoder_table_overflow.bin": ReasonCode.DOCUMENT_UNSUPPORTED_TYPE,
    "pdf-malformed/pypdf-r2-empty-password.pdf": ReasonCode.DOCUMENT_ENCRYPTED,
    "pdf-malformed/pypdf-r6-user-password.pdf": ReasonCode.DOCUMENT_ENCRYPTED,
    "pdf-malformed/qpdf-append-xref-loop.pdf": 30,
    # Only the page tree is read, so the broken JPEG inside the page is not decoded.
    "pdf-malformed/qpdf-bad-jpeg.pdf": 1,
    "pdf-malformed/qpdf-bad-xref.pdf": ReasonCode.DOCUMENT_UNREADABLE,
    # The whole file is the five bytes "oops\n".
    "pdf-malformed/qpdf-bad1.pdf": ReasonCode.DOCUMENT_UNSUPPORTED_TYPE,
    "pdf-malformed/qpdf-bad10.pdf": 1,
    "pdf-malformed/qpdf-bad2.pdf": ReasonCode.DOCUMENT_UNREADABLE,
    "images-malformed/broken_data_stream.png": ReasonCode.DOCUMENT_UNREADABLE,
    "images-malformed/decompression_bomb.gif": ReasonCode.DOCUMENT_UNSUPPORTED_TYPE,
    "images-malformed/exif-ifd-offset.jpg": 1,
    "images-malformed/junk_jpeg_header.jpg": 1,
    "images-malformed/truncated_jpeg.jpg": ReasonCode.DOCUMENT_UNREADABLE,
    "images-malformed/zero_width.gif": ReasonCode.DOCUMENT_UNSUPPORTED_TYPE,
}


@pytest.fixture(scope="module")
def data_dir() -> Path:
    value = os.environ.get("GOSO_TEST_DATA")
    if not value:
        pytest.fail("GOSO_TEST_DATA is not set; point it at the shared test data folder")
    return Path(value)


def inspect(data: bytes, **overrides: object) -> DocumentCheck:
    options: dict[str, object] = {
        "slot": "site_plan",
        "accepted_types": ACCEPTED,
        "max_bytes": MAX_BYTES,
        "max_pixels": MAX_PIXELS,
    }
    options.update(overrides)
    return inspect_document(data, **options)  # type: ignore[arg-type]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bilevel_png(width: int, height: int) -> bytes:
    """Build a 1-bit greyscale PNG of zeros; large sizes compress to a few kilobytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row) for _ in range(height)]
    chunks.append(compressor.flush())
    pixels = b"".join(chunks)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def test_valid_pdfs_accepted(data_dir: Path) -> None:
    files = sorted((data_dir / "documents" / "pdf").glob("*.pdf"))
    assert len(files) >= 5
    for path in files:
        check = inspect(path.read_bytes())
        assert check.reason is None, f"{path.name}: {check.reason}"
        assert check.detected_content_type == "application/pdf", path.name
        assert check.pages is not None and check.pages > 0, path.name
        assert check.pixels is None, path.name


def test_valid_images_accepted(data_dir: Path) -> None:
    files = [
        path
        for path in sorted((data_dir / "documents" / "images").iterdir())
        if detect_content_type(path.read_bytes()) in ACCEPTED
    ]
    assert {path.suffix for path in files} == {".jpg", ".png"}
    for path in files:
        check = inspect(path.read_bytes())
        assert check.reason is None, f"{path.name}: {check.reason}"
        assert check.pages == 1, path.name
        assert check.pixels is not None and check.pixels > 0, path.name


def test_known_page_counts(data_dir: Path) -> None:
    pdf_dir = data_dir / "documents" / "pdf"
    assert inspect((pdf_dir / "Seige_of_Vicksburg_Sample_OCR.pdf").read_bytes()).pages == 6
    assert inspect((pdf_dir / "two-different-pages.pdf").read_bytes()).pages == 2
    assert inspect((data_dir / "documents" / "images" / "hopper.png").read_bytes()).pixels == 128 * 128


@pytest.mark.parametrize(("name", "label"), [("hopper.tif", "TIFF"), ("hopper.webp", "WebP")])
def test_other_image_types_rejected(data_dir: Path, name: str, label: str) -> None:
    check = inspect((data_dir / "documents" / "images" / name).read_bytes())
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_UNSUPPORTED_TYPE
    assert check.reason.document == "site_plan"
    assert f"is {label}, which is not accepted" in check.reason.message.en
    assert "Accepted types: PDF, JPEG, PNG." in check.reason.message.en
    assert "Format yang diterima: PDF, JPEG, PNG." in check.reason.message.id


@pytest.mark.parametrize("relative", sorted(MALFORMED_OUTCOMES))
def test_malformed_file_outcome(data_dir: Path, relative: str) -> None:
    expected = MALFORMED_OUTCOMES[relative]
    check = inspect((data_dir / "documents" / relative).read_bytes())
    if isinstance(expected, ReasonCode):
        assert check.reason is not None, f"{relative} was accepted"
        assert check.reason.code is expected
        assert check.pages is None
    else:
        assert check.reason is None, f"{relative}: {check.reason}"
        assert check.pages == expected


def test_malformed_table_covers_every_file(data_dir: Path) -> None:
    present = {
        f"{folder}/{path.name}"
        for folder in ("pdf-malformed", "images-malformed")
        for path in (data_dir / "documents" / folder).iterdir()
    }
    assert present == set(MALFORMED_OUTCOMES)


def test_unreadable_names_error_class(data_dir: Path) -> None:
    check = inspect((data_dir / "documents" / "images-malformed" / "truncated_jpeg.jpg").read_bytes())
    assert check.reason is not None
    assert "(OSError)" in check.reason.message.en
    assert "Traceback" not in check.reason.message.en


def test_xref_loop_finishes_quickly(data_dir: Path) -> None:
    data = (data_dir / "documents" / "pdf-malformed" / "qpdf-append-xref-loop.pdf").read_bytes()
    started = time.monotonic()
    inspect(data)
    assert time.monotonic() - started < 2.0


def test_empty_file_rejected() -> None:
    check = inspect(b"")
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_EMPTY
    assert check.detected_content_type is None


def test_too_large_rejected(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.png").read_bytes()
    check = inspect(data, max_bytes=1000)
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TOO_LARGE
    assert f"is {len(data)} bytes, over the 1000-byte limit" in check.reason.message.en


def test_size_at_limit_accepted(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.png").read_bytes()
    assert inspect(data, max_bytes=len(data)).reason is None


def test_too_many_pixels_small_limit(data_dir: Path) -> None:
    check = inspect((data_dir / "documents" / "images" / "hopper.jpg").read_bytes(), max_pixels=10_000)
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TOO_MANY_PIXELS
    assert "has 16384 pixels, over the 10000-pixel limit" in check.reason.message.en


def test_png_bomb_under_pillow_limit_rejected() -> None:
    # 8000 x 6000 = 48 megapixels in about 6 KB: over the slot limit, under Pillow's own limit.
    data = bilevel_png(8000, 6000)
    assert len(data) < 100_000
    check = inspect(data)
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TOO_MANY_PIXELS
    assert "has 48000000 pixels" in check.reason.message.en


def test_png_bomb_over_pillow_limit_rejected() -> None:
    # 20000 x 20000 = 400 megapixels: Pillow itself raises DecompressionBombError at open.
    data = bilevel_png(20_000, 20_000)
    assert len(data) < 200_000
    check = inspect(data, max_pixels=10**12)
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TOO_MANY_PIXELS


def test_png_bomb_over_warning_limit_rejected() -> None:
    # Between Image.MAX_IMAGE_PIXELS and twice that, Pillow only warns, and the inspector raises the warning.
    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    check = inspect(bilevel_png(side, side), max_pixels=10**12)
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TOO_MANY_PIXELS


def test_zero_width_png_unreadable() -> None:
    check = inspect(bilevel_png(0, 10))
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_UNREADABLE


def test_truncated_png_unreadable(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.png").read_bytes()
    check = inspect(data[: len(data) // 2])
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_UNREADABLE


def test_pdf_without_pages_rejected() -> None:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    check = inspect(buffer.getvalue())
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_NO_PAGES


def test_pdf_header_after_junk_accepted(data_dir: Path) -> None:
    data = (data_dir / "documents" / "pdf" / "hello-world.pdf").read_bytes()
    check = inspect(b"\x00" * 500 + data)
    assert check.detected_content_type == "application/pdf"
    assert check.reason is None


def test_truncated_pdf_never_raises(data_dir: Path) -> None:
    data = (data_dir / "documents" / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf").read_bytes()
    for length in (10, 100, 1000, len(data) // 2):
        check = inspect(data[:length])
        assert check.detected_content_type == "application/pdf"
        assert isinstance(check, DocumentCheck)


def test_declared_type_mismatch_rejected(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.png").read_bytes()
    check = inspect(data, declared_content_type="application/pdf")
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_TYPE_MISMATCH
    assert "declared as application/pdf but its content is PNG" in check.reason.message.en


def test_declared_type_alias_accepted(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.jpg").read_bytes()
    assert inspect(data, declared_content_type="image/jpg").reason is None
    assert inspect(data, declared_content_type="Image/JPEG; charset=binary").reason is None


def test_slot_accepting_pdf_only(data_dir: Path) -> None:
    data = (data_dir / "documents" / "images" / "hopper.jpg").read_bytes()
    check = inspect(data, accepted_types=("application/pdf",))
    assert check.reason is not None
    assert check.reason.code is ReasonCode.DOCUMENT_UNSUPPORTED_TYPE
    assert "Accepted types: PDF." in check.reason.message.en


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a", "image/gif"),
        (b"BM", "image/bmp"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
        (b"PK\x03\x04", "application/zip"),
        (b"hello", None),
    ],
)
def test_detect_other_types(prefix: bytes, expected: str | None) -> None:
    assert detect_content_type(prefix + b"\x00" * 32) == expected


def test_sha256_hex() -> None:
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
