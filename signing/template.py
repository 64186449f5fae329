"""The document PDF that gets signed (văn bản điện tử theo thể thức Nghị định 30/2020): A4, a
Times-like serif, the header with the national motto, the number and date left as fillable
fields, and two empty signature fields (the leader's, then the unit seal's)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

from signing.body import body_paragraphs
from signing.fonts import FontStyle
from signing.form import (
    NUMBER_PLACEHOLDER,
    FieldPlan,
    IssuanceInfo,
    Rect,
    add_issuance_fields,
    text_field_rect,
)
from signing.pdfio import open_pdf, rewrite, to_bytes
from signing.rubber_stamp import ARRIVAL_STAMP_SIZE
from signing.signature_block import SignerBlock, block_geometry, block_height, draw_signer_block
from signing.typesetting import draw_centred_lines, font_name, markup, nfc, register_fonts, wrap
from signing.uploaded import check_pdf, prepare_uploaded_pdf

__all__ = ["DocumentLayout", "check_pdf", "prepare_uploaded_pdf", "render_document"]

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
LEFT_COLUMN = (LEFT - 25, LEFT + 220)  # issuer, number (may reach into the left margin)
RIGHT_COLUMN = (LEFT + 224, PAGE_WIDTH - RIGHT + 10)  # motto, place and date
HEADER_SIZE = 12.0
FIELD_SIZE = 13.0
BODY_SIZE = 13.0
NUMBER_FIELD_WIDTH = 38.0
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class DocumentLayout:
    """What is printed on a document; the number and date come later, at issuance."""

    parent_name: str | None
    """The direct parent body, printed above the issuer, e.g. "TỔNG LĐLĐ VIỆT NAM"."""
    issuer_name: str
    """e.g. "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE"."""
    symbol: str
    """Printed after the number: "Số:  __ /KH-LĐLĐ"."""
    place: str
    """e.g. "Bến Tre"; the date line is filled at issuance."""
    type_title: str
    """e.g. "KẾ HOẠCH"; empty for a công văn (its subject goes under the number as "V/v …")."""
    subject: str
    body: str
    """Paragraphs separated by blank lines; headings such as "I. MỤC ĐÍCH" are set in bold."""
    signer_authority: str | None
    """"TM. BAN CHẤP HÀNH", "KT. CHỦ TỊCH" or None."""
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)
    """The "Nơi nhận" lines."""


def layout_text(layout: DocumentLayout) -> str:
    """The text printed by `render_document`, in reading order, as a text extractor reads it
    from the PDF (without the number and date, which come at issuance): what search indexes,
    known without parsing the PDF again."""
    title = layout.type_title.strip()
    lines = [
        *(line for line in (layout.parent_name, layout.issuer_name) if line),
        *MOTTO,
        f"Số: {_symbol_suffix(layout)}",
        *([title, layout.subject.strip()] if title else [" ".join(_subject_text(layout))]),
        *(paragraph.strip() for paragraph in layout.body.split("\n") if paragraph.strip()),
        *(line for line in (layout.signer_authority, layout.signer_title) if line),
        layout.signer_name,
        "Nơi nhận:",
        *(f"- {line.strip()}" for line in layout.recipients if line.strip()),
    ]
    return nfc("\n".join(lines))


def _subject_text(layout: DocumentLayout) -> list[str]:
    subject = nfc(layout.subject).strip()
    return [subject if subject.lower().startswith("v/v") else f"V/v {subject}"]


def render_document(layout: DocumentLayout) -> bytes:
    """The document as a PDF ready for the personal signature."""
    register_fonts()

    def first_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_header(canvas, layout)

    def later_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setFont(font_name(FontStyle.REGULAR), BODY_SIZE)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - TOP / 2 - 4, str(doc.page))

    header_height = _header_height(layout)
    first_frame = _frame("first", PAGE_HEIGHT - TOP - BOTTOM - header_height)
    later_frame = _frame("later", PAGE_HEIGHT - TOP - BOTTOM)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=nfc(layout.subject),
        author=nfc(layout.issuer_name),
        lang="vi-VN",
        invariant=True,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
    )
    doc.addPageTemplates(
        [
            PageTemplate("first", [first_frame], onPage=first_page, autoNextPageTemplate="later"),
            PageTemplate("later", [later_frame], onPage=later_page),
        ]
    )
    block = _SignatureFlowable(layout)
    doc.build([*_title(layout), *body_paragraphs(layout.body, BODY_SIZE), Spacer(1, 10), block])
    assert block.plan_position is not None
    page_index, centre_x, bottom = block.plan_position
    geometry = block_geometry(centre_x, bottom, block.title_count)
    number_x, number_baseline = _number_position(layout)
    plan = FieldPlan(
        number_rect=text_field_rect(
            number_x, number_x + NUMBER_FIELD_WIDTH, number_baseline, FIELD_SIZE
        ),
        date_rect=text_field_rect(*RIGHT_COLUMN, number_baseline, FIELD_SIZE),
        signature_page=page_index,
        personal_rect=geometry.image_rect,
        seal_rect=geometry.seal_rect,
        arrival_rect=_arrival_rect(),
        info=IssuanceInfo(
            number_format=NUMBER_PLACEHOLDER,
            font_size=FIELD_SIZE,
            signer_block_printed=True,
            symbol=_symbol_suffix(layout)[1:],
            place=nfc(layout.place),
        ),
    )
    writer = rewrite(open_pdf(buffer.getvalue()))
    add_issuance_fields(writer, plan)
    return to_bytes(writer)


def _arrival_rect() -> Rect:
    """The incoming stamp's place: the top margin of page 1, above the issuer's name (where
    nothing is printed), as the paper "ĐẾN" stamp goes near the number."""
    width, height = ARRIVAL_STAMP_SIZE
    left, top = LEFT_COLUMN[0], PAGE_HEIGHT - (TOP - height) / 2
    return left, top - height, left + width, top


def _frame(name: str, height: float) -> Frame:
    return Frame(
        LEFT,
        BOTTOM,
        CONTENT_WIDTH,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=name,
    )


def _header_lines(layout: DocumentLayout) -> tuple[list[str], list[str]]:
    width = LEFT_COLUMN[1] - LEFT_COLUMN[0] - 8
    parent = wrap(
        nfc(layout.parent_name or "").upper(), FontStyle.REGULAR, HEADER_SIZE, width, balanced=True
    )
    issuer = wrap(
        nfc(layout.issuer_name).upper(), FontStyle.BOLD, HEADER_SIZE, width, balanced=True
    )
    return parent, issuer


def _number_position(layout: DocumentLayout) -> tuple[float, float]:
    """Left edge of the number field and the baseline of the number and date line."""
    parent, issuer = _header_lines(layout)
    top = PAGE_HEIGHT - TOP - HEADER_SIZE
    baseline = top - 15 * (len(parent) + len(issuer) - 1) - 26
    regular = font_name(FontStyle.REGULAR)
    prefix_width = stringWidth("Số: ", regular, FIELD_SIZE)
    suffix_width = stringWidth(_symbol_suffix(layout), regular, FIELD_SIZE)
    total = prefix_width + NUMBER_FIELD_WIDTH + suffix_width
    left = (LEFT_COLUMN[0] + LEFT_COLUMN[1]) / 2 - total / 2
    return left + prefix_width, baseline


def _symbol_suffix(layout: DocumentLayout) -> str:
    return "/" + nfc(layout.symbol).lstrip("/")


def _subject_lines(layout: DocumentLayout) -> list[str]:
    """The công văn subject ("V/v …") printed under its number."""
    if layout.type_title.strip():
        return []
    subject = nfc(layout.subject).strip()
    if not subject.lower().startswith("v/v"):
        subject = f"V/v {subject}"
    return wrap(subject, FontStyle.REGULAR, 12, LEFT_COLUMN[1] - LEFT_COLUMN[0], balanced=True)


def _header_height(layout: DocumentLayout) -> float:
    _, baseline = _number_position(layout)
    lowest = baseline - 15 * len(_subject_lines(layout))
    return PAGE_HEIGHT - TOP - lowest + 12


def _draw_header(canvas: Canvas, layout: DocumentLayout) -> None:
    parent, issuer = _header_lines(layout)
    left_centre = (LEFT_COLUMN[0] + LEFT_COLUMN[1]) / 2
    right_centre = (RIGHT_COLUMN[0] + RIGHT_COLUMN[1]) / 2
    top = PAGE_HEIGHT - TOP - HEADER_SIZE
    size = HEADER_SIZE
    if parent:
        draw_centred_lines(canvas, parent, left_centre, top, FontStyle.REGULAR, size, 15)
    last = draw_centred_lines(
        canvas, issuer, left_centre, top - 15 * len(parent), FontStyle.BOLD, size, 15
    )
    bold = font_name(FontStyle.BOLD)
    rule = stringWidth(issuer[-1], bold, size) * 0.45
    canvas.setLineWidth(0.6)
    canvas.line(left_centre - rule / 2, last - 6, left_centre + rule / 2, last - 6)
    draw_centred_lines(canvas, [MOTTO[0]], right_centre, top, FontStyle.BOLD, size, 15)
    draw_centred_lines(canvas, [MOTTO[1]], right_centre, top - 15, FontStyle.BOLD, 13.5, 15)
    motto_width = stringWidth(MOTTO[1], bold, 13.5)
    canvas.line(right_centre - motto_width / 2, top - 21, right_centre + motto_width / 2, top - 21)
    number_left, baseline = _number_position(layout)
    regular = font_name(FontStyle.REGULAR)
    canvas.setFont(regular, FIELD_SIZE)
    canvas.drawRightString(number_left, baseline, "Số: ")
    canvas.drawString(number_left + NUMBER_FIELD_WIDTH, baseline, _symbol_suffix(layout))
    subject = _subject_lines(layout)
    if subject:
        draw_centred_lines(canvas, subject, left_centre, baseline - 16, FontStyle.REGULAR, 12, 15)


def _title(layout: DocumentLayout) -> list[Flowable]:
    if not layout.type_title.strip():
        return [Spacer(1, 6)]
    bold = font_name(FontStyle.BOLD)
    title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=17, alignment=TA_CENTER)
    subject = ParagraphStyle("subject", parent=title, spaceBefore=1)
    lines = wrap(layout.subject, FontStyle.BOLD, 14, CONTENT_WIDTH - 80, balanced=True)
    return [
        Spacer(1, 10),
        Paragraph(markup(layout.type_title).upper(), title),
        Paragraph("<br/>".join(markup(line) for line in lines), subject),
        _Rule(60),
        Spacer(1, 10),
    ]


class _Rule(Flowable):
    """A short centred horizontal line, as under the subject."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.rule_width = width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available_width = available_width
        return available_width, 6

    def draw(self) -> None:
        middle = self.available_width / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(middle - self.rule_width / 2, 3, middle + self.rule_width / 2, 3)


