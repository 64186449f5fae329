"""Starting report-round workflows, signalling their close, and the Temporal Schedules that
open recurring rounds (quarterly or monthly, in Vietnam time)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from uuid import UUID, uuid4

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

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
