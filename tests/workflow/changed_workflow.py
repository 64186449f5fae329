"""Deliberately incompatible edits of ``IssueAndDispatch`` (another first activity) and of
``DocumentApproval`` (an approval recorded by another activity) and of ``RemoteSigning`` (no
wait for the confirmation), to show that the replay test
catches non-deterministic changes."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflow.approval import DocumentApprovalWorkflow
    from workflow.approval_messages import ApprovalCommand, ApprovalRequest, ApprovalState
    from workflow.messages import DispatchProgress, IssueRequest
    from workflow.remote_signing_messages import (
        RemoteSigningAsked,
        RemoteSigningRequest,
        RemoteSigningState,
    )


@workflow.defn(name="IssueAndDispatch")
class ChangedIssueAndDispatch:
    @workflow.run
    async def run(self, request: IssueRequest) -> DispatchProgress:
        await workflow.execute_activity(
            "count_recipients", request.document_id, start_to_close_timeout=timedelta(seconds=5)
        )
        return DispatchProgress("", 0, 0, 0, 0, True)


@workflow.defn(name="DocumentApproval")
class ChangedDocumentApproval(DocumentApprovalWorkflow):
    @workflow.run
    async def run(self, request: ApprovalRequest) -> ApprovalState:
        return await super().run(request)

    @workflow.update
    async def approve(  # type: ignore[override]
        self, command: ApprovalCommand
    ) -> ApprovalState:
        await workflow.execute_activity(
            "record_return", self._decision(command), start_to_close_timeout=timedelta(seconds=5)
        )
        self._done.append(self._holder)
        self._enter_step()
        return self.state()


@workflow.defn(name="RemoteSigning")
class ChangedRemoteSigning:
    """Records the signature right after asking, without waiting for the confirmation."""

    @workflow.run
    async def run(self, request: RemoteSigningRequest) -> RemoteSigningState:
        asked = await workflow.execute_activity(
            "ask_remote_signature",
            request,
            result_type=RemoteSigningAsked,
            start_to_close_timeout=timedelta(minutes=2),
        )
        await workflow.execute_activity(
            "record_remote_signature", asked, start_to_close_timeout=timedelta(minutes=2)
        )
        return RemoteSigningState("signed", "", "")
