"""Small test PDFs: real text in an embedded font, so extraction reads back what was written."""

from __future__ import annotations

import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def small_pdf(*lines: str) -> bytes:
    """A one-page PDF with the given lines (Vietnamese, embedded DejaVu font)."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", DEJAVU))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("DejaVuSans", 13)
    for index, line in enumerate(lines or ("Kế hoạch tải lên",)):
        page.drawString(72, 720 - 20 * index, line)
    page.save()
    return buffer.getvalue()
