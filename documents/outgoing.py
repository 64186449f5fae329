"""``OutgoingDocument`` (văn bản đi): draft → submitted (reviewers, then the signer) → signed →
issued → dispatched."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError, InvalidInputError


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED = "signed"
    ISSUING = "issuing"
    ISSUED = "issued"
    DISPATCHED = "dispatched"
    RETURNED = "returned"
    RECALLED = "recalled"
    REPLACED = "replaced"


STATUS_LABELS = {
    DocumentStatus.DRAFT: ("Dự thảo", "Draft"),
    DocumentStatus.SUBMITTED: ("Đã trình ký", "Submitted for signature"),
    DocumentStatus.SIGNED: ("Lãnh đạo đã ký", "Signed by the leader"),
    DocumentStatus.ISSUING: ("Đang cấp số, phát hành", "Being numbered and issued"),
    DocumentStatus.ISSUED: ("Đã ban hành", "Issued"),
    DocumentStatus.DISPATCHED: ("Đã gửi", "Dispatched"),
    DocumentStatus.RETURNED: ("Bị trả lại để sửa", "Returned for revision"),
    DocumentStatus.RECALLED: ("Đã thu hồi", "Recalled"),
    DocumentStatus.REPLACED: ("Đã bị thay thế", "Replaced"),
}
EDITABLE = (DocumentStatus.DRAFT, DocumentStatus.RETURNED)
IN_FORCE = (DocumentStatus.ISSUED, DocumentStatus.DISPATCHED)
MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class Attachment:
    """A PDF sent in the same file as the document (phụ lục kèm theo): as uploaded, then, once
    the document is issued, signed by the issuing unit (``signed_sha256``)."""

    name: str
    sha256: str
    size: int
    signed_sha256: str | None = None

    @property
    def current_sha256(self) -> str:
        return self.signed_sha256 or self.sha256


@dataclass(frozen=True)
class AttachmentUpload:
    """An attachment as drafted: its file name, the PDF and the PDF's text (for the secrecy
    check)."""

    name: str
    pdf: bytes
    text: str = ""


MAX_ATTACHMENT_NAME = 200


def attachment_name(name: str) -> str:
    """The file name as shown (NFC, no folder, at most ``MAX_ATTACHMENT_NAME`` characters)."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:MAX_ATTACHMENT_NAME] or "phu-luc.pdf"


