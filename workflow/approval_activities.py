"""Activities of the approval workflow: each records one domain event through
``OfficeApplication`` (which checks the policy again); a refusal is not retried."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from documents.errors import ConflictError, DomainError
from documents.outgoing import DocumentStatus
from documents.policy import Actor
from workflow.approval_messages import AlertResult, ReviewDecision, StepAlert
from workflow.services import OfficeServices


def domain_refusals(command: Callable[[], None]) -> None:
    """Runs ``command``; a domain refusal becomes a non-retryable ApplicationError of the same
    type name, Vietnamese message and English detail."""
    try:
        command()
    except DomainError as refusal:
        raise ApplicationError(
            refusal.message_vi, refusal.message_en, type=type(refusal).__name__, non_retryable=True
        ) from refusal


class ApprovalActivities:
    def __init__(self, services: OfficeServices) -> None:
        self.services = services

    def _actor(self, actor_id: str) -> Actor:
        app = self.services.app
        return app.actor_of(app.account_by_id(UUID(actor_id)))

    @activity.defn(name="record_review_approval")
    def record_review_approval(self, decision: ReviewDecision) -> None:
        app = self.services.app
        domain_refusals(
            lambda: app.approve_review(
                self._actor(decision.actor_id),
                UUID(decision.document_id),
                decision.text,
                step=decision.step,
            )
        )

    @activity.defn(name="record_return")
    def record_return(self, decision: ReviewDecision) -> None:
        app = self.services.app
        document_id = UUID(decision.document_id)
        if app.document(document_id).status == DocumentStatus.RETURNED:  # a retried activity
            return
        domain_refusals(
            lambda: app.return_for_revision(
                self._actor(decision.actor_id), document_id, decision.text
            )
        )

    @activity.defn(name="record_withdrawal")
    def record_withdrawal(self, decision: ReviewDecision) -> None:
        app = self.services.app
        document_id = UUID(decision.document_id)
        if app.document(document_id).status == DocumentStatus.DRAFT:  # a retried activity
            return
        domain_refusals(
            lambda: app.withdraw_submission(
                self._actor(decision.actor_id), document_id, decision.text
            )
        )

    @activity.defn(name="confirm_signed")
    def confirm_signed(self, decision: ReviewDecision) -> None:
        """The ``signed`` notice holds only if the event store has the signature."""
        document = self.services.app.document(UUID(decision.document_id))
        if document.signed_sha256 is None:
            domain_refusals(_not_signed)

    @activity.defn(name="record_approval_alert")
    def record_approval_alert(self, alert: StepAlert) -> AlertResult:
        app = self.services.app
        document_id, holder_id = UUID(alert.document_id), UUID(alert.holder_id)
        if alert.kind == "remind":
            return AlertResult(active=app.record_step_reminder(document_id, holder_id))
        if not app.is_step_holder(document_id, holder_id):
            return AlertResult(active=False)
        leader = app.record_step_escalation(document_id, holder_id)
        return AlertResult(active=True, leader_id=str(leader) if leader else "")


def _not_signed() -> None:
    raise ConflictError("Văn bản chưa được ký.", "The document is not signed.")
