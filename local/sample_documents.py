"""Generate the sample applications' documents: small PDFs and images marked as samples."""

import io

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def make_pdf(title: str, lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(title)
    width, height = A4
    page.setFont("Helvetica-Bold", 16)
    page.drawString(60, height - 80, title)
    page.setFont("Helvetica", 11)
    for index, line in enumerate(lines):
        page.drawString(60, height - 120 - 18 * index, line)
    page.setFont("Helvetica-Oblique", 9)
    page.drawString(60, 50, "CONTOH - dokumen buatan untuk demo GOSO / SAMPLE - generated for the GOSO demo")
    page.showPage()
    page.save()
    return buffer.getvalue()


def make_image(kind: str, title: str, lines: list[str]) -> bytes:
    image = Image.new("RGB", (900, 560), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 889, 549), outline=(40, 60, 120), width=4)
    draw.text((40, 40), title, fill=(20, 20, 20))
    for index, line in enumerate(lines):
        draw.text((40, 90 + 28 * index), line, fill=(40, 40, 40))
    draw.text((40, 510), "CONTOH / SAMPLE - GOSO demo", fill=(160, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG" if kind == "jpeg" else "PNG", quality=85)
    return buffer.getvalue()


def make_document(kind: str, title: str, lines: list[str]) -> bytes:
    """Return the bytes of a sample document of `kind` (pdf, jpeg or png)."""
    if kind == "pdf":
        return make_pdf(title, lines)
    if kind in ("jpeg", "png"):
        return make_image(kind, title, lines)
    raise ValueError(f"unknown sample document kind '{kind}'; use pdf, jpeg or png")
