"""The issuance fields of a document PDF (trường số, ngày và chữ ký): their names, how they are
added to a PDF before anyone signs, and the private record of how to fill them."""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.rw_common import PdfHandler
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import (
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    append_signature_field,
)

from signing.errors import InvalidPdfError

__all__ = [
    "ARRIVAL_FIELD",
    "DATE_FIELD",
    "NUMBER_FIELD",
    "PERSONAL_FIELD",
    "SEAL_FIELD",
    "FieldPlan",
    "IssuanceInfo",
    "Rect",
    "add_issuance_fields",
    "find_field",
    "read_issuance_info",
    "text_field_rect",
]

NUMBER_FIELD = "number"
DATE_FIELD = "date"
PERSONAL_FIELD = "leader_signature"
SEAL_FIELD = "unit_seal"
ARRIVAL_FIELD = "arrival_stamp"
NUMBER_PLACEHOLDER = "{number}"
_INFO_KEY = "/EOfficeIssuance"  # private dictionary in the document catalog
BASELINE_RATIO = 0.3  # a text field's baseline sits this many font sizes above its bottom

Rect = tuple[float, float, float, float]
"""A rectangle in PDF points: (left, bottom, right, top)."""


@dataclass(frozen=True)
class IssuanceInfo:
    """What the issuance steps need to know about a prepared PDF."""

    number_format: str
    """How the number field is filled: ``{number}`` is replaced by the register number,
    e.g. ``"{number}"`` (template: symbol printed) or ``"Số: {number}/KH-LĐLĐ"`` (upload)."""

    font_size: float
    """Font size of the number and date fields, in points."""

    signer_block_printed: bool
    """Whether the page already shows the signer's title and name around the leader's field
    (then the personal signature shows only the signature image)."""

    symbol: str
    place: str


@dataclass(frozen=True)
class FieldPlan:
    """Where the issuance fields go. The number and date sit on the first page, both signature
    fields on ``signature_page``."""

    number_rect: Rect
    date_rect: Rect
    signature_page: int
    personal_rect: Rect
    seal_rect: Rect
    info: IssuanceInfo
    number_align: int = 1  # /Q: 0 left, 1 centred, 2 right
    date_align: int = 1
    arrival_rect: Rect | None = None
    """Where a receiving unit's incoming stamp (dấu đến) will be signed, on the first page: a
    free margin. None: no such field, and the seal then locks the document entirely."""


def text_field_rect(left: float, right: float, baseline: float, font_size: float) -> Rect:
    """The rectangle of a one-line text field whose text sits on ``baseline``."""
    bottom = baseline - BASELINE_RATIO * font_size
    return left, bottom, right, bottom + 1.25 * font_size


def add_issuance_fields(writer: BasePdfFileWriter, plan: FieldPlan) -> None:
    """Add the empty number and date text fields, then the two empty signature fields (the
    leader's first, the seal's second so it is drawn on top and locks every field), then the
    empty field of the receiving unit's incoming stamp, the one field the seal leaves open:
    signing it is form filling, which both earlier signatures permit."""
    form = _ensure_acroform(writer)
    for name, rect, align in (
        (NUMBER_FIELD, plan.number_rect, plan.number_align),
        (DATE_FIELD, plan.date_rect, plan.date_align),
    ):
        _add_text_field(writer, form, name, rect, align, plan.info.font_size)
    append_signature_field(
        writer,
        SigFieldSpec(
            PERSONAL_FIELD,
            on_page=plan.signature_page,
            box=_int_box(plan.personal_rect),
            readable_field_name="Chữ ký của người có thẩm quyền",
        ),
    )
    append_signature_field(
        writer,
        SigFieldSpec(
            SEAL_FIELD,
            on_page=plan.signature_page,
            box=_int_box(plan.seal_rect),
            readable_field_name="Chữ ký số của cơ quan, tổ chức",
            field_mdp_spec=_seal_lock(plan.arrival_rect is not None),
            doc_mdp_update_value=(
                MDPPerm.FILL_FORMS if plan.arrival_rect is not None else MDPPerm.NO_CHANGES
            ),
        ),
    )
    if plan.arrival_rect is not None:
        append_signature_field(
            writer,
            SigFieldSpec(
                ARRIVAL_FIELD,
                on_page=0,
                box=_int_box(plan.arrival_rect),
                readable_field_name="Dấu đến của đơn vị nhận",
            ),
        )
    info = plan.info
    writer.root[pdf_name(_INFO_KEY)] = generic.DictionaryObject(
        {
            pdf_name("/Version"): generic.NumberObject(1),
            pdf_name("/NumberFormat"): generic.TextStringObject(info.number_format),
            pdf_name("/FontSize"): generic.FloatObject(info.font_size),
            pdf_name("/SignerBlockPrinted"): generic.BooleanObject(info.signer_block_printed),
            pdf_name("/Symbol"): generic.TextStringObject(info.symbol),
            pdf_name("/Place"): generic.TextStringObject(info.place),
        }
    )
    writer.update_root()


