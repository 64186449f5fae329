"""A body uploaded as a PDF (văn bản do người soạn thảo tải lên), prepared for the same
issuance steps as a rendered document: number and date fields at the top of page 1, the
signature block and both empty signature fields at the bottom right of the last page."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PageObject
from pyhanko.sign.fields import enumerate_sig_fields
from reportlab.pdfgen.canvas import Canvas

from signing.errors import AlreadySignedError, InvalidPdfError
from signing.form import (
    ARRIVAL_FIELD,
    DATE_FIELD,
    NUMBER_FIELD,
    NUMBER_PLACEHOLDER,
    PERSONAL_FIELD,
    SEAL_FIELD,
    FieldPlan,
    IssuanceInfo,
    Rect,
    add_issuance_fields,
    text_field_rect,
)
from signing.pdfio import check_pdf, damage_is_invalid, open_pdf, rewrite, to_bytes
from signing.rubber_stamp import ARRIVAL_STAMP_SIZE
from signing.signature_block import (
    RESERVED_TITLE_LINES,
    BlockGeometry,
    SignerBlock,
    block_geometry,
    draw_signer_block,
)
from signing.typesetting import nfc, register_fonts

__all__ = ["SignerBlock", "check_pdf", "page_box", "prepare_uploaded_pdf", "text_in"]

MM = 72 / 25.4
FIELD_SIZE = 13.0
_OUR_FIELDS = {NUMBER_FIELD, DATE_FIELD, PERSONAL_FIELD, SEAL_FIELD, ARRIVAL_FIELD}


def prepare_uploaded_pdf(
    pdf: bytes, symbol: str, place: str, signer_block: SignerBlock | None = None
) -> bytes:
    """Validate an uploaded PDF and add the issuance fields to it (the result is one fresh
    revision). With ``signer_block`` the signer's title and name are printed beside the
    leader's field; without it the personal signature draws them when it is made. When text
    already fills the bottom right of the last page, a blank page is added for the block.

    Raises ``InvalidPdfError`` (not a PDF, corrupt, encrypted, no pages, already prepared) and
    ``AlreadySignedError`` (the upload already carries a digital signature)."""
    symbol = nfc(symbol).strip().lstrip("/")
    if not symbol:
        raise ValueError("the symbol (ký hiệu) must not be empty")
    with damage_is_invalid():
        return _prepare(pdf, symbol, nfc(place).strip(), signer_block)


def _prepare(pdf: bytes, symbol: str, place: str, signer_block: SignerBlock | None) -> bytes:
    reader = open_pdf(pdf)
    _refuse_signed_or_prepared(reader)
    page_count = int(reader.root["/Pages"]["/Count"])
    first_box = page_box(reader, 0)
    last_box = page_box(reader, page_count - 1)
    title_lines = len(signer_block.title_lines) if signer_block else RESERVED_TITLE_LINES
    geometry = _block_geometry(last_box, title_lines)
    writer = rewrite(reader)
    signature_page = page_count - 1
    if text_in(pdf, signature_page, _block_area(geometry)):
        _append_blank_page(writer, last_box)
        signature_page += 1
    if signer_block is not None:
        _print_signer_block(writer, signature_page, last_box, geometry, signer_block)
    left, _, right, top = first_box
    baseline = top - 12 * MM
    plan = FieldPlan(
        number_rect=text_field_rect(left + 20 * MM, left + 100 * MM, baseline, FIELD_SIZE),
        date_rect=text_field_rect((left + right) / 2, right - 15 * MM, baseline, FIELD_SIZE),
        number_align=0,
        date_align=2,
        signature_page=signature_page,
        personal_rect=geometry.image_rect if signer_block else geometry.block_rect,
        seal_rect=geometry.seal_rect,
        arrival_rect=_arrival_rect(
            pdf, first_box, _block_area(geometry) if signature_page == 0 else None
        ),
        info=IssuanceInfo(
            number_format=f"Số: {NUMBER_PLACEHOLDER}/{symbol}",
            font_size=FIELD_SIZE,
            signer_block_printed=signer_block is not None,
            symbol=symbol,
            place=place,
        ),
    )
    add_issuance_fields(writer, plan)
    return to_bytes(writer)


def _refuse_signed_or_prepared(reader: PdfFileReader) -> None:
    for name, value, _ref in enumerate_sig_fields(reader):
        if value is not None:
            raise AlreadySignedError(
                "Tệp PDF tải lên đã có chữ ký số; hãy tải lên bản chưa ký.",
                f"The uploaded PDF is already signed (field {name!r}); upload an unsigned copy.",
            )
    try:
        fields = reader.root["/AcroForm"]["/Fields"]
        names = {str(ref.get_object().get("/T", "")) for ref in fields}
    except (KeyError, AttributeError):
        names = set()
    if names & _OUR_FIELDS:
        raise InvalidPdfError(
            "Tệp PDF đã có các trường số, ngày hoặc chữ ký của hệ thống.",
            f"The PDF already has issuance fields ({', '.join(sorted(names & _OUR_FIELDS))}).",
        )


def page_box(reader: PdfFileReader, index: int) -> Rect:
    """The visible box of a page (crop box, else media box, inherited through the tree)."""
    page_ref = reader.find_page_for_modification(index)[0]
    node = page_ref.get_object()
    for key in ("/CropBox", "/MediaBox"):
        current = node
        while current is not None:
            if key in current:
                left, bottom, right, top = (float(v) for v in current[key])
                return min(left, right), min(bottom, top), max(left, right), max(bottom, top)
            parent = current.get("/Parent")
            current = parent.get_object() if parent is not None else None
    return 0.0, 0.0, 595.28, 841.89


def _block_geometry(box: Rect, title_lines: int) -> BlockGeometry:
    _, bottom, right, _ = box
    return block_geometry(right - 15 * MM - 115, bottom + 15 * MM, title_lines)


def _block_area(geometry: BlockGeometry) -> Rect:
    left = min(geometry.block_rect[0], geometry.seal_rect[0])
    bottom = min(geometry.block_rect[1], geometry.seal_rect[1])
    top = max(geometry.block_rect[3], geometry.seal_rect[3])
    return left, bottom, geometry.block_rect[2], top


def _arrival_rect(pdf: bytes, box: Rect, block: Rect | None) -> Rect | None:
    """A free place for the incoming stamp in the bottom margin of page 1 (the top margin holds
    the number and date): left, else right; none when text (or the signature block of a
    one-page document) is in both, and the document then gets no incoming stamp."""
    width, height = ARRIVAL_STAMP_SIZE
    left, bottom, right, _ = box
    base = bottom + 4 * MM
    for x in (left + 15 * MM, right - 15 * MM - width):
        rect = (x, base, x + width, base + height)
        if not text_in(pdf, 0, rect) and (block is None or not _overlap(rect, block)):
            return rect
    return None


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_in(pdf: bytes, page_index: int, area: Rect) -> bool:
    """Whether any text on the page runs into ``area`` (a best effort: text drawn as images or
    paths, e.g. a scan, is not seen)."""
    left, bottom, right, top = area
    try:
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[page_index]
        return any(
            x_end >= left and x_start <= right and bottom <= y <= top
            for x_start, x_end, y in _text_runs(page)
        )
    except Exception:  # a parser boundary: if pypdf cannot read the text, assume room
        return False


def _text_runs(page: pypdf.PageObject) -> Iterator[tuple[float, float, float]]:
    runs: list[tuple[float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[0] * cm[0]) or 1.0
        runs.append((x, x + len(text.rstrip()) * size * scale * 0.5, y))

    page.extract_text(visitor_text=visit)
    return iter(runs)


def _append_blank_page(writer: BasePdfFileWriter, box: Rect) -> None:
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=list(box)))


def _print_signer_block(
    writer: BasePdfFileWriter,
    page_index: int,
    box: Rect,
    geometry: BlockGeometry,
    block: SignerBlock,
) -> None:
    """Print the title and name on the page: drawn with reportlab on an overlay page, which is
    then painted over the page as a form XObject."""
    register_fonts()
    left, bottom, right, top = box
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(right - left, top - bottom), invariant=True)
    canvas.translate(-left, -bottom)
    draw_signer_block(canvas, geometry, block)
    canvas.showPage()
    canvas.save()
    overlay = PdfFileReader(io.BytesIO(buffer.getvalue()))
    xobject = writer.import_page_as_xobject(overlay, 0)
    name = generic.NameObject("/SignerBlock")
    paint = f"q 1 0 0 1 {left:.4f} {bottom:.4f} cm {name} Do Q".encode("ascii")
    resources = generic.DictionaryObject(
        {generic.NameObject("/XObject"): generic.DictionaryObject({name: xobject})}
    )
    writer.add_stream_to_page(
        page_index, writer.add_object(generic.StreamObject(stream_data=paint)), resources
    )
