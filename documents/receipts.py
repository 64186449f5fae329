"""``Receipt`` (văn bản đến): one recipient unit's copy of an issued document."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError


class ReceiptStatus(StrEnum):
    DELIVERED = "delivered"
    REGISTERED = "registered"
    ACKNOWLEDGED = "acknowledged"


RECEIPT_STATUS_LABELS = {
    ReceiptStatus.DELIVERED: ("Đã đến", "Delivered"),
    ReceiptStatus.REGISTERED: ("Đã vào sổ", "Registered"),
    ReceiptStatus.ACKNOWLEDGED: ("Đã xác nhận", "Acknowledged"),
}


def receipt_id_for(document_id: UUID, unit_id: UUID) -> UUID:
    """Derived id: delivering the same document to the same unit twice is the same receipt."""
    return uuid5(NAMESPACE_URL, f"/receipts/{document_id}/{unit_id}")


class Receipt(Aggregate):
    @staticmethod
    def create_id(document_id: UUID, recipient_unit_id: UUID) -> UUID:
        return receipt_id_for(document_id, recipient_unit_id)

    @event("Delivered")
    def __init__(
        self,
        document_id: UUID,
        recipient_unit_id: UUID,
        issuer_unit_id: UUID,
        number_symbol: str,
        subject: str,
        doc_type: str,
        urgency: str,
        file_sha256: str,
    ) -> None:
        self.document_id = document_id
        self.recipient_unit_id = recipient_unit_id
        self.issuer_unit_id = issuer_unit_id
        self.number_symbol = number_symbol
        self.subject = subject
        self.doc_type = doc_type
        self.urgency = urgency
        self.file_sha256 = file_sha256
        self.status = ReceiptStatus.DELIVERED
        self.arrival_number: int | None = None

    def register(
        self,
        arrival_number: int,
        register_id: UUID,
        by: UUID,
        received_at: datetime,
        signatures_valid: bool,
        verification_summary: str,
    ) -> None:
        if self.status != ReceiptStatus.DELIVERED:
            raise ConflictError(
                f"Văn bản đến đã được vào sổ (số đến {self.arrival_number}).",
                f"This incoming document is registered already (arrival number "
                f"{self.arrival_number}).",
            )
        self._registered(
            arrival_number=arrival_number,
            register_id=register_id,
            by=by,
            received_at=received_at,
            signatures_valid=signatures_valid,
            verification_summary=verification_summary,
        )

    @event("Registered")
    def _registered(
        self,
        arrival_number: int,
        register_id: UUID,
        by: UUID,
        received_at: datetime,
        signatures_valid: bool,
        verification_summary: str,
    ) -> None:
        self.status = ReceiptStatus.REGISTERED
        self.arrival_number = arrival_number

    def acknowledge(self, by: UUID) -> None:
        if self.status == ReceiptStatus.ACKNOWLEDGED:
            raise ConflictError(
                "Văn bản này đã được xác nhận rồi.", "This document is acknowledged already."
            )
        if self.status != ReceiptStatus.REGISTERED:
            raise ConflictError(
                "Cần vào sổ văn bản đến trước khi xác nhận.",
                "Register the incoming document before acknowledging it.",
            )
        self._acknowledged(by=by)

    @event("Acknowledged")
    def _acknowledged(self, by: UUID) -> None:
        self.status = ReceiptStatus.ACKNOWLEDGED
