"""``ForwardDocument``: deliver a received document to the units of the forwarding unit's subtree
chosen in one request (id ``forward-<document>-<unit>-<part>``), in batches of 1,000 (a few in
flight), like the issuer's dispatch. Units that have the document already are skipped."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflow.messages import ForwardBatch, ForwardProgress, ForwardRequest

BATCH_SIZE = 1000
BATCHES_IN_FLIGHT = 4
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


@workflow.defn(name="ForwardDocument")
class ForwardDocumentWorkflow:
    def __init__(self) -> None:
        self._progress = ForwardProgress(units=0, delivered=0, finished=False)

    @workflow.run
    async def run(self, request: ForwardRequest) -> ForwardProgress:
        self._progress.units = await workflow.execute_activity(
            "count_forward_units",
            request,
            result_type=int,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        offsets = list(range(0, self._progress.units, BATCH_SIZE))
        for start in range(0, len(offsets), BATCHES_IN_FLIGHT):
            await asyncio.gather(
                *(self._deliver(request, offset) for offset in offsets[start:][:BATCHES_IN_FLIGHT])
            )
        self._progress.finished = True
        return self._progress

    async def _deliver(self, request: ForwardRequest, offset: int) -> None:
        self._progress.delivered += await workflow.execute_activity(
            "deliver_forward_batch",
            ForwardBatch(
                request.document_id, request.from_unit_id, request.part, offset, BATCH_SIZE
            ),
            result_type=int,
            start_to_close_timeout=timedelta(minutes=5),
            heartbeat_timeout=timedelta(seconds=20),
            retry_policy=RETRY,
        )

    @workflow.query
    def progress(self) -> ForwardProgress:
        return self._progress
