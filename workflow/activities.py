"""Activities: thin wrappers that call the steps with ids; all state lives in the event store."""

from __future__ import annotations

from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from documents.errors import DomainError
from workflow.messages import DeliveryBatch, IssueFailure
from workflow.services import OfficeServices
from workflow.signing_steps import number_and_seal


class OfficeActivities:
    def __init__(self, services: OfficeServices) -> None:
        self.services = services

    @activity.defn(name="number_and_seal")
    def number_and_seal(self, document_id: str) -> str:
        try:
            return number_and_seal(self.services, UUID(document_id))
        except DomainError as refusal:  # retried a few times (a trust service may be down)
            raise ApplicationError(
                refusal.message_vi, refusal.message_en, type=type(refusal).__name__
            ) from refusal

    @activity.defn(name="record_issue_failure")
    def record_issue_failure(self, failure: IssueFailure) -> None:
        self.services.app.record_issue_failure(UUID(failure.document_id), failure.reason)

    @activity.defn(name="count_recipients")
    def count_recipients(self, document_id: str) -> int:
        return len(self.services.app.dispatch_list(UUID(document_id)).recipients)

    @activity.defn(name="deliver_batch")
    def deliver_batch(self, batch: DeliveryBatch) -> int:
        """Delivers recipients [offset, offset+limit); a retry delivers nobody twice."""
        activity.heartbeat()  # a worker that dies mid-batch is noticed within the heartbeat timeout
        app = self.services.app
        document_id = UUID(batch.document_id)
        units = app.dispatch_list(document_id).recipients[batch.offset : batch.offset + batch.limit]
        app.deliver(document_id, units)
        return len(units)

    @activity.defn(name="mark_dispatched")
    def mark_dispatched(self, document_id: str) -> None:
        app = self.services.app
        recipients = app.dispatch_list(UUID(document_id)).recipients
        app.mark_dispatched(UUID(document_id), len(recipients))
