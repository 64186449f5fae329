"""Use cases of incoming documents (văn bản đến): register, handle, recall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from documents.clock import now_vietnam
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.event_templates import acknowledged_event
from documents.integrity import ChainingMapper
from documents.policy import Action, Actor, DocumentParties, require
from documents.receipts import (
    REGISTERED_LAST,
    Receipt,
    ReceiptStatus,
    duplicate_warning,
    receipt_id_for,
)
from documents.registers import INCOMING
from documents.service.base import MAX_NUMBERING_ATTEMPTS, required_text
from documents.service.folders import FolderService

MAX_ACKNOWLEDGE_ATTEMPTS = 5
_DELIVERED = get_topic(vars(Receipt)["Delivered"])
_REGISTERED_LAST = frozenset(get_topic(vars(Receipt)[name]) for name in REGISTERED_LAST)
_now_utc = vars(Receipt)["Acknowledged"].create_timestamp
ArrivalStamper = Callable[[int, datetime], tuple[bytes, str] | None]
"""(arrival number, arrival time) → (the stamped PDF, its signature level), or None."""


class IncomingService(FolderService):
    def authorize_receipt(
        self, actor: Actor, receipt: Receipt, action: Action = Action.RECEIVE
    ) -> None:
        require(
            actor,
            action,
            DocumentParties(receipt.issuer_unit_id, (receipt.recipient_unit_id,)),
            self.tree,
        )

    def held_receipt(self, document_id: UUID, unit_id: UUID) -> Receipt:
        """The copy of a document that ``unit_id`` holds: its own receipt or that of a unit
        merged into it (``UnitTree.absorbed``) — one still to register first, then its own;
        not found if none."""
        held = [receipt_id_for(document_id, unit) for unit in self.tree().absorbed(unit_id)]
        found = [self.receipt(r) for r in held if r in self.repository]  # its own first
        waiting = [r for r in found if r.status == ReceiptStatus.DELIVERED]
        return (waiting or found or [self.receipt(held[0])])[0]  # the last raises not found

    def held_receipt_for(self, actor: Actor, document_id: UUID, action: Action) -> Receipt:
        """The copy ``actor``'s unit holds, to do ``action`` on (the document page's commands
        name the document, not the receipt). A person whose unit holds no copy gets the policy's
        refusal, as for the receipt itself (403), not a 'not found'; not found stays for a unit
        the policy lets act whose copy has not arrived."""
        try:
            return self.held_receipt(document_id, actor.unit_id)
        except NotFoundError:
            self.authorize(actor, action, self.document(document_id))
            raise

    def register_receipt(
        self,
        actor: Actor,
        receipt_id: UUID,
        signatures_valid: bool,
        verification_summary: str,
        stamp: ArrivalStamper | None = None,
    ) -> int:
        """Gives the receipt the next arrival number (số đến) of the receiving unit — of the unit
        it merged into, when it merged after the delivery (``UnitTree.successor``).

        ``stamp(arrival_number, received_at)``, when given, returns the file with the unit's
        digital incoming stamp and the stamp's signature level (or None: not stamped); the
        stamped file is stored beside the original and recorded with the registration, in the
        same save."""
        for _ in range(MAX_NUMBERING_ATTEMPTS):
            receipt = self.receipt(receipt_id)
            self.authorize_receipt(actor, receipt)
            received_at = now_vietnam()
            holder = self.tree().successor(receipt.recipient_unit_id)  # a merged unit's: its heir's
            register = self._register(holder, INCOMING, received_at.year)
            number = register.next_number
            receipt.register(
                arrival_number=number,
                register_id=register.id,
                by=actor.account_id,
                received_at=received_at,
                signatures_valid=signatures_valid,
                verification_summary=verification_summary,
            )
            register.take_number(number=number, entry_id=receipt.id)
            stamped = stamp(number, received_at) if stamp is not None else None
            if stamped is not None:
                pdf, level = stamped
                receipt.record_arrival_stamp(
                    sha256=self.blobs.put(pdf),
                    by=actor.account_id,
                    stamped_at=received_at,
                    signature_level=level,
                )
            try:
                self.save_and_refresh(register, receipt)
            except IntegrityError:
                continue
            return number
        raise ConflictError(
            "Sổ văn bản đến đang bận. Vui lòng thử lại.",
            "The incoming register is busy. Please retry.",
        )

    def duplicate_warning(self, receipt_id: UUID) -> tuple[str, str] | None:
        """The warning (Vietnamese, English) if the unit had already registered this number,
        symbol and issuer when it registered the receipt (a warning, never a refusal)."""
        self.refresh_views()
        receipt = self.receipt(receipt_id)
        return duplicate_warning(receipt.number_symbol, self.views.duplicate_of(receipt_id))

    def acknowledge(self, actor: Actor, receipt_id: UUID) -> None:
        """The receiving unit confirms it has the document (xác nhận đã nhận). Concurrent
        acknowledgements of the process share one save and one catch-up (``group_saver``).
        A concurrent change of the same receipt (a second acknowledgement from another
        request or process) makes the save collide: the receipt is read again, so the second
        acknowledgement gets the receipt's own 409 ("đã được xác nhận rồi")."""
        for _ in range(MAX_ACKNOWLEDGE_ATTEMPTS):
            events = self._acknowledgement(actor, receipt_id)
            try:
                self.group_saver.save(events)
            except IntegrityError:
                continue  # changed meanwhile: decide again on what is recorded now
            return
        raise ConflictError(
            "Văn bản đến đang được người khác cập nhật. Vui lòng thử lại.",
            "The incoming document is being changed by someone else. Please retry.",
        )

    def _acknowledgement(self, actor: Actor, receipt_id: UUID) -> list[Any]:
        """The events of the acknowledgement, decided on the receipt's stored events: straight
        after its registration (``REGISTERED_LAST``) from its first event (who may) and the
        newest one's version, without replaying the aggregate; otherwise on the aggregate,
        which gives the refusals (already acknowledged, recalled, not registered)."""
        stored = self.recorder.select_events(receipt_id)
        if stored and stored[0].topic == _DELIVERED and stored[-1].topic in _REGISTERED_LAST:
            delivered: Any = self.mapper.to_domain_event(stored[0])
            parties = DocumentParties(delivered.issuer_unit_id, (delivered.recipient_unit_id,))
            require(actor, Action.RECEIVE, parties, self.tree)  # tree loaded only for a merged unit
            assert isinstance(self.mapper, ChainingMapper)
            self.mapper.note(stored[-1])  # the acknowledgement chains to it
            version = stored[-1].originator_version + 1
            return [acknowledged_event(receipt_id, version, _now_utc(), actor.account_id)]
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt)
        receipt.acknowledge(by=actor.account_id)
        return list(receipt.collect_events())

    def direct(self, actor: Actor, receipt_id: UUID, direction: str) -> None:
        """The leader's direction on an incoming document (ý kiến chỉ đạo)."""
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt, Action.DIRECT)
        receipt.direct(by=actor.account_id, direction=required_text(direction, "direction"))
        self.save_and_refresh(receipt)

    def assign(self, actor: Actor, receipt_id: UUID, handler: str, deadline: date) -> None:
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt, Action.DIRECT)
        handler_account = self.account(handler)
        if handler_account.unit_id != receipt.recipient_unit_id:
            raise InvalidInputError(
                "Người xử lý phải thuộc đơn vị nhận văn bản.",
                "The handler must belong to the receiving unit.",
            )
        if deadline < now_vietnam().date():
            raise InvalidInputError("Hạn xử lý đã qua.", "The deadline is in the past.")
        receipt.assign(by=actor.account_id, handler_id=handler_account.id, deadline=deadline)
        self.save_and_refresh(receipt)

    def _handled(self, actor: Actor, receipt_id: UUID) -> Receipt:
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt, Action.HANDLE)
        if receipt.handler_id not in (None, actor.account_id):
            raise ForbiddenError(
                "Văn bản này được giao cho người khác xử lý.",
                "This document is assigned to someone else.",
            )
        return receipt

    def report_progress(self, actor: Actor, receipt_id: UUID, note: str) -> None:
        receipt = self._handled(actor, receipt_id)
        receipt.report_progress(by=actor.account_id, note=required_text(note, "note"))
        self.save_and_refresh(receipt)

    def complete(self, actor: Actor, receipt_id: UUID, note: str) -> None:
        receipt = self._handled(actor, receipt_id)
        receipt.complete(by=actor.account_id, note=note.strip())
        self.save_and_refresh(receipt)

    def return_to_sender(self, actor: Actor, receipt_id: UUID, reason: str) -> None:
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt)
        receipt.return_to_sender(by=actor.account_id, reason=required_text(reason, "reason"))
        self.save_and_refresh(receipt)

    def confirm_destruction(self, actor: Actor, receipt_id: UUID) -> None:
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt)
        receipt.confirm_destruction(by=actor.account_id)
        self.save_and_refresh(receipt)
