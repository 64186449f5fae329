"""``IssueAndDispatch``: number and seal a signed document, then deliver it to every recipient.

One workflow per document (id ``issue-<document id>``). Recipients are delivered in batches by
activities (a few batches in flight at once), so history grows with batches, not recipients:
126,000 recipients at 1,000 per batch is 126 activities.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflow.messages import DeliveryBatch, DispatchProgress, IssueFailure, IssueRequest

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
        return self.progress()

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
        )
