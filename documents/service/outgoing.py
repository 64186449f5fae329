"""Use cases of outgoing documents (văn bản đi): draft to dispatch, revision, recall."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from documents.accounts import Account
from documents.blobs import sha256_hex, text_blob
from documents.deadlines import (
    REMIND_DAYS_BEFORE,
    check_deadline_for_issue,
    check_remind_days_before,
    set_response_deadline,
)
from documents.delivery_events import DeliveryTemplate
from documents.dispatch_list import CACHED_LISTS, DispatchList
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.outgoing import (
    IN_FORCE,
    Attachment,
    AttachmentUpload,
    DocumentStatus,
    OutgoingDocument,
    attachment_name,
)
from documents.policy import Action, Actor, DocumentParties, require
from documents.receipts import receipt_id_for
from documents.reference import document_type, parse_urgency, refuse_secret_documents
from documents.review import check_reviewer_count, check_reviewers, require_current_reviewer
from documents.service.base import MAX_SUBJECT_LENGTH, required_text
from documents.service.numbering import NumberingService
from documents.units import UnitTree


class OutgoingService(NumberingService):
    def document(self, document_id: UUID) -> OutgoingDocument:
        return cast(
            OutgoingDocument, self._get(document_id, OutgoingDocument, "văn bản", "document")
        )

    def recipients_of(self, document: OutgoingDocument) -> tuple[UUID, ...]:
        """The draft's recipient units: its list in the blob store, or (drafts recorded before
        the list moved there) the list its ``Drafted`` event named."""
        if document.inline_recipients is not None:
            return document.inline_recipients
        if document.recipients_sha256 is None:
            return ()
        return self.recipient_lists.get(document.recipients_sha256)

    def parties(self, document: OutgoingDocument) -> DocumentParties:
        return DocumentParties(document.issuer_unit_id, self.recipients_of(document))

    def authorize(self, actor: Actor, action: Action, document: OutgoingDocument) -> None:
        require(actor, action, self.parties(document), self.tree)

    def draft_document(
        self,
        actor: Actor,
        *,
        doc_type: str,
        subject: str,
        urgency: str,
        secrecy: str | None,
        recipient_unit_ids: Sequence[UUID],
        body_pdf: bytes,
        body_source: str,
        body_text: str,
        signer_id: UUID,
        signer_authority: str | None = None,
        attachments: Sequence[AttachmentUpload] = (),
        response_deadline: datetime | None = None,
        remind_days_before: int | None = None,
    ) -> UUID:
        """Records a draft and its PDF attachments (``AttachmentAdded``, one per file, in the
        same save); each attachment's text is held to the same secrecy rule as the body."""
        refuse_secret_documents(secrecy, body_text)
        check_remind_days_before(remind_days_before, response_deadline is not None)
        for attachment in attachments:
            refuse_secret_documents(None, attachment.text)
        document_type(doc_type)
        parse_urgency(urgency)
        subject = subject.strip()
        if not subject:
            raise InvalidInputError("Cần nhập trích yếu.", "A subject (trích yếu) is required.")
        if len(subject) > MAX_SUBJECT_LENGTH:
            raise InvalidInputError(
                f"Trích yếu dài quá {MAX_SUBJECT_LENGTH} ký tự.",
                f"The subject is longer than {MAX_SUBJECT_LENGTH} characters.",
            )
        tree = self.tree()
        require(actor, Action.DRAFT, DocumentParties(actor.unit_id), tree)
        self._active_unit(actor.unit_id)
        recipients = self._checked_recipients(recipient_unit_ids, actor.unit_id, tree)
        self.check_signer(signer_id, actor.unit_id)
        sha256 = self.blobs.put(body_pdf)
        text_sha256 = self._put_text(body_text)
        document = OutgoingDocument(
            issuer_unit_id=actor.unit_id,
            doc_type=doc_type,
            subject=subject,
            urgency=urgency,
            recipients_sha256=self.recipient_lists.put(recipients),
            recipient_count=len(recipients),
            drafted_by=actor.account_id,
            body_sha256=sha256,
            body_size=len(body_pdf),
            body_source=body_source,
            signer_authority=signer_authority,
            signer_id=signer_id,
            text_sha256=text_sha256,
        )
        for attachment in attachments:
            document.attach(
                by=actor.account_id,
                name=attachment_name(attachment.name),
                sha256=sha256_hex(attachment.pdf),
                size=len(attachment.pdf),
            )
        for attachment in attachments:
            self.blobs.put(attachment.pdf)
        if response_deadline is not None:  # hạn trả lời, and the reminder's lead time
            set_response_deadline(
                document,
                actor.account_id,
                response_deadline,
                REMIND_DAYS_BEFORE if remind_days_before is None else remind_days_before,
            )
        self.save_and_refresh(document)
        return document.id

    @staticmethod
    def _checked_recipients(
        unit_ids: Sequence[UUID], issuer_id: UUID, tree: UnitTree
    ) -> list[UUID]:
        if not unit_ids:
            raise InvalidInputError(
                "Cần chọn ít nhất một nơi nhận.", "Choose at least one recipient unit."
            )
        unknown = [str(u) for u in unit_ids if u not in tree]
        if unknown:
            raise InvalidInputError(
                f"Nơi nhận không tồn tại: {', '.join(unknown)}.",
                f"Unknown recipient units: {', '.join(unknown)}.",
            )
        inactive = [tree.get(u).name for u in unit_ids if not tree.get(u).is_active]
        if inactive:
            raise InvalidInputError(
                f"Nơi nhận đã hợp nhất hoặc giải thể: {', '.join(inactive)}.",
                f"Recipients merged or dissolved: {', '.join(inactive)}.",
            )
        if issuer_id in unit_ids:
            raise InvalidInputError(
                "Đơn vị ban hành không thể tự gửi văn bản cho chính mình.",
                "The issuing unit cannot be one of its own recipients.",
            )
        return list(dict.fromkeys(unit_ids))

    def attachment(self, actor: Actor, document_id: UUID, position: int) -> Attachment:
        """The attachment at ``position`` (1-based) of a document the actor may view."""
        document = self.document(document_id)
        self.authorize(actor, Action.VIEW, document)
        if not 1 <= position <= len(document.attachments):
            raise NotFoundError("Không có tệp đính kèm này.", "No such attachment.")
        return document.attachments[position - 1]

    def submit(self, actor: Actor, document_id: UUID, reviewer_ids: Sequence[UUID] = ()) -> None:
        """Trình: to the reviewers in order (``reviewer_ids``, persons of the issuing unit),
        then to the signer; without reviewers straight to the signer."""
        document = self.document(document_id)
        self.authorize(actor, Action.SUBMIT, document)
        check_reviewer_count(len(reviewer_ids))
        accounts = [self._reviewer_account(reviewer_id) for reviewer_id in reviewer_ids]
        document.submit(by=actor.account_id, reviewers=check_reviewers(document, accounts))
        self.save_and_refresh(document)

    def _reviewer_account(self, account_id: UUID) -> Account:
        try:
            return self.account_by_id(account_id)
        except NotFoundError:
            raise InvalidInputError(
                f"Không có người duyệt {account_id}.", f"No such reviewer {account_id}."
            ) from None

    def holder_name(self, document: OutgoingDocument) -> str:
        """The full name of whoever holds the document's current step (for messages)."""
        holder = document.holder_id
        return self.account_by_id(holder).full_name if holder else ""

    def check_can_sign(self, actor: Actor, document_id: UUID) -> OutgoingDocument:
        """Refuses early (before any PDF work) what ``record_signature`` would refuse."""
        document = self.document(document_id)
        self.authorize(actor, Action.SIGN, document)
        if actor.account_id != document.signer_id:
            signer = self.account_by_id(document.signer_id)
            raise ForbiddenError(
                f"Văn bản này được trình cho {signer.full_name} ký.",
                f"This document was submitted for {signer.full_name}'s signature.",
            )
        if document.signed_sha256 is not None:
            raise ConflictError(
                "Văn bản đã được ký, không thể ký lần nữa.",
                "The document is signed already and cannot be signed twice.",
            )
        if document.status != DocumentStatus.SUBMITTED:
            raise ConflictError(
                "Chỉ ký được văn bản đã trình ký.", "Only a submitted document can be signed."
            )
        if document.in_review:
            raise ConflictError(
                f"Văn bản còn chờ {self.holder_name(document)} cho ý kiến, chưa thể ký.",
                f"The document is still waiting for {self.holder_name(document)}'s review.",
            )
        return document

    def record_signature(
        self,
        actor: Actor,
        document_id: UUID,
        signed_pdf: bytes,
        certificate_sha256: str,
        level: str,
    ) -> None:
        document = self.check_can_sign(actor, document_id)
        sha256 = self.blobs.put(signed_pdf)
        document.sign(
            by=actor.account_id,
            signer_name=actor.full_name,
            certificate_sha256=certificate_sha256,
            level=level,
            signed_sha256=sha256,
        )
        self.save_and_refresh(document)

    def request_issue(
        self,
        actor: Actor,
        document_id: UUID,
        response_deadline: datetime | None = None,
        remind_days_before: int | None = None,
    ) -> None:
        """The clerk asks for number, seal and dispatch; a response deadline and the reminder's
        lead time may be set (or replace the draft's) now."""
        document = self.document(document_id)
        self.authorize(actor, Action.ISSUE, document)
        deadline = response_deadline or document.response_deadline
        check_remind_days_before(remind_days_before, deadline is not None)
        if deadline is not None and (response_deadline or remind_days_before is not None):
            lead = document.remind_days_before if remind_days_before is None else remind_days_before
            set_response_deadline(document, actor.account_id, deadline, lead)
        check_deadline_for_issue(document)
        document.request_issue(by=actor.account_id)
        self.save_and_refresh(document)

    def record_issue_failure(self, document_id: UUID, reason: str) -> None:
        """A system step of the issuing workflow; idempotent."""
        document = self.document(document_id)
        if document.issue_failed(reason=reason):
            self.save_and_refresh(document)

    def dispatch_list(self, document_id: UUID) -> DispatchList:
        """The issued document's delivery data, cached (it never changes once issued)."""
        cached = self.dispatch_lists.get(document_id)
        if cached is not None:
            return cached
        document = self.document(document_id)
        if document.issued_sha256 is None or document.number_symbol is None:
            raise ConflictError(
                "Văn bản chưa được ban hành, chưa thể gửi.", "The document is not issued yet."
            )
        dispatch = DispatchList(
            document_id=document.id,
            issuer_unit_id=document.issuer_unit_id,
            number_symbol=document.number_symbol,
            subject=document.subject,
            doc_type=document.doc_type,
            urgency=document.urgency,
            file_sha256=document.issued_sha256,
            recipients=self.recipients_of(document),
        )
        self.dispatch_lists[document_id] = dispatch
        while len(self.dispatch_lists) > CACHED_LISTS:
            self.dispatch_lists.popitem(last=False)
        return dispatch

    def deliver(self, document_id: UUID, unit_ids: Sequence[UUID]) -> int:
        """Puts the issued document in each unit's inbox; idempotent per (document, unit).

        The receipts' ``Delivered`` events are built from one template per batch
        (``documents/delivery_events.py``), not through one aggregate per recipient."""
        template = DeliveryTemplate.for_dispatch(self.mapper, self.dispatch_list(document_id))
        units = list(dict.fromkeys(unit_ids))
        try:  # the common case: none delivered yet, one round trip for the whole batch
            self.record_deliveries(template.build(units))
            return len(units)
        except IntegrityError:  # a retried batch: some receipts exist (derived ids collide)
            new = [u for u in units if receipt_id_for(document_id, u) not in self.repository]
            if new:
                self.record_deliveries(template.build(new))
            return len(new)

    def mark_dispatched(self, document_id: UUID, recipient_count: int) -> None:
        document = self.document(document_id)
        document.mark_dispatched(recipient_count)
        self.save_and_refresh(document)

    def _put_text(self, text: str) -> str | None:
        """The body's text as a blob beside its PDF, for search; None when there is none (a
        scan): the search projection then reads the PDF."""
        return self.blobs.put(text_blob(text)) if text.strip() else None

    def revise_document(
        self, actor: Actor, document_id: UUID, body_pdf: bytes, body_text: str
    ) -> None:
        """A new version of the draft; every version stays stored under its SHA-256."""
        document = self.document(document_id)
        self.authorize(actor, Action.REVISE, document)
        refuse_secret_documents(None, body_text)
        document.revise(
            by=actor.account_id,
            body_sha256=sha256_hex(body_pdf),
            body_size=len(body_pdf),
            text_sha256=self._put_text(body_text),
        )
        self.blobs.put(body_pdf)
        self.save_and_refresh(document)

    def return_for_revision(self, actor: Actor, document_id: UUID, comment: str) -> None:
        """Trả lại: during the review only by the reviewer whose turn it is; at the signing step
        by a leader of the issuing unit."""
        document = self.document(document_id)
        if document.in_review:
            require_current_reviewer(actor, document, self.holder_name(document))
        else:
            self.authorize(actor, Action.RETURN, document)
        document.return_for_revision(by=actor.account_id, comment=required_text(comment, "comment"))
        self.save_and_refresh(document)

    def recall(self, actor: Actor, document_id: UUID, reason: str) -> None:
        """Thu hồi: the document is withdrawn; receivers are told by ``notice_recall``."""
        document = self.document(document_id)
        self.authorize(actor, Action.RECALL, document)
        document.recall(by=actor.account_id, reason=required_text(reason, "reason"))
        self.save_and_refresh(document)

    def notice_recall(self, document_id: UUID, unit_ids: Sequence[UUID]) -> int:
        """Freezes the recipients' copies (idempotent; run in batches for large dispatches)."""
        document = self.document(document_id)
        if document.status != DocumentStatus.RECALLED or document.recall_reason is None:
            raise ConflictError("Văn bản chưa bị thu hồi.", "The document is not recalled.")
        receipts = [
            self.receipt(receipt_id_for(document_id, unit_id))
            for unit_id in unit_ids
            if receipt_id_for(document_id, unit_id) in self.repository
        ]
        changed = [r for r in receipts if r.notice_recall(document.recall_reason)]
        if changed:
            self.save_and_refresh(*changed)
        return len(changed)

    def replace_document(self, actor: Actor, old_id: UUID, new_id: UUID) -> None:
        """The newer document ``new_id`` replaces ``old_id`` (same issuer, both issued)."""
        old, new = self.document(old_id), self.document(new_id)
        self.authorize(actor, Action.ISSUE, old)
        self.authorize(actor, Action.ISSUE, new)
        if old_id == new_id or old.issuer_unit_id != new.issuer_unit_id:
            raise InvalidInputError(
                "Văn bản thay thế phải là một văn bản khác của cùng cơ quan ban hành.",
                "The replacement must be another document of the same issuer.",
            )
        if new.status not in IN_FORCE:
            raise ConflictError(
                "Văn bản thay thế phải được ban hành trước.", "Issue the replacement first."
            )
        old.mark_replaced(by=actor.account_id, replacement_id=new_id)
        new.declare_replacing(by=actor.account_id, replaced_id=old_id)
        self.save_and_refresh(old, new)