class OutgoingDocument(Aggregate):
    """A document drafted, signed and issued by one unit (the issuer)."""

    # The recipients are named by the SHA-256 of their list in the blob store
    # (``documents.recipient_lists``) and counted; drafts recorded before named every one of
    # them in ``recipient_unit_ids``, which is still read (``inline_recipients``).
    @event("Drafted")
    def __init__(
        self,
        issuer_unit_id: UUID,
        doc_type: str,
        subject: str,
        urgency: str,
        drafted_by: UUID,
        body_sha256: str,
        body_size: int,
        body_source: str,
        signer_authority: str | None,
        signer_id: UUID,
        recipients_sha256: str | None = None,
        recipient_count: int | None = None,
        recipient_unit_ids: list[UUID] | None = None,
        text_sha256: str | None = None,
    ) -> None:
        self.issuer_unit_id = issuer_unit_id
        self.doc_type = doc_type
        self.subject = subject
        self.urgency = urgency
        self.recipients_sha256 = recipients_sha256
        self.inline_recipients = (
            tuple(recipient_unit_ids) if recipient_unit_ids is not None else None
        )
        self.recipient_count = (
            recipient_count if recipient_count is not None else len(recipient_unit_ids or ())
        )
        self.drafted_by = drafted_by
        self.body_sha256 = body_sha256
        self.body_size = body_size
        self.body_source = body_source
        self.signer_authority = signer_authority
        self.signer_id = signer_id
        self.text_sha256 = text_sha256
        """The body's text as a UTF-8 blob (typed, or extracted once from the upload), so that
        search never extracts it again from the issued PDF; None in drafts recorded before."""
        self.status = DocumentStatus.DRAFT
        self.signed_sha256: str | None = None
        self.signer_name: str | None = None
        self.issued_sha256: str | None = None
        self.number: int | None = None
        self.number_symbol: str | None = None
        self.issued_at: datetime | None = None
        self.issuer_name: str | None = None  # as it was when issued; units get renamed
        self.delivered_count = 0
        self.versions = [body_sha256]
        self.recall_reason: str | None = None
        self.replaced_by: UUID | None = None
        self.replaces: UUID | None = None
        self.folder_id: UUID | None = None
        self.attachments: list[Attachment] = []
        self.reviewers: list[UUID] = []  # chosen at submit, in order; then the signer
        self.reviews_done = 0
        self.submissions = 0
        self.step_alerts: list[str] = []  # "reminded", "escalated" in the current step
        self.response_deadline: datetime | None = None  # hạn trả lời
        self.remind_days_before = 1

    @property
    def in_review(self) -> bool:
        """Submitted and still waiting for a reviewer's opinion (before the signer)."""
        return self.status == DocumentStatus.SUBMITTED and self.reviews_done < len(self.reviewers)

    @property
    def holder_id(self) -> UUID | None:
        """Who holds the current step of a submitted document: the next reviewer, else the
        signer; nobody when the document is not submitted."""
        if self.status != DocumentStatus.SUBMITTED:
            return None
        return self.reviewers[self.reviews_done] if self.in_review else self.signer_id

    @property
    def current_sha256(self) -> str:
        """The newest file of the document: the issued PDF, else the signed one, else the draft."""
        return self.issued_sha256 or self.signed_sha256 or self.body_sha256

    def _expect(self, *allowed: DocumentStatus, action_vi: str, action_en: str) -> None:
        if self.status not in allowed:
            vi, en = STATUS_LABELS[DocumentStatus(self.status)]
            raise ConflictError(
                f"Không thể {action_vi}: văn bản đang ở trạng thái «{vi}».",
                f"Cannot {action_en}: the document is '{en}'.",
            )

    def submit(self, by: UUID, reviewers: list[UUID] | None = None) -> None:
        self._expect(*EDITABLE, action_vi="trình ký", action_en="submit")
        self._submitted(by=by, reviewers=list(reviewers or []))

    def revise(
        self, by: UUID, body_sha256: str, body_size: int, text_sha256: str | None = None
    ) -> None:
        self._expect(*EDITABLE, action_vi="sửa dự thảo", action_en="revise")
        self._revised(by=by, body_sha256=body_sha256, body_size=body_size, text_sha256=text_sha256)

    @event("Revised")
    def _revised(
        self, by: UUID, body_sha256: str, body_size: int, text_sha256: str | None = None
    ) -> None:
        self.body_sha256 = body_sha256
        self.body_size = body_size
        self.text_sha256 = text_sha256
        self.versions.append(body_sha256)
        self.status = DocumentStatus.DRAFT

    def return_for_revision(self, by: UUID, comment: str) -> None:
        self._expect(DocumentStatus.SUBMITTED, action_vi="trả lại", action_en="return")
        self._returned(by=by, comment=comment)

    @event("ReturnedForRevision")
    def _returned(self, by: UUID, comment: str) -> None:
        self.status = DocumentStatus.RETURNED

    def recall(self, by: UUID, reason: str) -> None:
        self._expect(*IN_FORCE, action_vi="thu hồi", action_en="recall")
        self._recalled(by=by, reason=reason)

    @event("Recalled")
    def _recalled(self, by: UUID, reason: str) -> None:
        self.status = DocumentStatus.RECALLED
        self.recall_reason = reason

    def mark_replaced(self, by: UUID, replacement_id: UUID) -> None:
        self._expect(*IN_FORCE, action_vi="thay thế", action_en="replace")
        self._replaced(by=by, replacement_id=replacement_id)

    @event("Replaced")
    def _replaced(self, by: UUID, replacement_id: UUID) -> None:
        self.status = DocumentStatus.REPLACED
        self.replaced_by = replacement_id

    @event("DeclaredReplacing")
    def declare_replacing(self, by: UUID, replaced_id: UUID) -> None:
        self.replaces = replaced_id

    def file_into(self, by: UUID, folder_id: UUID) -> None:
        if self.status in (*EDITABLE, DocumentStatus.SUBMITTED, DocumentStatus.SIGNED):
            raise ConflictError(
                "Chỉ lập hồ sơ cho văn bản đã ban hành.", "Only issued documents can be filed."
            )
        if self.folder_id == folder_id:
            return
        self._filed(by=by, folder_id=folder_id)

    @event("Filed")
    def _filed(self, by: UUID, folder_id: UUID) -> None:
        self.folder_id = folder_id

    def attach(self, by: UUID, name: str, sha256: str, size: int) -> None:
        """Adds a PDF attachment (phụ lục) to a draft; it is signed by the unit at issuance."""
        self._expect(*EDITABLE, action_vi="đính kèm tệp", action_en="attach a file")
        if len(self.attachments) >= MAX_ATTACHMENTS:
            raise InvalidInputError(
                f"Mỗi văn bản đính kèm tối đa {MAX_ATTACHMENTS} tệp.",
                f"A document takes at most {MAX_ATTACHMENTS} attachments.",
            )
        self._attached(by=by, name=name, sha256=sha256, size=size)

    @event("AttachmentAdded")
    def _attached(self, by: UUID, name: str, sha256: str, size: int) -> None:
        self.attachments.append(Attachment(name=name, sha256=sha256, size=size))

    def sign_attachment(self, index: int, signed_sha256: str) -> None:
        """The attachment at ``index`` (0-based) as signed by the issuing unit, recorded with
        the seal."""
        self._expect(DocumentStatus.ISSUING, action_vi="ký tệp đính kèm", action_en="sign")
        if not 0 <= index < len(self.attachments):
            raise InvalidInputError("Không có tệp đính kèm này.", "No such attachment.")
        self._attachment_signed(index=index, signed_sha256=signed_sha256)

    @event("AttachmentSigned")
    def _attachment_signed(self, index: int, signed_sha256: str) -> None:
        self.attachments[index] = replace(self.attachments[index], signed_sha256=signed_sha256)

    # ``reviewers`` was added later: a stored ``Submitted`` without it had no review chain.
    @event("Submitted")
    def _submitted(self, by: UUID, reviewers: list[UUID] | None = None) -> None:
        self.status = DocumentStatus.SUBMITTED
        self.reviewers = list(reviewers or [])
        self.reviews_done = 0
        self.submissions += 1
        self.step_alerts = []

    def approve_review(self, by: UUID, comment: str) -> None:
        """The current reviewer agrees (duyệt); the step passes to the next one or the signer."""
        self._expect(DocumentStatus.SUBMITTED, action_vi="cho ý kiến", action_en="review")
        if not self.in_review:
            raise ConflictError(
                "Văn bản đã qua các bước duyệt, đang chờ lãnh đạo ký.",
                "The reviews are done; the document is waiting for the signer.",
            )
        self._review_approved(by=by, comment=comment)

    @event("ReviewApproved")
    def _review_approved(self, by: UUID, comment: str) -> None:
        self.reviews_done += 1
        self.step_alerts = []

    def withdraw(self, by: UUID, reason: str) -> None:
        """The drafter takes a submitted draft back (rút lại): it is a draft again."""
        self._expect(DocumentStatus.SUBMITTED, action_vi="rút lại", action_en="withdraw")
        self._withdrawn(by=by, reason=reason)

    @event("Withdrawn")
    def _withdrawn(self, by: UUID, reason: str) -> None:
        self.status = DocumentStatus.DRAFT

    def record_reminder(self, holder_id: UUID) -> bool:
        """A reminder to the step's holder; False (nothing recorded) when the step moved on or
        was reminded already, so a retried activity reminds once."""
        if self.holder_id != holder_id or "reminded" in self.step_alerts:
            return False
        self._reminder_sent(holder_id=holder_id, step=self.step_name)
        return True

    @event("ReminderSent")
    def _reminder_sent(self, holder_id: UUID, step: str) -> None:
        self.step_alerts = [*self.step_alerts, "reminded"]

    def escalate(self, holder_id: UUID, leader_id: UUID | None) -> bool:
        """The step waited too long: the unit's leader is told (báo lãnh đạo); once per step."""
        if self.holder_id != holder_id or "escalated" in self.step_alerts:
            return False
        self._escalated(holder_id=holder_id, leader_id=leader_id, step=self.step_name)
        return True

    @event("Escalated")
    def _escalated(self, holder_id: UUID, leader_id: UUID | None, step: str) -> None:
        self.step_alerts = [*self.step_alerts, "escalated"]

    @property
    def step_name(self) -> str:
        """``review`` or ``sign`` while submitted; the status otherwise."""
        if self.status == DocumentStatus.SUBMITTED:
            return "review" if self.in_review else "sign"
        return str(self.status)

    def sign(
        self, by: UUID, signer_name: str, certificate_sha256: str, level: str, signed_sha256: str
    ) -> None:
        if self.signed_sha256 is not None:
            raise ConflictError(
                "Văn bản đã được ký, không thể ký lần nữa.",
                "The document is signed already and cannot be signed twice.",
            )
        self._expect(DocumentStatus.SUBMITTED, action_vi="ký", action_en="sign")
        if self.in_review:
            raise ConflictError(
                "Văn bản còn chờ ý kiến của người duyệt, chưa thể ký.",
                "The document is still waiting for its reviewers and cannot be signed yet.",
            )
        self._signed(
            by=by,
            signer_name=signer_name,
            certificate_sha256=certificate_sha256,
            level=level,
            signed_sha256=signed_sha256,
        )

    @event("ApprovedAndSigned")
    def _signed(
        self, by: UUID, signer_name: str, certificate_sha256: str, level: str, signed_sha256: str
    ) -> None:
        self.status = DocumentStatus.SIGNED
        self.signer_name = signer_name
        self.signed_sha256 = signed_sha256

    def request_issue(self, by: UUID) -> None:
        self._expect(DocumentStatus.SIGNED, action_vi="phát hành", action_en="issue")
        self._issue_requested(by=by)

    @event("IssueRequested")
    def _issue_requested(self, by: UUID) -> None:
        self.status = DocumentStatus.ISSUING

    def issue_failed(self, reason: str) -> bool:
        """Numbering or sealing could not be done (e.g. the unit's certificate is revoked): the
        document goes back to signed, so the clerk can issue it again once it is fixed. A number
        already taken stays with it: issuing again seals it under that number and date."""
        if self.status != DocumentStatus.ISSUING:
            return False
        self._issue_failed(reason=reason)
        return True

    @event("IssueFailed")
    def _issue_failed(self, reason: str) -> None:
        self.status = DocumentStatus.SIGNED

    def take_number(
        self, number: int, number_symbol: str, register_id: UUID, issued_at: datetime
    ) -> None:
        """The register's number and the date of issue (cấp số): the first of the two steps of
        issuing, taken in the register's race; the seal follows outside it. A number once taken
        stays with the document (numbers are never reused), even if its seal fails."""
        self.expect_numbering()
        self._numbered(
            number=number, number_symbol=number_symbol, register_id=register_id, issued_at=issued_at
        )

    def expect_numbering(self) -> None:
        """Refuses a number for a document that is not being issued or already has one."""
        self._expect(DocumentStatus.ISSUING, action_vi="cấp số", action_en="number")
        if self.number is not None:
            raise ConflictError(
                f"Văn bản đã được cấp số {self.number_symbol}.",
                f"The document already has its number {self.number_symbol}.",
            )

    @event("Numbered")
    def _numbered(
        self, number: int, number_symbol: str, register_id: UUID, issued_at: datetime
    ) -> None:
        self.number = number
        self.number_symbol = number_symbol
        self.issued_at = issued_at

    def seal(self, issued_sha256: str, sealed_by_unit: str) -> None:
        """The numbered, dated and sealed PDF (đóng dấu, ban hành): the document is issued."""
        self._expect(DocumentStatus.ISSUING, action_vi="đóng dấu", action_en="seal")
        if self.number is None:
            raise ConflictError(
                "Văn bản chưa được cấp số, chưa thể đóng dấu.",
                "The document has no number yet and cannot be sealed.",
            )
        self._sealed(issued_sha256=issued_sha256, sealed_by_unit=sealed_by_unit)

    @event("Sealed")
    def _sealed(self, issued_sha256: str, sealed_by_unit: str) -> None:
        self.status = DocumentStatus.ISSUED
        self.issued_sha256 = issued_sha256
        self.issuer_name = sealed_by_unit

    def issue(
        self,
        number: int,
        number_symbol: str,
        register_id: UUID,
        issued_sha256: str,
        sealed_by_unit: str,
        issued_at: datetime,
    ) -> None:
        self._expect(DocumentStatus.ISSUING, action_vi="cấp số", action_en="number")
        self._issued(
            number=number,
            number_symbol=number_symbol,
            register_id=register_id,
            issued_sha256=issued_sha256,
            sealed_by_unit=sealed_by_unit,
            issued_at=issued_at,
        )

    # Number, seal and issue in one event: how documents were issued before numbering became a
    # step of its own (``Numbered`` then ``Sealed``); kept so stored events of that shape load.
    @event("NumberedAndIssued")
    def _issued(
        self,
        number: int,
        number_symbol: str,
        register_id: UUID,
        issued_sha256: str,
        sealed_by_unit: str,
        issued_at: datetime,
    ) -> None:
        self.status = DocumentStatus.ISSUED
        self.number = number
        self.number_symbol = number_symbol
        self.issued_sha256 = issued_sha256
        self.issued_at = issued_at
        self.issuer_name = sealed_by_unit

    def set_response_deadline(self, by: UUID, deadline: datetime, remind_days_before: int) -> None:
        """The date (and time) by which recipients should answer; set while drafting or at
        issue, before any delivery."""
        self._expect(
            *EDITABLE,
            DocumentStatus.SUBMITTED,
            DocumentStatus.SIGNED,
            action_vi="đặt hạn trả lời",
            action_en="set the response deadline",
        )
        self._deadline_set(by=by, deadline=deadline, remind_days_before=remind_days_before)

    @event("ResponseDeadlineSet")
    def _deadline_set(self, by: UUID, deadline: datetime, remind_days_before: int) -> None:
        self.response_deadline = deadline
        self.remind_days_before = remind_days_before

    def mark_dispatched(self, recipient_count: int) -> None:
        if self.status in (DocumentStatus.DISPATCHED, DocumentStatus.RECALLED):
            return  # a document recalled while it was being delivered stays recalled
        self._expect(DocumentStatus.ISSUED, action_vi="gửi", action_en="dispatch")
        self._dispatched(recipient_count=recipient_count)

    @event("Dispatched")
    def _dispatched(self, recipient_count: int) -> None:
        self.status = DocumentStatus.DISPATCHED
        self.delivered_count = recipient_count
