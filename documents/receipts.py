"""``Receipt`` (văn bản đến): one recipient unit's copy of an issued document."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError


class ReceiptStatus(StrEnum):
    DELIVERED = "delivered"
    REGISTERED = "registered"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    RETURNED = "returned"
    RECALLED = "recalled"
    DESTROYED = "destroyed"


RECEIPT_STATUS_LABELS = {
    ReceiptStatus.DELIVERED: ("Đã đến", "Delivered"),
    ReceiptStatus.REGISTERED: ("Đã vào sổ", "Registered"),
    ReceiptStatus.ACKNOWLEDGED: ("Đã xác nhận", "Acknowledged"),
    ReceiptStatus.ASSIGNED: ("Đã giao xử lý", "Assigned"),
    ReceiptStatus.IN_PROGRESS: ("Đang xử lý", "In progress"),
    ReceiptStatus.DONE: ("Đã xử lý xong", "Done"),
    ReceiptStatus.RETURNED: ("Đã trả lại nơi gửi", "Returned to sender"),
    ReceiptStatus.RECALLED: ("Bị thu hồi, chờ hủy", "Recalled, to be destroyed"),
    ReceiptStatus.DESTROYED: ("Đã hủy theo yêu cầu thu hồi", "Destroyed after recall"),
}
ANSWERED = (
    ReceiptStatus.ACKNOWLEDGED,
    ReceiptStatus.ASSIGNED,
    ReceiptStatus.IN_PROGRESS,
    ReceiptStatus.DONE,
)
"""The unit has answered the sender (acknowledged, or is handling it): no reminder needed."""
RECEIVED = (ReceiptStatus.REGISTERED, *ANSWERED)
"""Registered by the unit (and not returned, recalled or destroyed): it may be forwarded."""
HANDLING = (
    ReceiptStatus.REGISTERED,
    ReceiptStatus.ACKNOWLEDGED,
    ReceiptStatus.ASSIGNED,
    ReceiptStatus.IN_PROGRESS,
)


REGISTERED_LAST = ("Registered", "ArrivalStamped")
"""A receipt whose newest event is one of these is registered and nothing else: ``Registered``
moves a delivered receipt to registered, ``ArrivalStamped`` happens only while registered and
leaves it so. An acknowledgement needs no more than that to be decided (the usual case, just
after the registration); any other history is decided on the whole aggregate."""


def duplicate_warning(number_symbol: str, earlier: Sequence[int]) -> tuple[str, str] | None:
    """The register's warning (not a refusal) when a unit registers a (number, symbol, issuer) it
    has registered before (Nghị định 30, Phụ lục VI), in Vietnamese and English."""
    if not earlier:
        return None
    numbers = ", ".join(str(number) for number in earlier)
    return (
        f"Cảnh báo trùng: văn bản số {number_symbol} của cơ quan này đã được vào sổ "
        f"(số đến {numbers}).",
        f"Possible duplicate: document {number_symbol} from this issuer was already registered "
        f"(arrival no. {numbers}).",
    )


def receipt_id_for(document_id: UUID, unit_id: UUID) -> UUID:
    """Derived id: delivering the same document to the same unit twice is the same receipt."""
    return uuid5(NAMESPACE_URL, f"/receipts/{document_id}/{unit_id}")


def receipt_ids_for(document_id: UUID, unit_ids: Iterable[UUID]) -> list[UUID]:
    """``receipt_id_for`` of many units of one document: the same uuid5s, with the SHA-1 of the
    namespace and the document's part of the name computed once."""
    common = hashlib.sha1(NAMESPACE_URL.bytes + f"/receipts/{document_id}/".encode())
    ids: list[UUID] = []
    for unit_id in unit_ids:
        digest = common.copy()
        digest.update(str(unit_id).encode())
        ids.append(UUID(bytes=digest.digest()[:16], version=5))
    return ids


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
        via_unit_id: UUID | None = None,
    ) -> None:
        self.document_id = document_id
        self.via_unit_id = via_unit_id
        """The unit that forwarded the document here (chuyển tiếp); None: from the issuer."""
        self.recipient_unit_id = recipient_unit_id
        self.issuer_unit_id = issuer_unit_id
        self.number_symbol = number_symbol
        self.subject = subject
        self.doc_type = doc_type
        self.urgency = urgency
        self.file_sha256 = file_sha256
        self.status = ReceiptStatus.DELIVERED
        self.arrival_number: int | None = None
        self.stamped_sha256: str | None = None
        """The copy bearing the receiving unit's incoming stamp (dấu đến); the delivered file
        (``file_sha256``) is kept as it arrived."""
        self.handler_id: UUID | None = None
        self.deadline: date | None = None

    def _expect(self, *allowed: ReceiptStatus, action_vi: str, action_en: str) -> None:
        if self.status == ReceiptStatus.RECALLED:
            raise ConflictError(
                "Văn bản đã bị nơi gửi thu hồi: văn bản bị khóa, chỉ còn xác nhận hủy.",
                "The sender recalled this document: it is frozen; only confirming its "
                "destruction is possible.",
            )
        if self.status not in allowed:
            vi, en = RECEIPT_STATUS_LABELS[ReceiptStatus(self.status)]
            raise ConflictError(
                f"Không thể {action_vi}: văn bản đến đang ở trạng thái «{vi}».",
                f"Cannot {action_en}: the incoming document is '{en}'.",
            )

    def register(
        self,
        arrival_number: int,
        register_id: UUID,
        by: UUID,
        received_at: datetime,
        signatures_valid: bool,
        verification_summary: str,
    ) -> None:
        if self.status == ReceiptStatus.RECALLED:
            self._expect(action_vi="vào sổ", action_en="register")
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

    def record_arrival_stamp(
        self, sha256: str, by: UUID, stamped_at: datetime, signature_level: str
    ) -> None:
        """The receiving unit's digital incoming stamp was applied to a copy of the file."""
        if self.status != ReceiptStatus.REGISTERED or self.arrival_number is None:
            raise ConflictError(
                "Chỉ đóng dấu đến khi vào sổ văn bản đến.",
                "The incoming stamp is applied only on registering the arrival.",
            )
        if self.stamped_sha256 is not None:
            raise ConflictError(
                "Văn bản đã được đóng dấu đến.", "The document already carries an incoming stamp."
            )
        self._arrival_stamped(
            sha256=sha256,
            arrival_number=self.arrival_number,
            by=by,
            stamped_at=stamped_at,
            signature_level=signature_level,
        )

    @event("ArrivalStamped")
    def _arrival_stamped(
        self,
        sha256: str,
        arrival_number: int,
        by: UUID,
        stamped_at: datetime,
        signature_level: str,
    ) -> None:
        self.stamped_sha256 = sha256

    def acknowledge(self, by: UUID) -> None:
        if self.status == ReceiptStatus.RECALLED:
            self._expect(action_vi="xác nhận", action_en="acknowledge")
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

    @event("Directed")
    def _directed(self, by: UUID, direction: str) -> None:
        pass

    def direct(self, by: UUID, direction: str) -> None:
        """The leader's direction (ý kiến chỉ đạo)."""
        self._expect(*HANDLING, action_vi="cho ý kiến chỉ đạo", action_en="direct")
        self._directed(by=by, direction=direction)

    def assign(self, by: UUID, handler_id: UUID, deadline: date) -> None:
        self._expect(
            ReceiptStatus.REGISTERED,
            ReceiptStatus.ACKNOWLEDGED,
            ReceiptStatus.ASSIGNED,
            action_vi="giao xử lý",
            action_en="assign",
        )
        self._assigned(by=by, handler_id=handler_id, deadline=deadline)

    @event("Assigned")
    def _assigned(self, by: UUID, handler_id: UUID, deadline: date) -> None:
        self.status = ReceiptStatus.ASSIGNED
        self.handler_id = handler_id
        self.deadline = deadline

    def report_progress(self, by: UUID, note: str) -> None:
        self._expect(
            ReceiptStatus.ASSIGNED,
            ReceiptStatus.IN_PROGRESS,
            action_vi="cập nhật tiến độ",
            action_en="report progress",
        )
        self._progressed(by=by, note=note)

    @event("ProgressReported")
    def _progressed(self, by: UUID, note: str) -> None:
        self.status = ReceiptStatus.IN_PROGRESS

    def complete(self, by: UUID, note: str) -> None:
        self._expect(
            ReceiptStatus.ASSIGNED,
            ReceiptStatus.IN_PROGRESS,
            action_vi="kết thúc xử lý",
            action_en="complete",
        )
        self._completed(by=by, note=note)

    @event("Completed")
    def _completed(self, by: UUID, note: str) -> None:
        self.status = ReceiptStatus.DONE

    def return_to_sender(self, by: UUID, reason: str) -> None:
        """A misaddressed or malformed document goes back with a reason (trả lại)."""
        self._expect(
            ReceiptStatus.DELIVERED,
            ReceiptStatus.REGISTERED,
            action_vi="trả lại nơi gửi",
            action_en="return to sender",
        )
        self._returned(by=by, reason=reason)

    @event("ReturnedToSender")
    def _returned(self, by: UUID, reason: str) -> None:
        self.status = ReceiptStatus.RETURNED

    def notice_recall(self, reason: str) -> bool:
        """The sender recalled the document: frozen until its destruction is confirmed."""
        if self.status in (ReceiptStatus.RECALLED, ReceiptStatus.DESTROYED):
            return False
        self._recall_noticed(reason=reason)
        return True

    @event("RecallNoticed")
    def _recall_noticed(self, reason: str) -> None:
        self.status = ReceiptStatus.RECALLED

    def confirm_destruction(self, by: UUID) -> None:
        if self.status != ReceiptStatus.RECALLED:
            raise ConflictError(
                "Chỉ xác nhận hủy văn bản đã bị thu hồi.",
                "Only a recalled document's destruction can be confirmed.",
            )
        self._destroyed(by=by)

    @event("DestructionConfirmed")
    def _destroyed(self, by: UUID) -> None:
        self.status = ReceiptStatus.DESTROYED
