"""Activities of dispatch follow-up: the deadline's moments, reminders and the overdue list (one
activity pages through the units, 1,000 per event, heartbeating), recall reaching every copy, and
the forwarding batches."""

from __future__ import annotations

from uuid import UUID

from temporalio import activity

from documents.follow_up import FollowUpKind
from workflow.messages import FollowUpRequest, FollowUpTimes, ForwardBatch, ForwardRequest
from workflow.services import OfficeServices


class FollowUpActivities:
    def __init__(self, services: OfficeServices) -> None:
        self.services = services

    @activity.defn(name="follow_up_times")
    def follow_up_times(self, document_id: str) -> FollowUpTimes:
        times = self.services.app.follow_up_times(UUID(document_id))
        return FollowUpTimes(
            remind_at=times.remind_at.isoformat() if times.remind_at else "",
            overdue_at=times.overdue_at.isoformat() if times.overdue_at else "",
        )

    @activity.defn(name="send_follow_up")
    def send_follow_up(self, request: FollowUpRequest) -> int:
        """Idempotent: a retry resumes after the last batch saved (the aggregate's cursor)."""
        activity.heartbeat()
        return self.services.app.send_follow_up(
            UUID(request.document_id), FollowUpKind(request.kind), activity.heartbeat
        )

    @activity.defn(name="notice_recall_everywhere")
    def notice_recall_everywhere(self, document_id: str) -> int:
        activity.heartbeat()
        return self.services.app.notice_recall_everywhere(UUID(document_id))

    @activity.defn(name="count_forward_units")
    def count_forward_units(self, request: ForwardRequest) -> int:
        app = self.services.app
        units = app.forwarding_units(
            UUID(request.document_id), UUID(request.from_unit_id), request.part
        )
        return len(units)

    @activity.defn(name="deliver_forward_batch")
    def deliver_forward_batch(self, batch: ForwardBatch) -> int:
        """Delivers units [offset, offset+limit) of the request; a retry delivers nobody twice."""
        activity.heartbeat()
        app = self.services.app
        document_id, from_unit = UUID(batch.document_id), UUID(batch.from_unit_id)
        units = app.forwarding_units(document_id, from_unit, batch.part)
        return app.deliver_forwarded(
            document_id, from_unit, units[batch.offset : batch.offset + batch.limit]
        )
