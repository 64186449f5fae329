"""How documents, receipts and their history read to a person (Vietnamese first, English too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.context import WebContext
from api.recipient_status import RecipientFilter, recipient_page
from documents.accounts import Role
from documents.application import OfficeApplication
from documents.clock import to_vietnam
from documents.errors import ForbiddenError
from documents.outgoing import EDITABLE, IN_FORCE, STATUS_LABELS, DocumentStatus, OutgoingDocument
from documents.policy import Action, Actor, holds, is_allowed
from documents.receipts import (
    HANDLING,
    RECEIPT_STATUS_LABELS,
    RECEIVED,
    ReceiptStatus,
    duplicate_warning,
    receipt_id_for,
)
from documents.reference import URGENCY_LABELS, URGENCY_LABELS_EN, Urgency, document_type
from documents.views import HistoryEntry

RECIPIENTS_NAMED = 50  # the page names this many recipients; the status table pages the rest
RETURNABLE = (ReceiptStatus.DELIVERED, ReceiptStatus.REGISTERED)
ASSIGNABLE = (ReceiptStatus.REGISTERED, ReceiptStatus.ACKNOWLEDGED, ReceiptStatus.ASSIGNED)
EVENT_LABELS = {
    "OutgoingDocument.Drafted": ("Soạn dự thảo", "Drafted"),
    "OutgoingDocument.Submitted": ("Trình ký", "Submitted for signature"),
    "OutgoingDocument.ReviewApproved": ("Người duyệt đồng ý", "Approved by a reviewer"),
    "OutgoingDocument.Withdrawn": ("Người soạn rút lại", "Withdrawn by the drafter"),
    "OutgoingDocument.ReminderSent": ("Nhắc người đang xử lý", "Reminder to the step's holder"),
    "OutgoingDocument.Escalated": (
        "Chờ quá lâu, báo lãnh đạo đơn vị",
        "Waiting too long; the unit's leader told",
    ),
    "OutgoingDocument.ApprovedAndSigned": ("Duyệt và ký số", "Approved and signed"),
    "OutgoingDocument.IssueRequested": ("Yêu cầu phát hành", "Issue requested"),
    "OutgoingDocument.NumberedAndIssued": (
        "Cấp số, ký số của cơ quan, ban hành",
        "Numbered, sealed and issued",
    ),
    "OutgoingDocument.Numbered": ("Cấp số và ngày văn bản", "Numbered and dated"),
    "OutgoingDocument.Sealed": ("Ký số của cơ quan, ban hành", "Sealed and issued"),
    "OutgoingDocument.AttachmentAdded": ("Đính kèm phụ lục", "Attachment added"),
    "OutgoingDocument.AttachmentSigned": (
        "Ký số của cơ quan vào phụ lục",
        "Attachment signed by the unit",
    ),
    "OutgoingDocument.IssueFailed": (
        "Phát hành không thành công, văn bản trở lại chờ phát hành",
        "Issuing failed; the document is back to awaiting issue",
    ),
    "OutgoingDocument.Revised": ("Sửa dự thảo", "Revised"),
    "OutgoingDocument.ReturnedForRevision": ("Trả lại để sửa", "Returned for revision"),
    "OutgoingDocument.Recalled": ("Thu hồi văn bản", "Recalled"),
    "OutgoingDocument.Replaced": ("Bị thay thế bởi văn bản mới", "Replaced by a newer document"),
    "OutgoingDocument.DeclaredReplacing": ("Thay thế văn bản cũ", "Replaces an older document"),
    "OutgoingDocument.Filed": ("Lập hồ sơ", "Filed"),
    "Receipt.Directed": ("Lãnh đạo cho ý kiến chỉ đạo", "Leader's direction"),
    "Receipt.Assigned": ("Giao xử lý", "Assigned"),
    "Receipt.ProgressReported": ("Cập nhật tiến độ", "Progress reported"),
    "Receipt.Completed": ("Xử lý xong", "Done"),
    "Receipt.ReturnedToSender": ("Trả lại nơi gửi", "Returned to sender"),
    "Receipt.RecallNoticed": ("Nhận yêu cầu thu hồi", "Recall received"),
    "Receipt.DestructionConfirmed": ("Xác nhận đã hủy", "Destruction confirmed"),
    "OutgoingDocument.Dispatched": ("Gửi xong đến các nơi nhận", "Dispatched to all recipients"),
    "Receipt.Delivered": ("Đã đến đơn vị nhận", "Delivered"),
    "Receipt.Registered": ("Vào sổ văn bản đến", "Registered as incoming"),
    "Receipt.Acknowledged": ("Xác nhận đã nhận", "Acknowledged"),
    "Receipt.ArrivalStamped": ("Đóng dấu đến (ký số của đơn vị nhận)", "Incoming stamp applied"),
    "DocumentCopy.Made": ("Sao văn bản (bản sao điện tử)", "Electronic copy made"),
    "OutgoingDocument.ResponseDeadlineSet": ("Đặt hạn trả lời", "Response deadline set"),
    "DispatchFollowUp.Finished": (
        "Nhắc hạn trả lời / lập danh sách quá hạn",
        "Deadline reminder / overdue list sent",
    ),
    "Forwarding.Forwarded": ("Chuyển tiếp cho đơn vị cấp dưới", "Forwarded to units below"),
    "Forwarding.ForwardedAgain": ("Chuyển tiếp cho đơn vị cấp dưới", "Forwarded to units below"),
}


def _labels(pair: tuple[str, str]) -> dict[str, str]:
    return {"vi": pair[0], "en": pair[1]}


def urgency_label(value: str) -> dict[str, str]:
    urgency = Urgency(value)
    return {"vi": URGENCY_LABELS[urgency], "en": URGENCY_LABELS_EN[urgency]}


def _time(value: str | None) -> str | None:
    return to_vietnam(datetime.fromisoformat(value)).isoformat() if value else None


def history(context: WebContext, entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    app = context.services.app
    accounts = app.views.accounts_by_id(e.actor_id for e in entries if e.actor_id)
    tree = app.views.unit_tree()
    rows = []
    for entry in entries:
        actor = accounts.get(entry.actor_id or "")
        unit = (
            tree.get(UUID(entry.unit_id)) if entry.unit_id and UUID(entry.unit_id) in tree else None
        )
        rows.append(
            {
                "at": to_vietnam(entry.at).isoformat(),
                "event": entry.event,
                "what": _labels(EVENT_LABELS.get(entry.event, (entry.event, entry.event))),
                "actor": actor["full_name"] if actor else None,
                "actor_username": actor["username"] if actor else None,
                "unit": unit.name if unit else None,
                "detail": entry.detail,
            }
        )
    return rows


NOT_SENT = (*EDITABLE, DocumentStatus.SUBMITTED, DocumentStatus.SIGNED)
"""Statuses of a document not yet issued: it has no recipient's copy, so no status to list."""