def _seal_lock(arrival_field: bool) -> FieldMDPSpec:
    if arrival_field:
        return FieldMDPSpec(FieldMDPAction.EXCLUDE, fields=[ARRIVAL_FIELD])
    return FieldMDPSpec(FieldMDPAction.ALL)


def read_issuance_info(handler: PdfHandler) -> IssuanceInfo:
    """The issuance record of a prepared PDF; ``InvalidPdfError`` if it was not prepared here."""
    try:
        info = handler.root[_INFO_KEY]
        return IssuanceInfo(
            number_format=str(info["/NumberFormat"]),
            font_size=float(info["/FontSize"]),
            signer_block_printed=bool(info["/SignerBlockPrinted"]),
            symbol=str(info["/Symbol"]),
            place=str(info["/Place"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidPdfError(
            "Tệp PDF chưa được chuẩn bị để ký phát hành (thiếu thông tin số, ngày).",
            "The PDF was not prepared for issuance (its number/date record is missing).",
        ) from exc


def find_field(
    handler: PdfHandler, name: str
) -> tuple[generic.DictionaryObject, generic.IndirectObject]:
    """The terminal field (merged with its widget) called ``name`` at the top level of the form;
    ``InvalidPdfError`` if there is none."""
    try:
        fields = handler.root["/AcroForm"]["/Fields"]
    except KeyError:
        fields = generic.ArrayObject()
    for ref in fields:
        field = ref.get_object()
        if isinstance(field, generic.DictionaryObject) and field.get("/T") == name:
            return field, ref
    raise InvalidPdfError(
        f"Tệp PDF không có trường “{name}” cần cho việc ký phát hành.",
        f"The PDF has no field {name!r} needed for issuance.",
    )


def _ensure_acroform(writer: BasePdfFileWriter) -> generic.DictionaryObject:
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    form = root["/AcroForm"]
    form.setdefault(pdf_name("/Fields"), generic.ArrayObject())
    if "/DR" not in form:
        helvetica = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
        form[pdf_name("/DR")] = generic.DictionaryObject(
            {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): helvetica})}
        )
    form.pop("/NeedAppearances", None)
    writer.update_container(form)
    return form


def _add_text_field(
    writer: BasePdfFileWriter,
    form: generic.DictionaryObject,
    name: str,
    rect: Rect,
    align: int,
    font_size: float,
) -> None:
    page_ref = writer.find_page_for_modification(0)[0]
    left, bottom, right, top = rect
    empty = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0)]
                + [generic.FloatObject(right - left), generic.FloatObject(top - bottom)]
            ),
        },
        stream_data=b"",
    )
    field = generic.DictionaryObject(
        {
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/Ff"): generic.NumberObject(0),
            pdf_name("/DA"): generic.TextStringObject(f"/Helv {font_size:g} Tf 0 g"),
            pdf_name("/Q"): generic.NumberObject(align),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in rect),
            pdf_name("/P"): page_ref,
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(empty)}),
        }
    )
    field_ref = writer.add_object(field)
    form["/Fields"].append(field_ref)
    writer.update_container(form["/Fields"])
    writer.register_annotation(page_ref, field_ref)


def _int_box(rect: Rect) -> tuple[int, int, int, int]:
    left, bottom, right, top = (round(v) for v in rect)
    return left, bottom, right, top
