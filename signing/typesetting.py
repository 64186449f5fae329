"""reportlab set-up for documents: the serif family with Vietnamese glyphs, and text helpers."""

from __future__ import annotations

import functools
import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from signing.fonts import FontStyle, font_path

__all__ = ["FAMILY", "draw_centred_lines", "font_name", "markup", "nfc", "register_fonts", "wrap"]

FAMILY = "EOfficeSerif"
_NAMES = {
    FontStyle.REGULAR: FAMILY,
    FontStyle.BOLD: f"{FAMILY}-Bold",
    FontStyle.ITALIC: f"{FAMILY}-Italic",
    FontStyle.BOLD_ITALIC: f"{FAMILY}-BoldItalic",
}


@functools.cache
def register_fonts() -> str:
    """Register the serif family with reportlab once; returns the family name."""
    for style, name in _NAMES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    for bold, italic, style in (
        (0, 0, FontStyle.REGULAR),
        (1, 0, FontStyle.BOLD),
        (0, 1, FontStyle.ITALIC),
        (1, 1, FontStyle.BOLD_ITALIC),
    ):
        addMapping(FAMILY, bold, italic, _NAMES[style])
    return FAMILY


def font_name(style: FontStyle) -> str:
    register_fonts()
    return _NAMES[style]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def markup(text: str) -> str:
    """Plain text made safe for a reportlab Paragraph."""
    return escape(nfc(text))


def wrap(
    text: str, style: FontStyle, size: float, width: float, *, balanced: bool = False
) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (words are never split). Balanced:
    as many lines, but of even length ("LIÊN ĐOÀN LAO ĐỘNG / HUYỆN YÊN ĐỊNH")."""
    lines = _greedy(text, font_name(style), size, width)
    if not balanced or len(lines) < 2:
        return lines
    narrow, wide = 0.0, width
    while wide - narrow > 1:
        middle = (narrow + wide) / 2
        if len(_greedy(text, font_name(style), size, middle)) > len(lines):
            narrow = middle
        else:
            wide = middle
    return _greedy(text, font_name(style), size, wide)


def _greedy(text: str, name: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in nfc(text).split():
        candidate = f"{current} {word}".strip()
        if current and pdfmetrics.stringWidth(candidate, name, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def draw_centred_lines(
    canvas: Canvas,
    lines: list[str],
    centre_x: float,
    top_baseline: float,
    style: FontStyle,
    size: float,
    leading: float,
) -> float:
    """Draw centred lines downwards from ``top_baseline``; returns the last baseline."""
    canvas.setFont(font_name(style), size)
    baseline = top_baseline
    for index, line in enumerate(lines):
        baseline = top_baseline - index * leading
        canvas.drawCentredString(centre_x, baseline, line)
    return baseline
