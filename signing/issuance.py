"""The two-signature issuance of Nghị định 30/2020 (ký ban hành văn bản điện tử):
1. the competent person signs (certification signature allowing form filling only);
2. the clerk's system fills the number and date and applies the unit's seal signature, in one
   incremental update, so the person's signature stays valid and shows "form filling"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import MDPPerm
from pyhanko.stamp import BaseStampStyle

from signing.appearance import captioned_seal
from signing.errors import AlreadySignedError, SigningError
from signing.fonts import FontStyle, MemoryFontFactory, font_path
from signing.form import (
    DATE_FIELD,
    NUMBER_FIELD,
    NUMBER_PLACEHOLDER,
    PERSONAL_FIELD,
    SEAL_FIELD,
    find_field,
    read_issuance_info,
)
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pades import SignatureRequest, sign_into_field
from signing.pdfio import damage_is_invalid, open_for_update
from signing.stamps import ImageStampStyle, SignerStampStyle, open_png, text_field_appearance
from signing.typesetting import nfc
from signing.validation import is_untouched
from signing.wording import VIETNAM_TZ, iso_vietnam, to_vietnam_time

__all__ = ["PersonalAppearance", "SealAppearance", "fill_number_and_seal", "sign_personal"]

_READ_ONLY = 1


@dataclass(frozen=True)
class PersonalAppearance:
    """How the person's signature looks (chữ ký của người có thẩm quyền)."""

    title_lines: list[str]
    """Authority and title, drawn only when the page does not print them already."""
    full_name: str
    signature_png: bytes
    """The signature image: blue, transparent background."""


@dataclass(frozen=True)
class SealAppearance:
    """How the unit's signature looks (chữ ký số của cơ quan, tổ chức: hình con dấu)."""

    unit_name: str
    seal_png: bytes
    """The seal image: red, transparent background; the signing time is added on its ring."""


def sign_personal(
    pdf: bytes,
    key: SigningKey,
    appearance: PersonalAppearance,
    signing_time: dt.datetime | None = None,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """The leader's certification signature (PAdES, form filling allowed afterwards) into the
    prepared field, visible as the signature image (with title and name when the page does
    not print them). From ``level`` B-T up, ``services`` names the TSA and trust roots."""
    with damage_is_invalid():
        writer, request = personal_request(
            pdf, key, appearance, signing_time, level=level, services=services
        )
        return sign_into_field(writer, request)


def personal_request(
    pdf: bytes,
    key: SigningKey,
    appearance: PersonalAppearance,
    signing_time: dt.datetime | None = None,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> tuple[IncrementalPdfFileWriter, SignatureRequest]:
    """The writer over ``pdf`` and the request of the leader's signature (``sign_personal``,
    and the two steps of a remote one in ``signing.remote_signature``); refuses a document
    signed already."""
    moment = to_vietnam_time(signing_time or dt.datetime.now(VIETNAM_TZ))
    signature = open_png(appearance.signature_png)
    writer = _open_writer(pdf)
    field, _ = find_field(writer, PERSONAL_FIELD)
    if "/V" in field:
        raise AlreadySignedError(
            "Văn bản đã được người có thẩm quyền ký.",
            "The document already carries the personal signature.",
        )
    info = read_issuance_info(writer)
    style: BaseStampStyle = (
        ImageStampStyle(image=signature)
        if info.signer_block_printed
        else SignerStampStyle(
            title_lines=tuple(nfc(line).upper() for line in appearance.title_lines),
            full_name=nfc(appearance.full_name),
            signature=signature,
        )
    )
    request = SignatureRequest(
        field_name=PERSONAL_FIELD,
        key=key,
        stamp_style=style,
        signing_time=moment,
        certify=True,
        reason="Ký ban hành văn bản",
        location=info.place or None,
        level=level,
        services=services,
    )
    return writer, request


def fill_number_and_seal(
    pdf: bytes,
    number: str,
    date_line: str,
    key: SigningKey,
    seal: SealAppearance,
    signing_time: dt.datetime,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """Fill the number and the date (read-only afterwards) and apply the unit's seal signature,
    all in one incremental update. The seal shows the signing time (ISO 8601, +07:00).
    From ``level`` B-LT up the validation data follow as their own updates (and at B-LTA a
    document timestamp), which the person's signature accepts as LTA updates."""
    moment = to_vietnam_time(signing_time)
    number, date_line = nfc(number.strip()), nfc(date_line.strip())
    if not number or not date_line:
        raise ValueError("the number and the date line must not be empty")
    seal_picture = captioned_seal(seal.seal_png, iso_vietnam(moment))
    with damage_is_invalid():
        writer = _open_writer(pdf)
        _check_ready_for_seal(writer)
        info = read_issuance_info(writer)
        number_text = info.number_format.replace(NUMBER_PLACEHOLDER, number)
        regular = MemoryFontFactory(font_path(FontStyle.REGULAR), info.font_size)
        italic = MemoryFontFactory(font_path(FontStyle.ITALIC), info.font_size)
        _fill(writer, NUMBER_FIELD, number_text, regular, info.font_size)
        _fill(writer, DATE_FIELD, date_line, italic, info.font_size)
        request = SignatureRequest(
            field_name=SEAL_FIELD,
            key=key,
            stamp_style=ImageStampStyle(image=seal_picture),
            signing_time=moment,
            # the seal field's lock decides (pyHanko takes the stricter of the two): every field
            # is locked, only the incoming-stamp field may still be signed (older files: none)
            docmdp=MDPPerm.FILL_FORMS,
            reason=f"Phát hành văn bản số {number_text}",
            location=info.place or None,
            name=nfc(seal.unit_name),
            level=level,
            services=services,
        )
        return sign_into_field(writer, request)


def _check_ready_for_seal(writer: IncrementalPdfFileWriter) -> None:
    personal, _ = find_field(writer, PERSONAL_FIELD)
    seal_field, _ = find_field(writer, SEAL_FIELD)
    if "/V" in seal_field:
        raise AlreadySignedError(
            "Văn bản đã được đóng dấu (ký số của cơ quan).",
            "The document already carries the unit's seal signature.",
        )
    if "/V" not in personal:
        raise SigningError(
            "Văn bản chưa có chữ ký của người có thẩm quyền; chưa thể cấp số và đóng dấu.",
            "The personal signature is missing: the number and seal cannot be applied yet.",
        )
    if not is_untouched(writer.prev, PERSONAL_FIELD):
        raise SigningError(
            "Chữ ký của người có thẩm quyền không còn toàn vẹn hoặc văn bản đã bị sửa sau khi "
            "ký; không thể cấp số và đóng dấu.",
            "The personal signature is broken or the document was changed after it: the "
            "number and seal cannot be applied.",
        )


def _open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return open_for_update(pdf)  # InvalidPdfError with a clear message for garbage


def _fill(
    writer: IncrementalPdfFileWriter,
    name: str,
    text: str,
    font: MemoryFontFactory,
    font_size: float,
) -> None:
    field, ref = find_field(writer, name)
    left, bottom, right, top = (float(v) for v in field["/Rect"])
    appearance = text_field_appearance(
        writer,
        font.create_font_engine(writer),
        "/F" + name.capitalize(),
        text,
        (left, bottom, right, top),
        font_size,
        int(field.get("/Q", 0)),
    )
    field[pdf_name("/V")] = generic.TextStringObject(text)
    field[pdf_name("/Ff")] = generic.NumberObject(int(field.get("/Ff", 0)) | _READ_ONLY)
    field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
    writer.mark_update(ref)
