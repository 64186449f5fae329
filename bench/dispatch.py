"""Benchmark: time until every recipient unit has a document in its inbox, on the embedded stack
(SQLite event store, a Temporal dev server, the worker in this process), through the real path:
render, leader's signature, then the ``IssueAndDispatch`` workflow numbers, seals and delivers.

Targets (issue 5): 126,000 units < 60 s on the embedded stack, < 30 s with the events on
PostgreSQL (``--store postgres``: a private cluster, ``bench/postgres.py``); largest workflow
history ≤ 10,240 events. Run: ``.venv/bin/python -m bench.dispatch --units 10000`` (default
126,000).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from uuid import UUID

from temporalio.client import Client

from bench.postgres import postgres_settings, private_postgres
from bench.union_tree import COLUMNS, union_tree_rows
from documents.units import unit_id_for
from eoffice.bootstrap import Runtime, build_runtime
from eoffice.settings import Settings
from signing import PersonIdentity, UnitIdentity, ensure_dev_pki
from workflow.composition import DraftRequest, draft
from workflow.issuance import IssueAndDispatchWorkflow
from workflow.messages import IssueRequest, issuance_workflow_id
from workflow.services import person_key_id, unit_key_id
from workflow.signing_steps import sign_as_leader
from workflow.worker import build_worker


def tree_csv(grassroots: int) -> tuple[str, list[str]]:
    """The first ``grassroots`` grassroots units of the real-shaped tree (125,280 at most), with
    their parents."""
    rows = union_tree_rows()
    codes: list[str] = []
    needed: set[str] = set()
    for row in rows:
        if row["level"] == "grassroots" and len(codes) < grassroots:
            codes.append(row["code"])
            needed.add(row["parent_code"])
    parents = {row["code"]: row["parent_code"] for row in rows}
    for code in list(needed):
        while code:
            needed.add(code)
            code = parents.get(code, "")
    chosen = needed | set(codes)
    kept = [row for row in rows if row["code"] in chosen]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(kept)
    return buffer.getvalue(), codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(units: int, store: str) -> None:
    temporal_bin = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        port = free_port()
        server = subprocess.Popen(
            [
                temporal_bin,
                "server",
                "start-dev",
                "--headless",
                "--ip",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
                "--db-filename",
                str(Path(directory) / "temporal.sqlite"),
            ],
        )
        try:
            address = f"127.0.0.1:{port}"
            options: dict[str, object] = {
                "data_dir": Path(directory) / "var",
                "temporal_address": address,
                "pki_services_url": "",
                "personal_signature_level": "B-B",
                "seal_signature_level": "B-B",
            }
            if store == "postgres":
                postgres = stack.enter_context(private_postgres())
                dbname = postgres.create_database(f"bench_dispatch_{int(time.time())}")
                settings = postgres_settings(postgres, dbname, **options)
            else:
                settings = Settings(**options)  # type: ignore[arg-type]
            print(f"event store: {settings.event_store}")
            runtime, document_id, chosen = prepare(settings, units)
            asyncio.run(dispatch(runtime, address, document_id, chosen))
            runtime.app.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def prepare(settings: Settings, units: int) -> tuple[Runtime, UUID, int]:
    """The tree, the accounts and a signed directive to every grassroots unit (not timed)."""
    runtime = build_runtime(settings)
    app = runtime.app
    text, codes = tree_csv(units)
    started = time.perf_counter()
    app.import_units(text)  # one save, on PostgreSQL too
    print(
        f"tree: {len(codes):,} grassroots units imported in {time.perf_counter() - started:.1f} s"
    )
    ensure_dev_pki(
        settings.pki_path,
        [PersonIdentity(person_key_id("lanhdao"), "Nguyễn Văn Lãnh", "ld@congdoan.vn", "TLĐ")],
        [UnitIdentity(unit_key_id("tld"), "Tổng Liên đoàn Lao động Việt Nam")],
    )
    national = unit_id_for("tld")
    for username, role, key in (
        ("soanthao", "drafter", None),
        ("lanhdao", "leader", person_key_id("lanhdao")),
        ("vanthu", "clerk", None),
    ):
        app.open_account(username, f"Cán bộ {username}", national, [role], "Chủ tịch", "x", key)
    actor = {name: app.actor_of(app.account(name)) for name in ("soanthao", "lanhdao", "vanthu")}
    recipients = [unit_id_for(code) for code in codes]
    document_id = draft(
        runtime.services,
        actor["soanthao"],
        DraftRequest(
            doc_type="chi_thi",
            subject="Chỉ thị về chuyển đổi số trong toàn hệ thống",
            urgency="khan",
            secrecy=None,
            recipient_unit_ids=recipients,
            signer_id=actor["lanhdao"].account_id,
            typed_body="Các cấp công đoàn triển khai chuyển đổi số.",
        ),
    )
    app.submit(actor["soanthao"], document_id)
    sign_as_leader(runtime.services, actor["lanhdao"], document_id)
    app.request_issue(actor["vanthu"], document_id)
    return runtime, document_id, len(codes)


async def dispatch(runtime: Runtime, address: str, document_id: UUID, units: int) -> None:
    app = runtime.app
    client = await Client.connect(address)
    activities = runtime.settings.worker_activities
    with ThreadPoolExecutor(max_workers=activities) as executor:
        async with build_worker(client, runtime.services, "bench", executor, activities):
            started = time.perf_counter()
            handle = await client.start_workflow(
                IssueAndDispatchWorkflow.run,
                IssueRequest(str(document_id)),
                id=issuance_workflow_id(str(document_id)),
                task_queue="bench",
            )
            result = await handle.result()
            elapsed = time.perf_counter() - started
            history = [event async for event in handle.fetch_history_events()]
    app.refresh_views()
    delivered = len(app.views.receipts_of(document_id))
    assert delivered == units == result.delivered, (delivered, units, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"dispatch of {result.number_symbol} to {units:,} units: {elapsed:.1f} s "
        f"({units / elapsed:,.0f} units/s), every inbox checked in the read model"
    )
    print(f"workflow history: {len(history):,} events for {result.batches_total} batches")
    print(f"peak resident memory: {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=126_000, help="grassroots recipients")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    run(args.units, args.store)


if __name__ == "__main__":
    main()
