"""The unit's invisible signature with an information block at the top right of page 1
(Nghị định 30/2020, Phụ lục I): how electronic copies (bản sao điện tử) and attachments in the
same file (phụ lục kèm theo) are signed — no signature image; the information (copy form,
copying unit, number and symbol, signing time in ISO 8601 +07:00) in Times New Roman 10
(Liberation Serif, metric-compatible, embedded), upright, black.

The result is a new PDF: the chosen pages of the source as they look (earlier signatures'
appearances flattened into the page, their signature fields dropped), the block drawn on the
first page, then the unit's certification signature, which allows no later change."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfResources, ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, append_signature_field
from pyhanko.stamp import TextStampStyle

from signing.errors import InvalidPdfError
from signing.fonts import FontStyle, MemoryFontFactory, font_path
from signing.form import Rect
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pades import SignatureRequest, sign_into_field
from signing.pdfio import damage_is_invalid, open_pdf, to_bytes
from signing.stamps import pdf_number, shaped_line
from signing.typesetting import nfc
from signing.uploaded import page_box, text_in
from signing.wording import to_vietnam_time

__all__ = ["INFO_BLOCK_SIZE", "INFO_FIELD", "sign_with_info_block"]

INFO_FIELD = "unit_signature"
INFO_BLOCK_SIZE = 10.0
"""Times New Roman 10 (Nghị định 30, Phụ lục I)."""
_LEADING = 11.5
_MARGIN_RIGHT, _MARGIN_TOP, _PADDING = 28.0, 8.0, 3.0
_HIDDEN = 2  # annotation flag: not shown, not printed


def sign_with_info_block(
    pdf: bytes,
    key: SigningKey,
    lines: Sequence[str],
    signing_time: dt.datetime,
    *,
    pages: Sequence[int] | None = None,
    signer_name: str | None = None,
    reason: str | None = None,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """A new PDF of ``pages`` of ``pdf`` (0-based, in the given order; all when None), with
    ``lines`` (NFC) at the top right of its first page — on a white box when text is already
    there — signed invisibly by ``key`` at ``signing_time``.

    Raises ``InvalidPdfError`` (not a readable PDF, or a page out of range) and
    ``SigningError`` (the trust services did not answer, the certificate is not usable)."""
    moment = to_vietnam_time(signing_time)
    texts = [nfc(line).strip() for line in lines]
    if not texts or not all(texts):
        raise ValueError("the information block needs non-empty lines")
    with damage_is_invalid():
        reader = open_pdf(pdf)
        count = int(reader.root["/Pages"]["/Count"])
        chosen = list(range(count)) if pages is None else list(pages)
        if not chosen or any(not 0 <= index < count for index in chosen):
            raise InvalidPdfError(
                f"Trang được chọn không có trong văn bản (văn bản có {count} trang).",
                f"A chosen page is not in the document (it has {count} pages).",
            )
        writer = PdfFileWriter()
        for index in chosen:
            _copy_page(writer, reader, index)
        first = chosen[0]
        engine = MemoryFontFactory(
            font_path(FontStyle.REGULAR), INFO_BLOCK_SIZE
        ).create_font_engine(writer)
        area = _block_area(engine, page_box(reader, first), texts)
        _draw_block(writer, engine, area, texts, white=text_in(pdf, first, area))
        append_signature_field(
            writer,
            SigFieldSpec(INFO_FIELD, on_page=0, readable_field_name="Chữ ký số của cơ quan"),
        )
        prepared = to_bytes(writer)
    request = SignatureRequest(
        field_name=INFO_FIELD,
        key=key,
        stamp_style=TextStampStyle(),  # never drawn: the field has no area
        signing_time=moment,
        certify=True,
        docmdp=MDPPerm.NO_CHANGES,
        reason=reason,
        name=nfc(signer_name) if signer_name else None,
        level=level,
        services=services,
    )
    with damage_is_invalid():
        return sign_into_field(IncrementalPdfFileWriter(io.BytesIO(prepared)), request)


def _copy_page(writer: PdfFileWriter, reader: PdfFileReader, index: int) -> None:
    """The page as it looks: its content as a form XObject, then every visible annotation's
    normal appearance painted where the annotation sits. No annotation, form field or
    signature is carried over."""
    page = reader.find_page_for_modification(index)[0].get_object()
    left, bottom, right, top = page_box(reader, index)
    xobjects = generic.DictionaryObject(
        {pdf_name("/Page"): writer.import_page_as_xobject(reader, index)}
    )
    paint = [b"q /Page Do Q"]
    for annotation in _annotations(page):
        placed = _placed_appearance(writer, annotation)
        if placed is not None:
            name = f"/Annot{len(xobjects)}"
            xobjects[pdf_name(name)] = placed[0]
            paint.append(b"q %s cm %s Do Q" % (placed[1], name.encode("ascii")))
    contents = writer.add_object(generic.StreamObject(stream_data=b"\n".join(paint)))
    resources = generic.DictionaryObject({pdf_name("/XObject"): xobjects})
    copied = PageObject(
        contents=contents, media_box=[left, bottom, right, top], resources=resources
    )
    rotate = _inherited(page, "/Rotate")
    if isinstance(rotate, generic.NumberObject):
        copied[pdf_name("/Rotate")] = generic.NumberObject(int(rotate))
    writer.insert_page(copied)


def _inherited(page: generic.DictionaryObject, key: str) -> object:
    node: generic.DictionaryObject | None = page
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _annotations(page: generic.DictionaryObject) -> list[generic.DictionaryObject]:
    found = []
    for ref in page.get("/Annots", generic.ArrayObject()):
        annotation = ref.get_object()
        if isinstance(annotation, generic.DictionaryObject) and not (
            int(annotation.get("/F", 0)) & _HIDDEN
        ):
            found.append(annotation)
    return found


def _placed_appearance(
    writer: PdfFileWriter, annotation: generic.DictionaryObject
) -> tuple[generic.PdfObject, bytes] | None:
    """The annotation's normal appearance, imported, and the matrix that maps its box onto the
    annotation's rectangle (PDF 32000, 12.5.5); None if it shows nothing."""
    try:
        normal = annotation["/AP"]["/N"]
        if isinstance(normal, generic.DictionaryObject) and not isinstance(
            normal, generic.StreamObject
        ):
            normal = normal[annotation["/AS"]]
        stream = normal.get_object() if hasattr(normal, "get_object") else normal
        rect = [float(v) for v in annotation["/Rect"]]
        bbox = [float(v) for v in stream["/BBox"]]
    except (KeyError, TypeError):
        return None
    a, b, c, d, e, f = (float(v) for v in stream.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in bbox[::2] for y in bbox[1::2]]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    r_left, r_right = sorted((rect[0], rect[2]))
    r_bottom, r_top = sorted((rect[1], rect[3]))
    if width <= 0 or height <= 0 or r_right - r_left <= 0 or r_top - r_bottom <= 0:
        return None
    sx, sy = (r_right - r_left) / width, (r_top - r_bottom) / height
    n = pdf_number
    matrix = b"%s 0 0 %s %s %s" % (
        n(sx),
        n(sy),
        n(r_left - min(xs) * sx),
        n(r_bottom - min(ys) * sy),
    )
    return writer.import_object(normal), matrix


