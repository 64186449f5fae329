"""The one place where pyHanko signs: a PAdES signature into an existing field, at a given
signing time. Only baseline B-B for now; B-T (a timestamp authority) and B-LT/B-LTA (embedded
revocation data, document timestamps) add a timestamper and a validation context here."""

from __future__ import annotations

import datetime as dt
import enum
import io
from dataclasses import dataclass

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.stamp import BaseStampStyle

from signing.errors import SigningError
from signing.keys import KeyMaterial

__all__ = ["SignatureLevel", "SignatureRequest", "sign_into_field"]


class SignatureLevel(enum.Enum):
    """PAdES baseline levels (ETSI EN 319 142-1). Only B-B is produced so far."""

    B_B = "PAdES-B-B"


@dataclass(frozen=True)
class SignatureRequest:
    """One signature into an existing, empty signature field."""

    field_name: str
    key: KeyMaterial
    stamp_style: BaseStampStyle
    signing_time: dt.datetime
    certify: bool = False
    """A certification (author) signature: the first one, setting what may change later."""
    docmdp: MDPPerm = MDPPerm.FILL_FORMS
    """What may change after this signature; must agree with the field's lock, if any."""
    reason: str | None = None
    location: str | None = None
    name: str | None = None
    level: SignatureLevel = SignatureLevel.B_B


_BYTES_RESERVED = {SignatureLevel.B_B: 16384}


def sign_into_field(writer: IncrementalPdfFileWriter, request: SignatureRequest) -> bytes:
    """Sign, writing everything pending in ``writer`` and the signature as one incremental
    update; returns the whole signed PDF."""
    meta = PdfSignatureMetadata(
        field_name=request.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=request.certify,
        docmdp_permissions=request.docmdp,
        reason=request.reason,
        location=request.location,
        name=request.name,
    )
    signer = _TimedPdfSigner(
        meta, request.key.signer(), request.signing_time, stamp_style=request.stamp_style
    )
    output = io.BytesIO()
    try:
        signer.sign_pdf(
            writer,
            existing_fields_only=True,
            bytes_reserved=_BYTES_RESERVED[request.level],
            output=output,
        )
    except PyHankoSigningError as exc:
        raise SigningError(
            f"Không ký được văn bản: {exc}",
            f"Signing failed: {exc}",
        ) from exc
    return output.getvalue()


class _TimedPdfSigner(PdfSigner):
    """A PdfSigner whose signing time is given rather than read from the clock, so the time
    drawn in the seal and the time in the signature are the same instant."""

    def __init__(
        self,
        meta: PdfSignatureMetadata,
        signer: Signer,
        signing_time: dt.datetime,
        *,
        stamp_style: BaseStampStyle,
    ) -> None:
        super().__init__(meta, signer, stamp_style=stamp_style)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session