RECIPIENT_SIZE = 11.0
RECIPIENT_LEADING = 13.0
SEAL_CLEARANCE = 8.0  # between the recipients column and the seal


def _hanging_rows(line: str, width: float) -> list[tuple[float, str]]:
    """One "Nơi nhận" entry as rows (indent, text) no wider than ``width``: "- " then the
    text, continuation rows indented under the text."""
    text = " ".join((line if line.startswith(("-", "+", "•")) else f"- {line}").split())
    first, *_ = wrap(text, FontStyle.REGULAR, RECIPIENT_SIZE, width)
    rest = text[len(first) :].strip()
    if not rest:
        return [(0.0, first)]
    indent = stringWidth("- ", font_name(FontStyle.REGULAR), RECIPIENT_SIZE)
    return [
        (0.0, first),
        *((indent, row) for row in wrap(rest, FontStyle.REGULAR, RECIPIENT_SIZE, width - indent)),
    ]


class _SignatureFlowable(Flowable):
    """Recipients on the left, the signer's block on the right; kept on one page, and
    remembering where it was drawn so the signature fields can be put there."""

    def __init__(self, layout: DocumentLayout) -> None:
        super().__init__()
        self.layout = layout
        self.block = SignerBlock(
            title_lines=[t for t in (layout.signer_authority, layout.signer_title) if t],
            full_name=layout.signer_name,
        )
        self.title_count = len(self.block.title_lines)
        self.plan_position: tuple[int, float, float] | None = None
        self.recipient_lines = [nfc(r).strip() for r in layout.recipients if r.strip()]
        self.recipient_rows: list[tuple[float, str]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        seal_left = block_geometry(self._centre_x(), 0, self.title_count).seal_rect[0]
        self.recipient_rows = [
            row
            for line in self.recipient_lines
            for row in _hanging_rows(line, seal_left - SEAL_CLEARANCE)
        ]
        rows = len(self.recipient_rows)
        recipients = 14 + RECIPIENT_LEADING * rows if rows else 0
        self.height = max(block_height(self.title_count), recipients) + 8
        return self.width, self.height

    @staticmethod
    def _centre_x() -> float:
        """The signer block's centre, relative to the frame's left edge (padding 0)."""
        return (RIGHT_COLUMN[0] + RIGHT_COLUMN[1]) / 2 - LEFT

    def draw(self) -> None:
        canvas = self.canv
        origin_x, _ = canvas.absolutePosition(0, 0)
        centre_x = self._centre_x() + LEFT - origin_x
        bottom = self.height - 8 - block_height(self.title_count)
        draw_signer_block(canvas, block_geometry(centre_x, bottom, self.title_count), self.block)
        if self.recipient_lines:
            top = self.height - 8 - 12
            canvas.setFont(font_name(FontStyle.BOLD_ITALIC), 12)
            canvas.drawString(0, top, "Nơi nhận:")
            canvas.setFont(font_name(FontStyle.REGULAR), RECIPIENT_SIZE)
            for index, (indent, text) in enumerate(self.recipient_rows):
                canvas.drawString(indent, top - 14 - RECIPIENT_LEADING * index, text)
        absolute_x, absolute_bottom = canvas.absolutePosition(centre_x, bottom)
        self.plan_position = (canvas.getPageNumber() - 1, absolute_x, absolute_bottom)
