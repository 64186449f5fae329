"""Use cases of electronic copies (bản sao điện tử): which file a unit copies, numbering the
copy in the unit's register of copies, and who may read it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from documents.clock import now_vietnam
from documents.copies import CopyForm, DocumentCopy, copy_symbol, parse_copy_request
from documents.errors import ConflictError, ForbiddenError
from documents.outgoing import IN_FORCE
from documents.policy import Action, Actor, holds, require
from documents.receipts import HANDLING, ReceiptStatus
from documents.registers import COPIES, format_number
from documents.service.access import AccessService
from documents.service.base import MAX_NUMBERING_ATTEMPTS

CopyMaker = Callable[[bytes, str, datetime], tuple[bytes, str]]
"""(source PDF, the copy's number and symbol, the copying time) → (the signed copy, its
signature level)."""

_HELD = (*HANDLING, ReceiptStatus.DONE)


class CopyService(AccessService):
    def copy_source(self, actor: Actor, document_id: UUID) -> str:
        """The SHA-256 of the file ``actor``'s unit holds of the document: the issued file for
        its issuer, the delivered file (as it arrived, without the incoming stamp) for a
        recipient that registered it. Refused to anyone but that unit's clerk, and for a
        document recalled, not yet issued or not yet registered."""
        document = self.document(document_id)
        require(actor, Action.COPY, self.parties(document), self.tree)
        if holds(actor.unit_id, document.issuer_unit_id, self.tree):
            if document.status not in IN_FORCE or document.issued_sha256 is None:
                raise ConflictError(
                    "Chỉ sao văn bản đã ban hành và còn hiệu lực.",
                    "Only an issued document in force can be copied.",
                )
            return document.issued_sha256
        receipt = self.held_receipt(document_id, actor.unit_id)
        if receipt.status not in _HELD:
            raise ConflictError(
                "Chỉ sao văn bản đến đã vào sổ (không bị thu hồi hay trả lại).",
                "Only a registered incoming document (not recalled or returned) can be copied.",
            )
        return receipt.file_sha256

    def make_copy(
        self,
        actor: Actor,
        document_id: UUID,
        form: str,
        pages: Sequence[int] | None,
        make_pdf: CopyMaker,
    ) -> DocumentCopy:
        """Checks the request, takes the unit's next copy number and stores the signed copy,
        atomically; nothing is stored when the copy cannot be made."""
        chosen, page_list = parse_copy_request(form, pages)
        source_sha256 = self.copy_source(actor, document_id)
        source = self.blobs.get(source_sha256)
        unit = self.unit(actor.unit_id)
        for _ in range(MAX_NUMBERING_ATTEMPTS):
            copied_at = now_vietnam()
            register = self._register(unit.id, COPIES, copied_at.year)
            number = register.next_number
            symbol = copy_symbol(format_number(number), chosen, unit.abbreviation)
            pdf, level = make_pdf(source, symbol, copied_at)
            copy = DocumentCopy(
                document_id=document_id,
                copying_unit_id=unit.id,
                form=chosen.value,
                pages=page_list,
                number=number,
                number_symbol=symbol,
                register_id=register.id,
                sha256=self.blobs.put(pdf),
                source_sha256=source_sha256,
                by=actor.account_id,
                copied_at=copied_at,
                signature_level=level,
            )
            register.take_number(number=number, entry_id=copy.id)
            try:
                self.save_and_refresh(register, copy)
            except IntegrityError:
                continue
            return copy
        raise ConflictError(
            "Sổ bản sao đang bận, chưa cấp được số. Vui lòng thử lại.",
            "The register of copies is busy; no number could be taken. Please retry.",
        )

    def document_copy(self, actor: Actor, copy_id: UUID) -> DocumentCopy:
        """A copy, for a member of the unit that made it (or of the unit it merged into)."""
        copy = cast(DocumentCopy, self._get(copy_id, DocumentCopy, "bản sao", "copy"))
        if not holds(actor.unit_id, copy.copying_unit_id, self.tree):
            raise ForbiddenError("Bản sao thuộc đơn vị khác.", "This copy belongs to another unit.")
        return copy

    def copies_of(self, actor: Actor, document_id: UUID) -> list[dict[str, Any]]:
        """The copies ``actor``'s unit made of a document, oldest first."""
        return self.views.copies(document_id, actor.unit_id)


__all__ = ["CopyForm", "CopyMaker", "CopyService"]
