"""``DocumentApproval``: the human steps between submit and signature, one workflow per
submission of a document (id ``approval-<document id>``).

Reviewers approve or return and the drafter withdraws through Temporal **updates**; each has a
validator that refuses (a bilingual ``ApplicationError``, the state untouched) a person who does
not hold the step or a step that is not the current one, then the handler records the domain
event through an activity — the event store keeps the business state, the workflow only who
holds the step. The leader signs in the API process (their key); the ``signed`` update tells
the workflow, which then ends. After ``remind_after`` on one step a reminder is recorded for its
holder, after ``escalate_after`` the unit's leader is told; both restart when the step moves.
A step costs a dozen history events, whatever happens in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflow.approval_messages import (
        AlertResult,
        ApprovalCommand,
        ApprovalRequest,
        ApprovalState,
        ReviewDecision,
        StepAlert,
    )

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
ACTIVE = ("review", "sign")


def refusal(type_: str, message_vi: str, message_en: str) -> ApplicationError:
    """A refused command: Vietnamese message, English as the detail, the domain error's name."""
    return ApplicationError(message_vi, message_en, type=type_, non_retryable=True)


@workflow.defn(name="DocumentApproval")
class DocumentApprovalWorkflow:
    def __init__(self) -> None:
        self._request = ApprovalRequest("", 0, "", "")
        self._step = "review"
        self._holder = ""
        self._done: list[str] = []
        self._moves = 0
        self._started = datetime.min
        self._reminded = False
        self._escalated = False
        self._escalated_to = ""
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, request: ApprovalRequest) -> ApprovalState:
        self._request = request
        self._done = list(request.reviewers[: request.reviews_done])
        self._enter_step()
        while self._step in ACTIVE:
            moves = self._moves
            due = self._next_alert()
            timeout = None if due is None else (due[0] - workflow.now()).total_seconds()
            if due is not None and timeout is not None and timeout <= 0:
                await self._alert(moves, due[1])
                continue
            try:
                await workflow.wait_condition(self._moved_since(moves), timeout=timeout)
            except TimeoutError:
                if due is not None:
                    await self._alert(moves, due[1])
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    # -- the steps ----------------------------------------------------------------------
    def _moved_since(self, moves: int) -> Callable[[], bool]:
        return lambda: self._moves != moves

    def _enter_step(self) -> None:
        reviewers = self._request.reviewers
        if len(self._done) < len(reviewers):
            self._step, self._holder = "review", reviewers[len(self._done)]
        else:
            self._step, self._holder = "sign", self._request.signer_id
        self._moves += 1
        self._started = workflow.now()
        self._reminded = self._escalated = False
        self._escalated_to = ""

    def _finish(self, step: str) -> None:
        self._step, self._holder = step, ""
        self._moves += 1

    def _deadlines(self) -> tuple[datetime, datetime]:
        return (
            self._started + timedelta(seconds=self._request.remind_after_seconds),
            self._started + timedelta(seconds=self._request.escalate_after_seconds),
        )

    def _next_alert(self) -> tuple[datetime, str] | None:
        remind_at, escalate_at = self._deadlines()
        pending = [(remind_at, "remind")] if not self._reminded else []
        pending += [(escalate_at, "escalate")] if not self._escalated else []
        return min(pending) if pending else None

    async def _alert(self, moves: int, kind: str) -> None:
        async with self._lock:
            if self._moves != moves:  # a command moved the step meanwhile
                return
            result = await workflow.execute_activity(
                "record_approval_alert",
                StepAlert(self._request.document_id, self._holder, kind),
                result_type=AlertResult,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
            if not result.active:  # signed, returned or withdrawn outside the workflow
                self._finish("closed")
            elif kind == "remind":
                self._reminded = True
            else:
                self._escalated, self._escalated_to = True, result.leader_id

    async def _record(self, activity: str, decision: ReviewDecision) -> None:
        try:
            await workflow.execute_activity(
                activity,
                decision,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
        except ActivityError as error:  # the domain refused: the same refusal to the caller
            cause = error.cause
            if isinstance(cause, ApplicationError):
                english = str(cause.details[0]) if cause.details else cause.message
                raise refusal(cause.type or "ConflictError", cause.message, english) from error
            raise

    def _decision(self, command: ApprovalCommand) -> ReviewDecision:
        return ReviewDecision(
            self._request.document_id, command.actor_id, command.text, len(self._done)
        )

    # -- checks shared by validators and handlers ---------------------------------------
    def _check_step(self, *steps: str) -> None:
        if self._step not in steps:
            raise refusal(
                "ConflictError",
                "Văn bản không ở bước này (đã chuyển bước, đã ký, bị trả lại hoặc rút lại).",
                "The document is not at this step (moved on, signed, returned or withdrawn).",
            )

    def _check_holder(self, command: ApprovalCommand, *steps: str) -> None:
        self._check_step(*steps)
        if command.actor_id != self._holder:
            raise refusal(
                "ForbiddenError",
                "Văn bản đang chờ người khác xử lý; chỉ người đang giữ bước này được thao tác.",
                "The document is waiting for someone else; only the step's holder may act.",
            )

    @staticmethod
    def _check_text(command: ApprovalCommand, what_vi: str, what_en: str) -> None:
        if not command.text.strip():
            raise refusal("InvalidInputError", f"Cần nhập {what_vi}.", f"A {what_en} is required.")

    # -- updates ------------------------------------------------------------------------
    @workflow.update
    async def approve(self, command: ApprovalCommand) -> ApprovalState:
        async with self._lock:
            self._check_holder(command, "review")
            await self._record("record_review_approval", self._decision(command))
            self._done.append(self._holder)
            self._enter_step()
        return self.state()

    @approve.validator
    def _validate_approve(self, command: ApprovalCommand) -> None:
        self._check_holder(command, "review")

    @workflow.update
    async def return_for_changes(self, command: ApprovalCommand) -> ApprovalState:
        """Trả lại with a comment: by the reviewer whose turn it is; at the signing step by a
        leader of the issuing unit (the domain's policy, checked by the activity)."""
        async with self._lock:
            self._validate_return(command)
            await self._record("record_return", self._decision(command))
            self._finish("returned")
        return self.state()

    @return_for_changes.validator
    def _validate_return(self, command: ApprovalCommand) -> None:
        self._check_step(*ACTIVE)
        if self._step == "review":
            self._check_holder(command, "review")
        self._check_text(command, "ý kiến", "comment")

    @workflow.update
    async def withdraw(self, command: ApprovalCommand) -> ApprovalState:
        async with self._lock:
            self._validate_withdraw(command)
            await self._record("record_withdrawal", self._decision(command))
            self._finish("withdrawn")
        return self.state()

    @withdraw.validator
    def _validate_withdraw(self, command: ApprovalCommand) -> None:
        if self._step not in ACTIVE:
            raise refusal(
                "ConflictError",
                "Chỉ rút lại được văn bản đang trình, chưa ký.",
                "Only a submitted document that is not signed yet can be withdrawn.",
            )
        if command.actor_id != self._request.drafter_id:
            raise refusal(
                "ForbiddenError",
                "Chỉ người soạn văn bản được rút lại văn bản đã trình.",
                "Only the drafter may withdraw a submitted document.",
            )
        self._check_text(command, "lý do", "reason")

    @workflow.update
    async def signed(self, command: ApprovalCommand) -> ApprovalState:
        """The signer signed (in the API process, with their key); the event store confirms."""
        async with self._lock:
            self._check_holder(command, "sign")
            await self._record("confirm_signed", self._decision(command))
            self._finish("signed")
        return self.state()

    @signed.validator
    def _validate_signed(self, command: ApprovalCommand) -> None:
        self._check_holder(command, "sign")

    # -- query --------------------------------------------------------------------------
    @workflow.query
    def state(self) -> ApprovalState:
        remind_at, escalate_at = self._deadlines()
        active = self._step in ACTIVE
        return ApprovalState(
            document_id=self._request.document_id,
            submission=self._request.submission,
            step=self._step,
            holder_id=self._holder,
            reviewers=list(self._request.reviewers),
            reviewers_done=list(self._done),
            reviewers_pending=[r for r in self._request.reviewers if r not in self._done],
            step_started_at=self._started.isoformat(),
            remind_at=remind_at.isoformat() if active else "",
            escalate_at=escalate_at.isoformat() if active else "",
            reminded=self._reminded,
            escalated_to=self._escalated_to,
            finished=not active,
        )