def _folder(app: OfficeApplication, document: OutgoingDocument) -> dict[str, Any] | None:
    """The file folder (hồ sơ) the document is filed in, or None."""
    if document.folder_id is None:
        return None
    folder = app.folder(document.folder_id)
    return {
        "id": str(folder.id),
        "code": folder.code,
        "title": folder.title,
        "year": folder.year,
        "page": f"/archive/folders/{folder.id}",
    }


def document_detail(
    context: WebContext,
    actor: Actor,
    document_id: UUID,
    recipients_wanted: RecipientFilter | None = None,
) -> dict[str, Any]:
    """The document as its page and ``GET /documents/{id}`` show it; the per-recipient status
    is one page of it (``recipients_wanted``, by default the first), for the issuer's side."""
    app = context.services.app
    document = app.document(document_id)
    tree = app.tree()
    parties = app.parties(document)
    recipients = parties.recipient_unit_ids
    status = DocumentStatus(document.status)
    own = holds(actor.unit_id, document.issuer_unit_id, tree)
    sent = status not in NOT_SENT
    status_page = None
    if sent and (own or actor.has(Role.AUDITOR)):
        try:
            status_page = recipient_page(
                context, actor, document_id, recipients_wanted or RecipientFilter()
            )
        except ForbiddenError:  # an auditor of a recipient's subtree, not of the issuer's
            status_page = None
    held = tree.absorbed(actor.unit_id)  # own unit's copy first, then merged units' copies
    mine = [
        row
        for unit in held
        if (row := app.views.receipt_row(receipt_id_for(document_id, unit))) is not None
    ]
    waiting = [row for row in mine if row["status"] == "delivered"]
    my_receipt = next(iter(waiting), None) or next(iter(mine), None)
    receipt_status = my_receipt["status"] if my_receipt else None
    my_handler = my_receipt["handler_id"] if my_receipt else None
    awaiting_me = (
        status == DocumentStatus.SUBMITTED
        and not document.in_review
        and actor.account_id == document.signer_id
    )
    my_review = document.in_review and actor.account_id == document.holder_id
    signer = app.account_by_id(document.signer_id)
    return {
        "id": str(document.id),
        "doc_type": document.doc_type,
        "doc_type_name": document_type(document.doc_type).name,
        "subject": document.subject,
        "urgency": document.urgency,
        "urgency_label": urgency_label(document.urgency),
        "status": status.value,
        "status_label": _labels(STATUS_LABELS[status]),
        "number_symbol": document.number_symbol,
        "issued_at": document.issued_at.isoformat() if document.issued_at else None,
        "issuer": {
            "id": str(document.issuer_unit_id),
            "name": document.issuer_name or tree.get(document.issuer_unit_id).name,
        },
        "signer": {"username": signer.username, "full_name": signer.full_name},
        "signed_by": document.signer_name,
        "review_chain": review_chain(context, document)
        if status in (DocumentStatus.SUBMITTED,)
        else [],
        "reviewer_choices": reviewer_choices(context, document)
        if status in EDITABLE and actor.account_id == document.drafted_by
        else [],
        "file_sha256": document.current_sha256,
        "attachments": [
            {
                "position": position,
                "name": attachment.name,
                "size": attachment.size,
                "sha256": attachment.current_sha256,
                "signed": attachment.signed_sha256 is not None,
                "file": f"/api/v1/documents/{document.id}/attachments/{position}/file",
            }
            for position, attachment in enumerate(document.attachments, start=1)
        ],
        "recipients": [
            {"id": str(unit_id), "name": tree.get(unit_id).name}
            for unit_id in recipients[:RECIPIENTS_NAMED]
            if unit_id in tree
        ],
        "recipient_count": document.recipient_count,
        # The issuer's side and the auditors see where it is filed (a recipient files its copy
        # in its own folders).
        "folder": _folder(app, document) if own or actor.has(Role.AUDITOR) else None,
        "recipient_status": status_page["rows"] if status_page else [],
        "recipient_page": status_page and {k: v for k, v in status_page.items() if k != "rows"},
        "sent": sent,
        # the issuer's side sees why there is no status table yet (a line, not an empty table)
        "not_sent_yet": own and not sent,
        "my_receipt": my_receipt
        and {
            "id": my_receipt["id"],
            "status": my_receipt["status"],
            "status_label": _labels(RECEIPT_STATUS_LABELS[ReceiptStatus(my_receipt["status"])]),
            "arrival_number": my_receipt["arrival_number"],
            # any copy the unit holds registered twice (a merged unit's too) warns here
            "duplicate_warning": next(filter(None, map(_duplicate, [my_receipt, *mine])), None),
            "deadline": my_receipt["deadline"],
            "stamped": app.receipt(UUID(my_receipt["id"])).stamped_sha256 is not None,
        },
        "response_deadline": document.response_deadline.isoformat()
        if document.response_deadline
        else None,
        "remind_days_before": document.remind_days_before,
        "overdue": app.views.overdue_recipients(document_id, 200) if own else [],
        "my_unit_code": tree.get(actor.unit_id).code if actor.unit_id in tree else "",
        "forward_units": [
            {"code": unit.code, "name": unit.name}
            for unit in tree.children(actor.unit_id)
            if my_receipt and unit.is_active
        ],
        "copies": [
            {"id": row["id"], "form": row["form"], "number_symbol": row["number_symbol"]}
            for row in app.copies_of(actor, document_id)
        ],
        "can": {
            "submit": status in EDITABLE and is_allowed(actor, Action.SUBMIT, parties, tree),
            "revise": status in EDITABLE and is_allowed(actor, Action.REVISE, parties, tree),
            "sign": awaiting_me and is_allowed(actor, Action.SIGN, parties, tree),
            "return": (awaiting_me and is_allowed(actor, Action.RETURN, parties, tree))
            or my_review,
            "approve": my_review,
            "withdraw": status == DocumentStatus.SUBMITTED
            and actor.account_id == document.drafted_by
            and actor.has(Role.DRAFTER),
            "issue": status == DocumentStatus.SIGNED
            and is_allowed(actor, Action.ISSUE, parties, tree),
            "recall": status in IN_FORCE and is_allowed(actor, Action.RECALL, parties, tree),
            "register": receipt_status == ReceiptStatus.DELIVERED and actor.has(Role.CLERK),
            "acknowledge": receipt_status == ReceiptStatus.REGISTERED and actor.has(Role.CLERK),
            "return_to_sender": receipt_status
            in (ReceiptStatus.DELIVERED, ReceiptStatus.REGISTERED)
            and actor.has(Role.CLERK),
            "confirm_destruction": receipt_status == ReceiptStatus.RECALLED
            and actor.has(Role.CLERK),
            "direct": receipt_status in HANDLING and actor.has(Role.LEADER),
            "assign": receipt_status in ASSIGNABLE and actor.has(Role.LEADER),
            "copy": is_allowed(actor, Action.COPY, parties, tree)
            and ((own and status in IN_FORCE) or receipt_status in (*HANDLING, ReceiptStatus.DONE)),
            "handle": receipt_status in (ReceiptStatus.ASSIGNED, ReceiptStatus.IN_PROGRESS)
            and my_handler == str(actor.account_id),
            "forward": receipt_status in RECEIVED
            and status != DocumentStatus.RECALLED
            and actor.has(Role.CLERK)
            and bool(tree.children(actor.unit_id)),
            "progress": own and status not in (*EDITABLE, DocumentStatus.SUBMITTED),
        },
        "handlers": [
            {"username": row["username"], "full_name": row["full_name"]}
            for row in app.views.accounts_of_unit(actor.unit_id)
        ],
        "history": history(context, app.views.history(document_id)),
    }


