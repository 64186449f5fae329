"""An invisible PAdES signature in a new field (chữ ký số không hiển thị): the unit's seal on a
report, a summary or any PDF that has no prepared field, as fast as the signature itself allows
(the CMS from the key's DER template, the file parsed once, no appearance)."""

from __future__ import annotations

import datetime as dt
import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, append_signature_field
from pyhanko.stamp import TextStampStyle

from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pades import SignatureRequest, sign_into_field
from signing.pdfio import damage_is_invalid
from signing.typesetting import nfc
from signing.wording import to_vietnam_time

__all__ = ["DEFAULT_FIELD", "seal_invisibly"]

DEFAULT_FIELD = "ChuKySo"
_NEVER_DRAWN = TextStampStyle()  # the field has no area: pyHanko draws nothing


def seal_invisibly(
    pdf: bytes,
    key: SigningKey,
    signing_time: dt.datetime,
    *,
    reason: str,
    name: str | None = None,
    field_name: str = DEFAULT_FIELD,
    certify: bool = False,
    docmdp: MDPPerm = MDPPerm.NO_CHANGES,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """``pdf`` with an invisible signature by ``key`` in a new field ``field_name``, as one
    incremental update (then the validation data and document timestamp from B-LT up). By
    default an approval signature after which nothing may change but validation data and
    document timestamps; ``certify`` makes it the document's certification signature.

    Raises ``InvalidPdfError`` (not a readable PDF, or the field exists) and ``SigningError``
    (the trust services did not answer, the certificate is not usable)."""
    with damage_is_invalid():
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        append_signature_field(writer, SigFieldSpec(sig_field_name=field_name))
        request = SignatureRequest(
            field_name=field_name,
            key=key,
            stamp_style=_NEVER_DRAWN,
            signing_time=to_vietnam_time(signing_time),
            certify=certify,
            docmdp=docmdp,
            reason=nfc(reason),
            name=nfc(name) if name else None,
            level=level,
            services=services,
        )
        return sign_into_field(writer, request)
