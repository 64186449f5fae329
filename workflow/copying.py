"""Electronic copies (bản sao điện tử): a clerk copies a document the unit issued or received —
SAO Y, SAO LỤC or TRÍCH SAO (chosen pages) — numbered in the unit's register of copies and
signed by the unit alone, invisibly, with the ND30 information block (``signing.make_copy``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from documents.copies import DocumentCopy, parse_copy_request
from documents.policy import Actor
from signing import CopyForm, CopyInfo, make_copy
from workflow.services import OfficeServices, unit_key_id
from workflow.signing_steps import signing_refusals


def make_document_copy(
    services: OfficeServices,
    actor: Actor,
    document_id: UUID,
    form: str,
    pages: Sequence[int] | None = None,
) -> DocumentCopy:
    """Makes, signs and records a copy; ``pages`` are 1-based (TRÍCH SAO only). Bad input is a
    bilingual ``InvalidInputError`` (unknown form, pages out of range), no right a
    ``ForbiddenError``; nothing is stored then."""
    app = services.app
    chosen, page_list = parse_copy_request(form, pages)
    unit = app.unit(actor.unit_id)
    level = services.signature_levels(unit.id).seal

    def make_pdf(source: bytes, number_symbol: str, copied_at: datetime) -> tuple[bytes, str]:
        info = CopyInfo(CopyForm(chosen.value), unit.name, number_symbol, copied_at)
        pdf = make_copy(
            source,
            services.keys.key(unit_key_id(unit.code)),
            info,
            [page - 1 for page in page_list] if page_list is not None else None,
            level=level,
            services=services.keys.trust_services(),
        )
        return pdf, level.value

    with signing_refusals():
        return app.make_copy(actor, document_id, chosen.value, page_list, make_pdf)