def review_chain(context: WebContext, document: OutgoingDocument) -> list[dict[str, str]]:
    """The reviewers of a submitted document in order, each ``done``, ``current`` or
    ``pending``, then the signer."""
    app = context.services.app
    steps = [
        (reviewer, "done" if i < document.reviews_done else "pending")
        for i, reviewer in enumerate(document.reviewers)
    ]
    steps.append((document.signer_id, "pending"))
    return [
        {
            "full_name": app.account_by_id(account_id).full_name,
            "role": "review" if i < len(document.reviewers) else "sign",
            "state": "current" if account_id == document.holder_id else state,
        }
        for i, (account_id, state) in enumerate(steps)
    ]


def reviewer_choices(context: WebContext, document: OutgoingDocument) -> list[dict[str, str]]:
    """People of the issuing unit the drafter may ask to review (chuyên viên, lãnh đạo)."""
    excluded = {str(document.drafted_by), str(document.signer_id)}
    return [
        {"username": row["username"], "full_name": row["full_name"]}
        for row in context.services.app.views.accounts_of_unit(document.issuer_unit_id)
        if row["id"] not in excluded
        and {Role.DRAFTER.value, Role.LEADER.value} & set(row["roles"].split(","))
    ]


def _duplicate(row: dict[str, Any]) -> dict[str, str] | None:
    """The duplicate-registration warning of a receipt row (Nghị định 30, Phụ lục VI)."""
    earlier = [int(n) for n in row["duplicate_of"].split(",")] if row["duplicate_of"] else []
    warning = duplicate_warning(row["number_symbol"], earlier)
    return {"vi": warning[0], "en": warning[1]} if warning else None


