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

with workflow.unsafe.imports_passed_through():
    from workflow.messages import DeliveryBatch, DispatchProgress, IssueRequest

BATCH_SIZE = 1000
BATCHES_IN_FLIGHT = 4
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


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
        self._number_symbol = await workflow.execute_activity(
            "number_and_seal",
            request.document_id,
            result_type=str,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RETRY,
        )
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
