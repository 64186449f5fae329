"""``IssueAndDispatch``: number and seal a signed document, then deliver it to every recipient.

One workflow per document (id ``issue-<document id>``). Recipients are delivered in batches by
activities (a few batches in flight at once), so history grows with batches, not recipients:
126,000 recipients at 1,000 per batch is 126 activities.

A document with a response deadline (hạn trả lời) keeps the workflow open after delivery: it
sleeps until the reminder moment (reminds the recipients that have not acknowledged) and until
the day after the deadline (lists them to the sender), each one activity paging through the units
1,000 at a time with heartbeats. The ``recalled`` signal stops further delivery batches and ends
the wait. History at 126,000 recipients: about 3 events per batch (126 batches) plus a few per
group of 4 batches in flight and about 15 for the follow-up, ≈ 500 events, far below 10,240.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflow.messages import (
        DeliveryBatch,
        DispatchProgress,
        FollowUpRequest,
        FollowUpTimes,
        IssueFailure,
        IssueRequest,
    )

FOLLOW_UP_PATCH = "response-deadline-follow-up"  # histories recorded before it replay without
BATCH_SIZE = 1000
BATCHES_IN_FLIGHT = 4
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# Numbering and sealing are retried a few times only (a trust service may be briefly down); a
# refusal that lasts (a revoked or expired certificate) fails the issue and sends the document
# back to "signed" with the reason, for the clerk to issue again once it is fixed.
SEAL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=8), maximum_attempts=4
)


def refusal_reason(error: ActivityError) -> str:
    """The refusal in Vietnamese (English after it), from the activity's ApplicationError."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.details:
        return f"{cause.message} / {cause.details[0]}"
    return str(cause or error)


@workflow.defn(name="IssueAndDispatch")
class IssueAndDispatchWorkflow:
    def __init__(self) -> None:
        self._number_symbol = ""
        self._recipient_count = 0
        self._batches_total = 0
        self._batches_done = 0
        self._delivered = 0
        self._finished = False
        self._recalled = False
        self._reminded = 0
        self._overdue = 0
        self._phase = "delivering"

    @workflow.run
    async def run(self, request: IssueRequest) -> DispatchProgress:
        try:
            self._number_symbol = await workflow.execute_activity(
                "number_and_seal",
                request.document_id,
                result_type=str,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=SEAL_RETRY,
            )
        except ActivityError as error:
            reason = refusal_reason(error)
            await workflow.execute_activity(
                "record_issue_failure",
                IssueFailure(request.document_id, reason),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
            raise ApplicationError(reason, non_retryable=True) from error
        self._recipient_count = await workflow.execute_activity(
            "count_recipients",
            request.document_id,
            result_type=int,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        offsets = list(range(0, self._recipient_count, BATCH_SIZE))
        self._batches_total = len(offsets)
        for start in range(0, len(offsets), BATCHES_IN_FLIGHT):
            if self._recalled:
                break  # in-flight batches are done; their copies are frozen below
            await asyncio.gather(
                *(
                    self._deliver(request.document_id, offset)
                    for offset in offsets[start:][:BATCHES_IN_FLIGHT]
                )
            )
        await workflow.execute_activity(
            "mark_dispatched",
            request.document_id,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        self._finished = True
        if workflow.patched(FOLLOW_UP_PATCH):
            await self._follow_up(request.document_id)
        return self.progress()

    async def _follow_up(self, document_id: str) -> None:
        """Reminder before the response deadline, overdue list after it, unless recalled."""
        if self._recalled:
            await self._notice_recall(document_id)
            return
        times = await workflow.execute_activity(
            "follow_up_times",
            document_id,
            result_type=FollowUpTimes,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        if not times.overdue_at:
            self._phase = "done"
            return
        self._phase = "waiting"
        if times.remind_at and not await self._recalled_before(times.remind_at):
            self._reminded = await self._send(document_id, "reminder")
            self._phase = "reminded"
        if not await self._recalled_before(times.overdue_at):
            self._overdue = await self._send(document_id, "overdue")
            self._phase = "overdue"
        if self._recalled:
            self._phase = "recalled"

    async def _recalled_before(self, moment: str) -> bool:
        """Sleeps until ``moment`` unless the document is recalled first; True when recalled."""
        delay = (datetime.fromisoformat(moment) - workflow.now()).total_seconds()
        if delay > 0 and not self._recalled:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._recalled, timeout=delay)
        return self._recalled

    async def _send(self, document_id: str, kind: str) -> int:
        return await workflow.execute_activity(
            "send_follow_up",
            FollowUpRequest(document_id, kind),
            result_type=int,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )

    async def _notice_recall(self, document_id: str) -> None:
        """Recalled while delivering: freezes the copies the last batches delivered."""
        await workflow.execute_activity(
            "notice_recall_everywhere",
            document_id,
            result_type=int,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        self._phase = "recalled"

    @workflow.signal
    def recalled(self) -> None:
        """Sent by the recall use case: no further batches, reminders or overdue list."""
        self._recalled = True

    async def _deliver(self, document_id: str, offset: int) -> None:
        delivered = await workflow.execute_activity(
            "deliver_batch",
            DeliveryBatch(document_id=document_id, offset=offset, limit=BATCH_SIZE),
            result_type=int,
            start_to_close_timeout=timedelta(minutes=5),
            heartbeat_timeout=timedelta(seconds=20),
            retry_policy=RETRY,
        )
        self._batches_done += 1
        self._delivered += delivered

    @workflow.query
    def progress(self) -> DispatchProgress:
        return DispatchProgress(
            number_symbol=self._number_symbol,
            recipient_count=self._recipient_count,
            batches_total=self._batches_total,
            batches_done=self._batches_done,
            delivered=self._delivered,
            finished=self._finished,
            phase=self._phase if self._finished else "delivering",
            reminded=self._reminded,
            overdue=self._overdue,
        )
