"""``ReportRound``: one workflow per report round (id ``report-round-<round id>``), or per
firing of a recurring round's schedule, which opens the round first.

It asks every target unit (one activity, batches of 1,000, heartbeating its offset so a retry
resumes), then sleeps until the reminder moment (reminds units that have not submitted) and
until the day after the due date (lists the overdue units to the requester). Closing the round
is a command on the round; the ``closed`` signal only ends the sleep early. History stays at a
dozen events whatever the number of units.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflow.report_messages import (
        ReminderRequest,
        ReportRoundRequest,
        RoundProgress,
        RoundTimes,
        ScheduledOpening,
    )

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=60))


@workflow.defn(name="ReportRound")
class ReportRoundWorkflow:
    def __init__(self) -> None:
        self._closed = False
        self._progress = RoundProgress(
            round_id="", asked=0, reminded=0, overdue_listed=0, phase="asking"
        )

    @workflow.run
    async def run(self, request: ReportRoundRequest) -> RoundProgress:
        round_id = request.round_id
        if not round_id:
            assert request.template is not None
            round_id = await workflow.execute_activity(
                "open_scheduled_round",
                ScheduledOpening(request.template, workflow.now().isoformat()),
                result_type=str,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=RETRY,
            )
        self._progress.round_id = round_id
        times = await workflow.execute_activity(
            "ask_report_targets",
            round_id,
            result_type=RoundTimes,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        self._progress.asked = times.asked
        self._progress.phase = "waiting"
        if not await self._closed_before(times.remind_at):
            self._progress.reminded = await self._remind(round_id, overdue=False)
            self._progress.phase = "reminded"
        if not await self._closed_before(times.overdue_at):
            self._progress.overdue_listed = await self._remind(round_id, overdue=True)
            self._progress.phase = "overdue"
        if self._closed:
            self._progress.phase = "closed"
        return self._progress

    async def _closed_before(self, moment: str) -> bool:
        """Sleeps until ``moment`` unless the round is closed first; True when closed."""
        delay = (datetime.fromisoformat(moment) - workflow.now()).total_seconds()
        if delay > 0 and not self._closed:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._closed, timeout=delay)
        return self._closed

    async def _remind(self, round_id: str, overdue: bool) -> int:
        return await workflow.execute_activity(
            "record_report_reminders",
            ReminderRequest(round_id, overdue),
            result_type=int,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RETRY,
        )

    @workflow.signal
    def closed(self) -> None:
        self._closed = True

    @workflow.query
    def progress(self) -> RoundProgress:
        return self._progress
