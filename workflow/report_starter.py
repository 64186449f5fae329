"""Starting report-round workflows, signalling their close, and the Temporal Schedules that
open recurring rounds (quarterly or monthly, in Vietnam time)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from documents.report_periods import check_schedule
from workflow.report_messages import (
    ReportRoundRequest,
    RoundProgress,
    RoundTemplate,
    report_round_workflow_id,
)
from workflow.report_round import ReportRoundWorkflow

SCHEDULE_PREFIX = "report-schedule-"
OPENING_HOUR = 7  # rounds open at 07:00 Vietnam time on the first day of the period's last month
QUARTER_LAST_MONTHS = (3, 6, 9, 12)


async def start_report_round(client: Client, round_id: UUID, task_queue: str) -> str:
    """Starts the round's workflow; a second start for the same round is a no-op."""
    workflow_id = report_round_workflow_id(str(round_id))
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            ReportRoundWorkflow.run,
            ReportRoundRequest(round_id=str(round_id)),
            id=workflow_id,
            task_queue=task_queue,
        )
    return workflow_id


async def signal_round_closed(client: Client, round_id: UUID) -> None:
    """Ends the round's reminder timers early (the round is closed in the event store already;
    a round opened by a schedule, or one whose workflow has ended, needs no signal)."""
    handle = client.get_workflow_handle(report_round_workflow_id(str(round_id)))
    with contextlib.suppress(RPCError):
        await handle.signal(ReportRoundWorkflow.closed)


async def round_progress(client: Client, round_id: UUID) -> RoundProgress | None:
    handle = client.get_workflow_handle_for(
        ReportRoundWorkflow.run, report_round_workflow_id(str(round_id))
    )
    try:
        return await handle.query(ReportRoundWorkflow.progress)
    except RPCError:
        return None


def schedule_spec(frequency: str) -> ScheduleSpec:
    months = QUARTER_LAST_MONTHS if frequency == "quarterly" else tuple(range(1, 13))
    return ScheduleSpec(
        calendars=[
            ScheduleCalendarSpec(
                month=[ScheduleRange(m) for m in months],
                day_of_month=[ScheduleRange(1)],
                hour=[ScheduleRange(OPENING_HOUR)],
                minute=[ScheduleRange(0)],
                second=[ScheduleRange(0)],
            )
        ],
        time_zone_name="Asia/Ho_Chi_Minh",
    )


@dataclass(frozen=True)
class ScheduledRound:
    schedule_id: str
    template: RoundTemplate
    requester_unit_id: str
    next_runs: list[str]

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.schedule_id,
            "requester_unit_id": self.requester_unit_id,
            "title": self.template.title,
            "form": self.template.form_code,
            "frequency": self.template.frequency,
            "due_day": self.template.due_day,
            "target_levels": list(self.template.target_levels),
            "remind_days_before": self.template.remind_days_before,
            "opened_by": self.template.opened_by,
            "next_runs": self.next_runs,
        }


async def create_round_schedule(
    client: Client, template: RoundTemplate, requester_unit_id: UUID, task_queue: str
) -> str:
    check_schedule(template.frequency, template.due_day)
    schedule_id = f"{SCHEDULE_PREFIX}{uuid4()}"
    template = RoundTemplate(**{**template.__dict__, "schedule_id": schedule_id})
    await client.create_schedule(
        schedule_id,
        Schedule(
            action=ScheduleActionStartWorkflow(
                ReportRoundWorkflow.run,
                ReportRoundRequest(template=template),
                id=f"{schedule_id}-run",
                task_queue=task_queue,
            ),
            spec=schedule_spec(template.frequency),
        ),
        memo={"requester_unit_id": str(requester_unit_id), "title": template.title},
    )
    return schedule_id


async def round_schedule(client: Client, schedule_id: str) -> ScheduledRound | None:
    """The recurring round of that schedule id; None if there is no such report schedule."""
    if not schedule_id.startswith(SCHEDULE_PREFIX):
        return None
    try:
        described = await client.get_schedule_handle(schedule_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    action = described.schedule.action
    if not isinstance(action, ScheduleActionStartWorkflow) or not action.args:
        return None
    args = action.args
    if isinstance(args[0], Payload):
        decoded = await client.data_converter.decode(list(args), [ReportRoundRequest])
        request = decoded[0]
    else:
        request = args[0]
    memo = await described.memo()
    if not isinstance(request, ReportRoundRequest) or request.template is None:
        return None
    return ScheduledRound(
        schedule_id=schedule_id,
        template=request.template,
        requester_unit_id=str(memo.get("requester_unit_id", "")),
        next_runs=[moment.isoformat() for moment in described.info.next_action_times],
    )


async def round_schedules(client: Client, requester_unit_id: UUID) -> list[ScheduledRound]:
    """The unit's recurring rounds, by title. Temporal lists schedules eventually: one just
    created or deleted may take a moment to show."""
    found: list[ScheduledRound] = []
    async for listed in await client.list_schedules():
        if not listed.id.startswith(SCHEDULE_PREFIX):
            continue
        memo = await listed.memo()
        if memo.get("requester_unit_id") != str(requester_unit_id):
            continue
        scheduled = await round_schedule(client, listed.id)
        if scheduled is not None:
            found.append(scheduled)
    return sorted(found, key=lambda s: (s.template.title, s.schedule_id))


async def delete_round_schedule(client: Client, schedule_id: str) -> None:
    """No further rounds open from it; rounds already opened go on."""
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(schedule_id).delete()