def _block_area(engine: GlyphAccumulator, box: Rect, lines: Sequence[str]) -> Rect:
    """Where the block goes: its top right corner near the page's, as wide as its longest
    line, one line per ``_LEADING``."""
    width = max(engine.shape(line).x_advance for line in lines) * INFO_BLOCK_SIZE
    _, _, right, top = box
    block_right, block_top = right - _MARGIN_RIGHT, top - _MARGIN_TOP
    height = _LEADING * len(lines) + 2 * _PADDING
    return block_right - width - 2 * _PADDING, block_top - height, block_right, block_top


def _draw_block(
    writer: PdfFileWriter,
    engine: GlyphAccumulator,
    area: Rect,
    lines: Sequence[str],
    *,
    white: bool,
) -> None:
    left, bottom, right, top = area
    n = pdf_number
    commands = [b"q"]
    if white:
        commands.append(
            b"1 g %s %s %s %s re f" % (n(left), n(bottom), n(right - left), n(top - bottom))
        )
    commands.append(b"0 g")
    for index, line in enumerate(lines):
        baseline = top - _PADDING - _LEADING * (index + 1) + (_LEADING - INFO_BLOCK_SIZE) / 2 + 2
        shaped = engine.shape(line)
        commands.append(
            shaped_line(engine, "/FInfo", shaped, INFO_BLOCK_SIZE, left + _PADDING, baseline, 0)
        )
    commands.append(b"Q")
    resources = PdfResources()
    resources[ResourceType.FONT][pdf_name("/FInfo")] = engine.as_resource()
    stream = writer.add_object(generic.StreamObject(stream_data=b"\n".join(commands)))
    writer.add_stream_to_page(0, stream, resources.as_pdf_object())
