"""``DocumentCopy`` (bản sao điện tử): an electronic copy a unit made of a document it issued or
received — SAO Y, SAO LỤC or TRÍCH SAO (chosen pages) — numbered in the unit's yearly register of
copies (``Số: 01/SY-LĐLĐ``) and signed by the unit alone (Nghị định 30/2020, Điều 25–27).
One aggregate per copy, made by a single event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from documents.errors import InvalidInputError

__all__ = ["COPY_FORM_LABELS", "CopyForm", "DocumentCopy", "copy_symbol", "parse_copy_request"]

MAX_CHOSEN_PAGES = 500


class CopyForm(StrEnum):
    """Hình thức bản sao."""

    SAO_Y = "sao_y"
    SAO_LUC = "sao_luc"
    TRICH_SAO = "trich_sao"


COPY_FORM_LABELS = {
    CopyForm.SAO_Y: ("Sao y", "Full copy (sao y)", "SY"),
    CopyForm.SAO_LUC: ("Sao lục", "Copy of a copy (sao lục)", "SL"),
    CopyForm.TRICH_SAO: ("Trích sao", "Partial copy (trích sao)", "TS"),
}
"""Vietnamese and English names, and the abbreviation in the copy's symbol (Phụ lục III)."""


def copy_symbol(number: str, form: CopyForm, unit_abbreviation: str) -> str:
    """``01/SY-LĐLĐ``: the register number, the form's abbreviation, the copying unit's."""
    return f"{number}/{COPY_FORM_LABELS[form][2]}-{unit_abbreviation}"


def parse_copy_request(form: str, pages: Sequence[int] | None) -> tuple[CopyForm, list[int] | None]:
    """The form and, for TRÍCH SAO, the chosen pages (1-based, in order, no repeats); a
    bilingual ``InvalidInputError`` for anything else. Page numbers beyond the document are
    refused when the copy is made."""
    try:
        chosen = CopyForm(form.strip().lower())
    except ValueError:
        raise InvalidInputError(
            f"Hình thức sao không hợp lệ: «{form}» (sao_y, sao_luc hoặc trich_sao).",
            f"Unknown copy form '{form}' (sao_y, sao_luc or trich_sao).",
        ) from None
    if chosen is not CopyForm.TRICH_SAO:
        if pages:
            raise InvalidInputError(
                "Chỉ chọn trang khi trích sao; sao y, sao lục sao toàn bộ văn bản.",
                "Pages are chosen only for a partial copy (trich_sao).",
            )
        return chosen, None
    page_list = list(pages or [])
    if not page_list:
        raise InvalidInputError(
            "Trích sao cần chọn ít nhất một trang.", "A partial copy needs at least one page."
        )
    if len(page_list) > MAX_CHOSEN_PAGES or any(page < 1 for page in page_list):
        raise InvalidInputError(
            "Số trang được chọn không hợp lệ.", "The chosen page numbers are not valid."
        )
    if len(set(page_list)) != len(page_list):
        raise InvalidInputError(
            "Một trang được chọn nhiều lần.", "A page is chosen more than once."
        )
    return chosen, page_list


class DocumentCopy(Aggregate):
    """Bản sao điện tử."""

    @event("Made")
    def __init__(
        self,
        document_id: UUID,
        copying_unit_id: UUID,
        form: str,
        pages: list[int] | None,
        number: int,
        number_symbol: str,
        register_id: UUID,
        sha256: str,
        source_sha256: str,
        by: UUID,
        copied_at: datetime,
        signature_level: str,
    ) -> None:
        self.document_id = document_id
        self.copying_unit_id = copying_unit_id
        self.form = form
        self.pages = pages
        self.number = number
        self.number_symbol = number_symbol
        self.sha256 = sha256
        self.source_sha256 = source_sha256
        self.by = by
        self.copied_at = copied_at
