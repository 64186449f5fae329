"""A deliberately incompatible edit of ``IssueAndDispatch`` (another first activity), to show
that the replay test catches non-deterministic changes."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflow.messages import DispatchProgress, IssueRequest


@workflow.defn(name="IssueAndDispatch")
class ChangedIssueAndDispatch:
    @workflow.run
    async def run(self, request: IssueRequest) -> DispatchProgress:
        await workflow.execute_activity(
            "count_recipients", request.document_id, start_to_close_timeout=timedelta(seconds=5)
        )
        return DispatchProgress("", 0, 0, 0, 0, True)
