"""Render an issued permit as a one-page A4 PDF with a QR code for public verification.

The permit carries business data only: no NIK, phone number, email or address of the owner.
The permit number is also stored as the PDF's /Subject so a verifier can read it without the
database.
"""

import io
from datetime import UTC, datetime, timedelta, timezone

import qrcode
import qrcode.constants
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from schemas.permit import Permit
from schemas.status import RiskLevel

WITA = timezone(timedelta(hours=8), "WITA")

DEFAULT_OFFICE_NAME = "DPMPTSP Provinsi Gorontalo"

RISK_LABELS: dict[RiskLevel, str] = {
    RiskLevel.LOW: "Rendah / Low (R)",
    RiskLevel.MEDIUM_LOW: "Menengah Rendah / Medium-low (MR)",
    RiskLevel.MEDIUM_HIGH: "Menengah Tinggi / Medium-high (MT)",
    RiskLevel.HIGH: "Tinggi / High (T)",
}

_MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

_QR_PIXELS_PER_MODULE = 8
_QR_SIZE = 42 * mm
_MARGIN = 20 * mm
_LABEL_WIDTH = 62 * mm
_BODY_FONT = ("Helvetica", 10.5)
_LINE = 14


def qr_image(verify_url: str) -> Image.Image:
    """Encode `verify_url` as a black-on-white QR code with a four-module quiet zone."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=_QR_PIXELS_PER_MODULE,
        border=4,
    )
    code.add_data(verify_url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def format_wita(moment: datetime) -> str:
    """Format a timestamp in WITA (UTC+8), e.g. "5 Maret 2025 14:30 WITA". Naive values are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(WITA)
    return f"{local.day} {_MONTHS_ID[local.month - 1]} {local.year} {local:%H:%M} WITA"


def render_permit_pdf(
    permit: Permit,
    *,
    verify_url: str,
    sector_name: str,
    region_name: str,
    office_name: str = DEFAULT_OFFICE_NAME,
) -> bytes:
    """Render `permit` as a one-page A4 PDF and return its bytes.

    The canvas is invariant (fixed creation date and document id), so the same permit renders
    to the same bytes.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"Izin Usaha {permit.permit_number}")
    canvas.setSubject(permit.permit_number)
    canvas.setAuthor(office_name)
    canvas.setCreator("GOSO")
    canvas.setKeywords(["izin usaha", "business permit", permit.permit_number])

    width, height = A4
    y = _draw_header(canvas, office_name, width, height)

    rows = [
        ("Nomor Izin / Permit number", permit.permit_number),
        ("Nama Usaha / Business name", permit.business_name),
        ("NIB", permit.nib),
        ("KBLI", f"{permit.kbli} - {permit.kbli_title}"),
        ("Sektor / Sector", sector_name),
        ("Tingkat Risiko / Risk level", RISK_LABELS[permit.risk_level]),
        ("Wilayah / Region", f"{region_name} ({permit.region_code})"),
        ("Tanggal Terbit / Issued", format_wita(permit.issued_at)),
    ]
    y = _draw_rows(canvas, rows, y, width)

    if permit.deemed_approval:
        y = _draw_deemed_approval_note(canvas, y - _LINE, width)

    _draw_qr(canvas, verify_url, y - 2 * _LINE, width)
    _draw_footer(canvas, office_name, width)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_header(canvas: Canvas, office_name: str, width: float, height: float) -> float:
    y = height - _MARGIN - 6 * mm
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(width / 2, y, "PEMERINTAH PROVINSI GORONTALO")
    y -= _LINE
    canvas.drawCentredString(width / 2, y, office_name)
    y -= 8
    canvas.setLineWidth(1.2)
    canvas.line(_MARGIN, y, width - _MARGIN, y)

    y -= 18 * mm
    canvas.setFont("Helvetica-Bold", 24)
    canvas.drawCentredString(width / 2, y, "IZIN USAHA")
    y -= 20
    canvas.setFont("Helvetica-Oblique", 13)
    canvas.drawCentredString(width / 2, y, "Business Permit")
    return y - 16 * mm


def _draw_rows(canvas: Canvas, rows: list[tuple[str, str]], y: float, width: float) -> float:
    value_x = _MARGIN + _LABEL_WIDTH
    value_width = width - _MARGIN - value_x
    for label, value in rows:
        canvas.setFont("Helvetica-Bold", _BODY_FONT[1])
        canvas.drawString(_MARGIN, y, label)
        canvas.setFont(*_BODY_FONT)
        for line in simpleSplit(value, _BODY_FONT[0], _BODY_FONT[1], value_width):
            canvas.drawString(value_x, y, line)
            y -= _LINE
        y -= 4
    return y


def _draw_deemed_approval_note(canvas: Canvas, y: float, width: float) -> float:
    note = (
        "Izin ini terbit karena permohonan dianggap disetujui (fiktif positif): tim teknis tidak "
        "memutuskan sebelum batas waktu. / This permit was issued as deemed approved (fiktif positif) "
        "because the technical team did not decide before the deadline."
    )
    canvas.setFont("Helvetica-Oblique", 9.5)
    for line in simpleSplit(note, "Helvetica-Oblique", 9.5, width - 2 * _MARGIN):
        canvas.drawString(_MARGIN, y, line)
        y -= 12
    return y


def _draw_qr(canvas: Canvas, verify_url: str, top: float, width: float) -> None:
    x = width - _MARGIN - _QR_SIZE
    canvas.drawImage(ImageReader(qr_image(verify_url)), x, top - _QR_SIZE, _QR_SIZE, _QR_SIZE)

    canvas.setFont("Helvetica", 9)
    text_width = width - 2 * _MARGIN - _QR_SIZE - 6 * mm
    y = top - 12
    canvas.drawString(_MARGIN, y, "Pindai kode QR untuk memeriksa keaslian izin ini.")
    y -= 12
    canvas.drawString(_MARGIN, y, "Scan the QR code to check that this permit is genuine:")
    y -= 12
    for line in simpleSplit(verify_url, "Helvetica", 9, text_width):
        canvas.drawString(_MARGIN, y, line)
        y -= 12


def _draw_footer(canvas: Canvas, office_name: str, width: float) -> None:
    canvas.setFont("Helvetica", 8)
    y = _MARGIN
    canvas.drawString(
        _MARGIN, y + 10, f"Dokumen ini ditandatangani secara elektronik oleh {office_name}."
    )
    canvas.drawString(
        _MARGIN, y, f"This document is electronically signed by {office_name}; any change invalidates the signature."
    )
    canvas.line(_MARGIN, y + 22, width - _MARGIN, y + 22)