def inbox_rows(context: WebContext, actor: Actor) -> list[dict[str, Any]]:
    app = context.services.app
    app.refresh_views()
    return [
        {
            "receipt_id": row["id"],
            "document_id": row["document_id"],
            "number_symbol": row["number_symbol"],
            "subject": row["subject"],
            "doc_type_name": document_type(row["doc_type"]).name,
            "urgency_label": urgency_label(row["urgency"]),
            "issuer_name": row["issuer_name"],
            "status": row["status"],
            "status_label": _labels(RECEIPT_STATUS_LABELS[ReceiptStatus(row["status"])]),
            "arrival_number": row["arrival_number"],
            "delivered_at": _time(row["delivered_at"]),
            "duplicate_warning": _duplicate(row),
        }
        for row in app.views.inbox(actor.unit_id)
    ]


def outbox_rows(context: WebContext, actor: Actor) -> list[dict[str, Any]]:
    app = context.services.app
    app.refresh_views()
    return [
        {
            "document_id": row["id"],
            "number_symbol": row["number_symbol"],
            "subject": row["subject"],
            "doc_type_name": document_type(row["doc_type"]).name,
            "urgency_label": urgency_label(row["urgency"]),
            "status": row["status"],
            "status_label": _labels(STATUS_LABELS[DocumentStatus(row["status"])]),
            "recipient_count": row["recipient_count"],
            "delivered": row["delivered"],
            "acknowledged": row["acknowledged"],
            "updated_at": _time(row["updated_at"]),
        }
        for row in app.views.outbox(actor.unit_id)
    ]
