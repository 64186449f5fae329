"""The receiving unit's incoming stamp (dấu "ĐẾN", Nghị định 30/2020, Điều 22): a signature of
the receiving unit into the empty field the issuer left for it in a free margin of page 1,
drawn as a small red-framed box — "ĐẾN", the arrival number, the arrival date and time
(+07:00), the unit's name. It is one incremental update: the sender's personal signature and
seal stay valid (signing a prepared, unlocked field is form filling, which both permit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signing.errors import AlreadySignedError, SigningError
from signing.form import ARRIVAL_FIELD, PERSONAL_FIELD, SEAL_FIELD, find_field
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pades import SignatureRequest, sign_into_field
from signing.pdfio import damage_is_invalid, open_for_update, open_pdf
from signing.rubber_stamp import ArrivalStampStyle
from signing.typesetting import nfc
from signing.validation import is_untouched
from signing.wording import to_vietnam_time

__all__ = ["ArrivalStamp", "can_stamp_arrival", "stamp_arrival"]


@dataclass(frozen=True)
class ArrivalStamp:
    """What the incoming stamp says (nội dung dấu đến)."""

    unit_name: str
    """The receiving unit, e.g. "Liên đoàn Lao động thành phố Bến Tre"."""
    arrival_number: int
    """The arrival number (số đến) from the unit's incoming register."""
    received_at: dt.datetime
    """The arrival time, written in Vietnam time (+07:00)."""


def can_stamp_arrival(pdf: bytes) -> bool:
    """Whether ``pdf`` has an empty incoming-stamp field (documents issued here have one; a
    file prepared elsewhere, or by an older version, may not)."""
    with damage_is_invalid():
        reader = open_pdf(pdf)
        try:
            field, _ = find_field(reader, ARRIVAL_FIELD)
        except SigningError:
            return False
        return "/V" not in field


def stamp_arrival(
    pdf: bytes,
    key: SigningKey,
    stamp: ArrivalStamp,
    signing_time: dt.datetime | None = None,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """The receiving unit's signature into the incoming-stamp field of an issued PDF, visible
    as the stamp box; returns the whole stamped PDF (the input bytes are its first part).

    Raises ``InvalidPdfError`` (not a PDF, or no incoming-stamp field), ``AlreadySignedError``
    (stamped already) and ``SigningError`` (the sender's signatures are missing or broken, or
    the trust services did not answer)."""
    moment = to_vietnam_time(signing_time or stamp.received_at)
    if stamp.arrival_number < 1:
        raise ValueError("the arrival number must be positive")
    with damage_is_invalid():
        writer = open_for_update(pdf)  # InvalidPdfError with a clear message for garbage
        field, _ = find_field(writer, ARRIVAL_FIELD)
        if "/V" in field:
            raise AlreadySignedError(
                "Văn bản đã được đóng dấu đến.", "The document already carries an incoming stamp."
            )
        for name in (PERSONAL_FIELD, SEAL_FIELD):
            if not is_untouched(writer.prev, name, form_filling_allowed=True):
                raise SigningError(
                    "Chữ ký số của nơi gửi không còn toàn vẹn hoặc văn bản chưa được ban hành; "
                    "không đóng dấu đến.",
                    "The sender's signatures are missing or broken: no incoming stamp.",
                )
        unit_name = nfc(stamp.unit_name).strip()
        request = SignatureRequest(
            field_name=ARRIVAL_FIELD,
            key=key,
            stamp_style=ArrivalStampStyle(
                unit_name=unit_name,
                arrival_number=stamp.arrival_number,
                received_at=to_vietnam_time(stamp.received_at),
            ),
            signing_time=moment,
            reason=f"Đóng dấu đến, số đến {stamp.arrival_number}",
            name=unit_name,
            level=level,
            services=services,
        )
        return sign_into_field(writer, request)
