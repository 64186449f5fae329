"""Use cases of dispatch follow-up: response deadlines, reminders and the overdue list, progress
figures, forwarding to a unit's own subtree, and recall reaching every copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from documents.clock import now_vietnam
from documents.deadlines import overdue_moment, reminder_moment
from documents.errors import ConflictError, InvalidInputError
from documents.follow_up import DispatchFollowUp, FollowUpKind, follow_up_id_for
from documents.forwarding import Forwarding, forwarding_id_for
from documents.outgoing import DocumentStatus
from documents.policy import Action, Actor, DocumentParties, require
from documents.receipts import RECEIVED, Receipt, ReceiptStatus, receipt_id_for
from documents.service.incoming import IncomingService

BATCH = 1000
RECIPIENTS_PER_PAGE = 50
MAX_RECIPIENTS_PER_PAGE = 200
RUNNING = (DocumentStatus.ISSUING.value, DocumentStatus.ISSUED.value)


@dataclass(frozen=True)
class FollowUpTimes:
    """When to remind (None: too late for a reminder) and when to list the overdue (None: no
    response deadline)."""

    remind_at: datetime | None
    overdue_at: datetime | None


@dataclass(frozen=True)
class ForwardingPart:
    document_id: UUID
    from_unit_id: UUID
    part: int
    unit_count: int


class DispatchService(IncomingService):
    # -- deadlines --------------------------------------------------------------------------
    def follow_up_times(self, document_id: UUID) -> FollowUpTimes:
        document = self.document(document_id)
        deadline = document.response_deadline
        if deadline is None or document.status == DocumentStatus.RECALLED:
            return FollowUpTimes(None, None)
        remind_at = reminder_moment(deadline, document.remind_days_before)
        overdue_at = overdue_moment(deadline)
        return FollowUpTimes(remind_at if remind_at < deadline else None, overdue_at)

    # -- reminders and the overdue list ------------------------------------------------------
    def send_follow_up(
        self, document_id: UUID, kind: FollowUpKind, on_batch: Callable[[int], None] | None = None
    ) -> int:
        """Records the direct recipients that have not answered, 1,000 per event; idempotent,
        and a retry resumes after the last saved batch. Returns how many units it named."""
        try:
            follow_up = cast(DispatchFollowUp, self.repository.get(follow_up_id_for(document_id)))
        except AggregateNotFoundError:
            dispatch = self.dispatch_list(document_id)
            follow_up = DispatchFollowUp(document_id, dispatch.issuer_unit_id)
        if kind.value in follow_up.finished:
            return follow_up.finished[kind.value]
        self.refresh_views()
        row = self.views.document(document_id)
        if row is not None and row["status"] == DocumentStatus.RECALLED.value:
            return 0  # recalled: nobody is chased (the workflow may not have heard yet)
        after = follow_up.cursor.get(kind.value, "")
        while units := self.views.unanswered_recipients(document_id, after, BATCH):
            follow_up.record_batch(kind, [UUID(u) for u in units])
            self.save_and_refresh(follow_up)
            after = units[-1]
            if on_batch is not None:
                on_batch(follow_up.sent.get(kind.value, 0))
        count = follow_up.finish(kind)
        self.save_and_refresh(follow_up)
        return count

    # -- progress ---------------------------------------------------------------------------
    def dispatch_progress(self, actor: Actor, document_id: UUID) -> dict[str, Any]:
        """Delivered / acknowledged / overdue of the direct recipients, and how far forwarded
        copies travelled: read from counts kept by the projection (one row per document)."""
        row = self._sender_view(actor, document_id)
        figures = self.views.dispatch_progress(document_id)
        total = int(row["recipient_count"] or 0)
        deadline = figures["deadline"]
        return {
            "id": str(document_id),
            "status": row["status"],
            "running": row["status"] in RUNNING,
            "finished": row["status"] not in RUNNING and row["status"] != "signed",
            "total": total,
            "delivered": figures["delivered"],
            "acknowledged": figures["acknowledged"],
            "overdue": figures["overdue"],
            "reminded": figures["reminded"],
            "response_deadline": deadline,
            "past_deadline": deadline is not None and deadline < now_vietnam().isoformat(),
            "forwarded": figures["forwarded"],
            "travel": self.views.travel(document_id),
            "forwarders": self.views.forwarders(document_id),
        }

    def _sender_view(self, actor: Actor, document_id: UUID) -> dict[str, Any]:
        """The document's read-model row, for someone who may view it as the issuer's side
        (the issuing unit, its auditors above): recipients do not read each other's status."""
        self.refresh_views()
        row = self.views.document(document_id)
        if row is None:
            self.document(document_id)  # raises not found
            raise AssertionError("unreachable")
        parties = DocumentParties(UUID(row["issuer_unit_id"]))
        require(actor, Action.VIEW, parties, self.tree)
        return row

    def recipient_status(
        self,
        actor: Actor,
        document_id: UUID,
        *,
        status: str | None = None,
        unit_ids: Sequence[str] | None = None,
        page: int = 1,
        per_page: int = RECIPIENTS_PER_PAGE,
    ) -> dict[str, Any]:
        """A page of the per-recipient status (tình trạng nơi nhận) in delivery order, only the
        receipts in ``status`` and of ``unit_ids`` when given; a page past the end is empty."""
        if status is not None and status not in set(ReceiptStatus):
            raise InvalidInputError(
                f"Tình trạng không hợp lệ: «{status}».", f"Unknown recipient status '{status}'."
            )
        if page < 1 or not 1 <= per_page <= MAX_RECIPIENTS_PER_PAGE:
            raise InvalidInputError(
                f"Trang bắt đầu từ 1, mỗi trang 1–{MAX_RECIPIENTS_PER_PAGE} dòng.",
                f"Pages start at 1, with 1–{MAX_RECIPIENTS_PER_PAGE} rows each.",
            )
        self._sender_view(actor, document_id)
        rows, total = self.views.recipient_status(
            document_id, status, unit_ids, (page - 1) * per_page, per_page
        )
        return {
            "id": str(document_id),
            "status": status,
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, -(-total // per_page)),
            "rows": rows,
        }

    def overdue_list(self, actor: Actor, document_id: UUID, limit: int = 500) -> dict[str, Any]:
        progress = self.dispatch_progress(actor, document_id)
        return {
            "id": str(document_id),
            "response_deadline": progress["response_deadline"],
            "count": progress["overdue"],
            "units": self.views.overdue_recipients(document_id, limit),
        }

    def overdue_dispatches(self, unit_id: UUID) -> list[dict[str, Any]]:
        """The unit's dispatches past their response deadline with units yet to answer."""
        self.refresh_views()
        units = [str(u) for u in self.views.unit_tree().absorbed(unit_id)]
        return self.views.overdue_dispatches(units, now_vietnam().isoformat())

    # -- forwarding -------------------------------------------------------------------------
    def forward(self, actor: Actor, receipt_id: UUID, unit_ids: Sequence[UUID]) -> ForwardingPart:
        """The receiving unit's clerk passes the document on to units below it (chuyển tiếp):
        only to its own descendants, only a registered copy, never a recalled document."""
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt)
        self._expect_forwardable(receipt)
        tree = self.tree()
        units = list(dict.fromkeys(unit_ids))
        if not units:
            raise InvalidInputError(
                "Cần chọn ít nhất một đơn vị để chuyển tiếp.", "Choose at least one unit."
            )
        unknown = [str(u) for u in units if u not in tree]
        if unknown:
            raise InvalidInputError(
                f"Đơn vị không tồn tại: {', '.join(unknown)}.",
                f"Unknown units: {', '.join(unknown)}.",
            )
        root = receipt.recipient_unit_id
        outside = [tree.get(u).name for u in units if u == root or root not in tree.ancestors(u)]
        if outside:
            raise InvalidInputError(
                f"Chỉ chuyển tiếp cho đơn vị cấp dưới của mình: {', '.join(outside[:5])}.",
                f"Forward only to units below your own: {', '.join(outside[:5])}.",
            )
        inactive = [tree.get(u).name for u in units if not tree.get(u).is_active]
        if inactive:
            raise InvalidInputError(
                f"Đơn vị đã hợp nhất hoặc giải thể: {', '.join(inactive[:5])}.",
                f"Units merged or dissolved: {', '.join(inactive[:5])}.",
            )
        forwarding_id = forwarding_id_for(receipt.document_id, root)
        try:
            forwarding = cast(Forwarding, self.repository.get(forwarding_id))
            part = forwarding.forward_again(by=actor.account_id, unit_ids=units)
        except AggregateNotFoundError:
            forwarding = Forwarding(receipt.document_id, root, actor.account_id, units)
            part = 0
        self.save_and_refresh(forwarding)
        return ForwardingPart(receipt.document_id, root, part, len(units))

    def _expect_forwardable(self, receipt: Receipt) -> None:
        row = self.views.document(receipt.document_id)
        recalled = row is not None and row["status"] == DocumentStatus.RECALLED.value
        if recalled or receipt.status in (ReceiptStatus.RECALLED, ReceiptStatus.DESTROYED):
            raise ConflictError(
                "Văn bản đã bị nơi gửi thu hồi, không thể chuyển tiếp.",
                "The sender recalled this document: it cannot be forwarded.",
            )
        if receipt.status not in RECEIVED:
            raise ConflictError(
                "Chỉ chuyển tiếp văn bản đến đã vào sổ (chưa trả lại).",
                "Only a registered incoming document (not returned) can be forwarded.",
            )

    def forwarding_units(self, document_id: UUID, from_unit_id: UUID, part: int) -> list[UUID]:
        forwarding = cast(
            Forwarding,
            self._get(
                forwarding_id_for(document_id, from_unit_id), Forwarding, "chuyển tiếp", "forward"
            ),
        )
        return forwarding.parts[part]

    def deliver_forwarded(
        self, document_id: UUID, from_unit_id: UUID, unit_ids: Sequence[UUID]
    ) -> int:
        """Puts the forwarding unit's copy in each unit's inbox, except units that have the
        document already; nothing once the document is recalled. Returns how many got it."""
        self.refresh_views()
        row = self.views.document(document_id)
        if row is not None and row["status"] == DocumentStatus.RECALLED.value:
            return 0
        source = self.receipt_for(document_id, from_unit_id)
        units = list(dict.fromkeys(unit_ids))
        known = set(self.views.holders_among(document_id, [str(u) for u in units]))
        new = [u for u in units if str(u) not in known]

        def receipt(unit_id: UUID) -> Receipt:
            return Receipt(
                document_id=document_id,
                recipient_unit_id=unit_id,
                issuer_unit_id=source.issuer_unit_id,
                number_symbol=source.number_symbol,
                subject=source.subject,
                doc_type=source.doc_type,
                urgency=source.urgency,
                file_sha256=source.file_sha256,
                via_unit_id=from_unit_id,
            )

        try:
            if new:
                self.save_and_refresh(*(receipt(u) for u in new))
            return len(new)
        except IntegrityError:  # delivered meanwhile (a retry, or the issuer's own dispatch)
            new = [u for u in new if receipt_id_for(document_id, u) not in self.repository]
            if new:
                self.save_and_refresh(*(receipt(u) for u in new))
            return len(new)

    # -- recall -----------------------------------------------------------------------------
    def notice_recall_everywhere(self, document_id: UUID) -> int:
        """Freezes every copy of a recalled document: the issuer's recipients and the units it
        was forwarded to, 1,000 per save."""
        self.refresh_views()
        noticed, after = 0, ""
        while units := self.views.holders(document_id, after, BATCH):
            noticed += self.notice_recall(document_id, [UUID(u) for u in units])
            after = units[-1]
        return noticed
