"""Electronic copies (bản sao điện tử, Nghị định 30/2020, Điều 25–27 and Phụ lục I) and
attachments in the same file (phụ lục kèm theo): both carry only the unit's invisible signature
and an information block at the top right of page 1 (``signing.info_block``).

A copy's block: the copy form (SAO Y, SAO LỤC or TRÍCH SAO — the latter of chosen pages), the
copying unit, the copy's number and symbol (copies are numbered in one yearly register per unit,
common to the three forms, e.g. ``Số: 01/SY-LĐLĐ``), and the signing time in ISO 8601 +07:00."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from signing.info_block import sign_with_info_block
from signing.keys import SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.wording import iso_vietnam, to_vietnam_time

__all__ = ["CopyForm", "CopyInfo", "copy_block_lines", "make_copy", "sign_attachment"]


class CopyForm(enum.Enum):
    """The forms of copy (hình thức bản sao)."""

    SAO_Y = "sao_y"
    """A full copy of the original (bản sao y)."""
    SAO_LUC = "sao_luc"
    """A full copy made from a copy (bản sao lục)."""
    TRICH_SAO = "trich_sao"
    """A copy of part of the document: chosen pages (bản trích sao)."""

    @property
    def mark(self) -> str:
        """The mark printed on the copy."""
        return {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}[self.value]

    @property
    def abbreviation(self) -> str:
        """The abbreviation in the copy's symbol (Phụ lục III): SY, SL, TS."""
        return {"sao_y": "SY", "sao_luc": "SL", "trich_sao": "TS"}[self.value]


@dataclass(frozen=True)
class CopyInfo:
    """What a copy's information block says."""

    form: CopyForm
    unit_name: str
    """The copying unit (cơ quan, tổ chức sao văn bản)."""
    number_symbol: str
    """The copy's number and symbol, e.g. ``01/SY-LĐLĐ`` (printed after "Số: ")."""
    copied_at: dt.datetime
    """The signing time, printed in ISO 8601 with +07:00."""


def copy_block_lines(info: CopyInfo) -> tuple[str, ...]:
    """The lines of a copy's block, top to bottom."""
    return (
        info.form.mark,
        info.unit_name.strip(),
        f"Số: {info.number_symbol.strip()}",
        iso_vietnam(info.copied_at),
    )


def make_copy(
    pdf: bytes,
    key: SigningKey,
    info: CopyInfo,
    pages: Sequence[int] | None = None,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """The electronic copy of ``pdf``: every page (SAO Y, SAO LỤC) or ``pages`` (TRÍCH SAO,
    0-based, required), the block at the top right of its first page, the copying unit's
    invisible signature. Raises ``InvalidPdfError`` for a bad PDF or a page out of range and
    ``ValueError`` for pages given with a full-copy form or missing for TRÍCH SAO."""
    if (info.form is CopyForm.TRICH_SAO) != (pages is not None):
        raise ValueError("TRÍCH SAO needs the chosen pages; the full-copy forms take none")
    return sign_with_info_block(
        pdf,
        key,
        copy_block_lines(info),
        to_vietnam_time(info.copied_at),
        pages=pages,
        signer_name=info.unit_name,
        reason=f"{info.form.mark} số {info.number_symbol}",
        level=level,
        services=services,
    )


def sign_attachment(
    pdf: bytes,
    key: SigningKey,
    unit_name: str,
    document_number_symbol: str,
    signing_time: dt.datetime,
    *,
    level: SignatureLevel = SignatureLevel.B_B,
    services: TrustServices | None = None,
) -> bytes:
    """An attachment sent in the same file as a document (phụ lục kèm theo): the issuing unit's
    invisible signature, with the main document's number and symbol and the signing time at
    the top right of its first page."""
    return sign_with_info_block(
        pdf,
        key,
        (f"Số: {document_number_symbol.strip()}", iso_vietnam(signing_time)),
        signing_time,
        signer_name=unit_name,
        reason=f"Phụ lục kèm theo văn bản số {document_number_symbol.strip()}",
        level=level,
        services=services,
    )
