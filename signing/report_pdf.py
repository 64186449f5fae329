"""Reports as PDF: a unit's report form and a round's summary (bảng tổng hợp) as tables with
Vietnamese text (embedded serif font, NFC), and the signature that closes them — an invisible
PAdES signature of the person or the unit, added as its own field."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from signing.fonts import FontStyle
from signing.invisible import DEFAULT_FIELD, seal_invisibly
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.typesetting import font_name, markup, nfc, register_fonts

__all__ = ["ReportTable", "TablePdf", "render_table_pdf", "sign_invisibly"]

_SIZE = 10


@dataclass(frozen=True)
class ReportTable:
    heading: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None
    """Relative column widths; equal when not given."""


@dataclass(frozen=True)
class TablePdf:
    """A report page: the issuer lines, a title, lines under it, tables, closing lines."""

    issuer_lines: Sequence[str]
    title: str
    subtitle_lines: Sequence[str] = ()
    tables: Sequence[ReportTable] = ()
    closing_lines: Sequence[str] = field(default_factory=tuple)
    landscape: bool = False


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    regular, bold = font_name(FontStyle.REGULAR), font_name(FontStyle.BOLD)
    base = ParagraphStyle("base", fontName=regular, fontSize=_SIZE, leading=_SIZE * 1.25)
    return {
        "cell": base,
        "head": ParagraphStyle("head", parent=base, fontName=bold, alignment=TA_CENTER),
        "issuer": ParagraphStyle("issuer", parent=base, fontName=bold, fontSize=11, leading=14),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontName=font_name(FontStyle.ITALIC),
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontName=bold, fontSize=11, leading=14, spaceBefore=8
        ),
    }


def render_table_pdf(page: TablePdf) -> bytes:
    """The report as a PDF (A4, landscape for wide tables); long tables continue on the
    next pages with their header repeated."""
    styles = _styles()
    size = landscape(A4) if page.landscape else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=size,
        title=nfc(page.title),
        lang="vi-VN",
        invariant=True,
        initialFontName=font_name(FontStyle.REGULAR),  # no unembedded Helvetica left in it
        initialFontSize=_SIZE,
        leftMargin=2 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )
    story: list = [Paragraph(markup(line), styles["issuer"]) for line in page.issuer_lines]
    story += [Spacer(1, 10), Paragraph(markup(page.title.upper()), styles["title"])]
    story += [Paragraph(markup(line), styles["subtitle"]) for line in page.subtitle_lines]
    for table in page.tables:
        story += [Spacer(1, 6), Paragraph(markup(table.heading), styles["section"]), Spacer(1, 4)]
        story.append(_table(table, doc.width, styles))
    story.append(Spacer(1, 8))
    story += [Paragraph(markup(line), styles["cell"]) for line in page.closing_lines]
    doc.build(story)
    return buffer.getvalue()


def _table(table: ReportTable, width: float, styles: dict[str, ParagraphStyle]) -> LongTable:
    weights = list(table.widths or [1.0] * len(table.columns))
    total = sum(weights)
    header = [Paragraph(markup(column), styles["head"]) for column in table.columns]
    body = [[Paragraph(markup(str(cell)), styles["cell"]) for cell in row] for row in table.rows]
    grid = LongTable([header, *body], colWidths=[width * w / total for w in weights], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), font_name(FontStyle.REGULAR)),
            ]
        )
    )
    return grid


def sign_invisibly(
    pdf: bytes,
    key: SigningKey,
    signing_time: dt.datetime,
    *,
    reason: str,
    name: str | None = None,
    field_name: str = DEFAULT_FIELD,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """A PAdES approval signature with no image, in a new field; nothing may change after it
    but validation data and document timestamps (B-LT, B-LTA). ``seal_invisibly``."""
    return seal_invisibly(
        pdf,
        key,
        signing_time,
        reason=reason,
        name=name,
        field_name=field_name,
        level=level,
        services=services,
    )
