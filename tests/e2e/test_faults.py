"""Faults: the worker killed in the middle of a 10,000-unit dispatch and started again — every
unit has the document exactly once (deliveries are idempotent by derived ids)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from tests.e2e.flow import draft_plan
from tests.stack import Stack

UNITS = 10_000


def import_units(stack: Stack, directory: Path) -> list[str]:
    codes = [f"cdcs-{i:05d}" for i in range(UNITS)]
    rows = [
        f"{code},CĐCS số {i},CĐCS số {i},CĐCS,grassroots,bentre-kcn,Bến Tre"
        for i, code in enumerate(codes)
    ]
    path = directory / "units.csv"
    path.write_text("code,name,short_name,abbreviation,level,parent_code,place\n" + "\n".join(rows))
    stack.cli("import-units", str(path))
    return codes


def delivered(stack: Stack, document_id: str) -> int:
    with sqlite3.connect(stack.data_dir / "views.sqlite") as db:
        row = db.execute("SELECT COUNT(*) FROM receipts WHERE document_id=?", (document_id,))
        return int(row.fetchone()[0])


def test_a_worker_killed_mid_dispatch_delivers_each_unit_exactly_once(
    stack: Stack, tmp_path: Path
) -> None:
    codes = import_units(stack, tmp_path)
    drafter = stack.client("bentre.chuyenvien")
    created = draft_plan(drafter, recipients=[",".join(codes)])
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert (
        stack.client("bentre.lanhdao").post(f"/api/v1/documents/{document_id}/sign").status_code
        == 200
    )
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202

    # Killed as soon as the first batch is in the read model: a dispatch of 10,000 units takes
    # a few seconds, less than the web process takes to show the document as issued.
    deadline = time.monotonic() + 120
    while delivered(stack, document_id) == 0:
        assert time.monotonic() < deadline, "never numbered, sealed and delivered"
        time.sleep(0.01)
    stack.processes["worker"].kill()  # mid-dispatch: numbered, not yet delivered to all
    stack.processes["worker"].wait()
    at_kill = delivered(stack, document_id)
    assert at_kill < UNITS, "the dispatch finished before the worker could be killed"
    time.sleep(2)
    stack.start_worker()

    deadline = time.monotonic() + 240
    while (document := clerk.get(f"/api/v1/documents/{document_id}").json())[
        "status"
    ] != "dispatched":
        assert time.monotonic() < deadline, f"stuck at {delivered(stack, document_id)} deliveries"
        time.sleep(1)
    assert delivered(stack, document_id) == UNITS
    with sqlite3.connect(stack.data_dir / "views.sqlite") as db:
        units = db.execute(
            "SELECT COUNT(DISTINCT unit_id), COUNT(*) FROM receipts WHERE document_id=?",
            (document_id,),
        ).fetchone()
    assert tuple(units) == (UNITS, UNITS)
    with sqlite3.connect(stack.data_dir / "events.sqlite") as db:  # the record itself
        stored = db.execute(
            "SELECT COUNT(*) FROM stored_events WHERE topic LIKE '%Receipt.Delivered'"
        ).fetchone()[0]
    assert stored == UNITS  # this stack dispatched nothing else
    assert stack.cli("verify").returncode == 0  # and the event store is intact
    assert document["number_symbol"]
