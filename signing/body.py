"""The body of a document (nội dung văn bản): plain text split into paragraphs and set as
justified reportlab paragraphs, as Nghị định 30 lays them out."""

from __future__ import annotations

import re

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph

from signing.fonts import FontStyle
from signing.typesetting import font_name, markup, nfc

__all__ = ["body_paragraphs", "split_paragraphs"]

_HEADING_MAX = 120  # a longer line in capitals is shouting, not a heading
_ITEM_START = re.compile(r"^([IVXLC]+\.|\d+(\.\d+)*[.)]|[a-zđ]\)|[-+•])\s")


def body_paragraphs(body: str, size: float) -> list[Flowable]:
    """The body as justified paragraphs (first line indented 1 cm), headings in bold."""
    style = ParagraphStyle(
        "body",
        fontName=font_name(FontStyle.REGULAR),
        fontSize=size,
        leading=size * 1.3,
        firstLineIndent=1 * cm,
        alignment=TA_JUSTIFY,
        spaceAfter=5,
    )
    heading = ParagraphStyle("heading", parent=style, fontName=font_name(FontStyle.BOLD))
    return [
        Paragraph(markup(text), heading if is_heading else style)
        for text, is_heading in split_paragraphs(body)
    ]


def split_paragraphs(body: str) -> list[tuple[str, bool]]:
    """Paragraphs of the body, each with whether it is a heading. Blank lines separate
    paragraphs; a heading line or a numbered item also starts one; other lines are joined."""
    result: list[tuple[str, bool]] = []
    for block in re.split(r"\n\s*\n", nfc(body).replace("\r\n", "\n")):
        current: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            heading = _is_heading(line)
            if current and (heading or _ITEM_START.match(line)):
                result.append((" ".join(current), False))
                current = []
            if heading:
                result.append((line, True))
            else:
                current.append(line)
        if current:
            result.append((" ".join(current), False))
    return result


def _is_heading(line: str) -> bool:
    """A short line in capitals, such as "I. MỤC ĐÍCH, YÊU CẦU" or "KẾT LUẬN"."""
    return (
        len(line) <= _HEADING_MAX
        and line.upper() == line
        and sum(char.isalpha() for char in line) >= 2
    )
