"""Use cases of the review chain (duyệt văn bản): a reviewer approves, the drafter withdraws, the
approval workflow records reminders to the step's holder and escalations to the unit's leader.
Submitting with reviewers and returning with a comment are in ``service/outgoing.py``."""

from __future__ import annotations

from uuid import UUID

from documents.outgoing import DocumentStatus
from documents.policy import Actor
from documents.review import require_current_reviewer, require_drafter
from documents.service.base import required_text
from documents.service.outgoing import OutgoingService

MAX_COMMENT_LENGTH = 2000


class ReviewService(OutgoingService):
    def approve_review(
        self, actor: Actor, document_id: UUID, comment: str = "", step: int | None = None
    ) -> None:
        """The current reviewer approves. ``step`` (how many reviews were done before this
        one, as the caller saw it) makes a repeated command harmless: if that reviewer's
        approval is recorded already, nothing more is."""
        document = self.document(document_id)
        if (
            step is not None
            and document.status == DocumentStatus.SUBMITTED
            and document.reviews_done > step
            and document.reviewers[step] == actor.account_id
        ):
            return
        require_current_reviewer(actor, document, self.holder_name(document))
        document.approve_review(by=actor.account_id, comment=comment.strip()[:MAX_COMMENT_LENGTH])
        self.save_and_refresh(document)

    def withdraw_submission(self, actor: Actor, document_id: UUID, reason: str) -> None:
        """Rút lại: the drafter takes back a submitted, unsigned document; it is a draft again."""
        document = self.document(document_id)
        require_drafter(actor, document)
        document.withdraw(by=actor.account_id, reason=required_text(reason, "reason"))
        self.save_and_refresh(document)

    def record_step_reminder(self, document_id: UUID, holder_id: UUID) -> bool:
        """A system step of the approval workflow: reminds whoever holds the step (once per
        step). False when ``holder_id`` no longer holds it."""
        document = self.document(document_id)
        if not document.record_reminder(holder_id):
            return document.holder_id == holder_id
        self.save_and_refresh(document)
        return True

    def record_step_escalation(self, document_id: UUID, holder_id: UUID) -> UUID | None:
        """The step waited too long: the unit's leader is told (once per step). The leader is
        the designated signer while a reviewer holds the step, else another leader of the
        unit. Returns the leader told (None if there is none or the step moved on); a repeated
        call records nothing more."""
        document = self.document(document_id)
        if document.holder_id != holder_id:
            return None
        leader: UUID | None = document.signer_id
        if holder_id == document.signer_id:
            others = [a.id for a in self.leaders_of(document.issuer_unit_id) if a.id != holder_id]
            leader = others[0] if others else None
        if document.escalate(holder_id, leader):
            self.save_and_refresh(document)
        return leader

    def is_step_holder(self, document_id: UUID, account_id: UUID) -> bool:
        return self.document(document_id).holder_id == account_id
