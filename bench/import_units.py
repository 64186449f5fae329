"""Benchmark: import of the ~126,000-unit tree from CSV into a fresh event store, in one save.

Target (issue 4): < 60 s and < 1 GB resident memory (of this process; the PostgreSQL server's own
memory is not counted), on SQLite (default) and on PostgreSQL (``--store postgres``: a private
cluster from ``bench/postgres.py``, durability off as in the tests unless ``--durable``).
Run: ``.venv/bin/python -m bench.import_units [--store postgres] [--durable]``
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.postgres import postgres_env, private_postgres
from bench.union_tree import union_tree_csv
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.views import ReadModel


def run(store: str, durable: bool) -> None:
    text = union_tree_csv()
    rows = text.count("\n") - 1
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        data = Path(directory)
        if store == "postgres":
            server = stack.enter_context(private_postgres(durable=durable))
            env = postgres_env(server, server.create_database("bench_import_units"))
        else:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(data / "ev.db"),
            }
        app = OfficeApplication(
            env, ReadModel(data / "views.db"), FilesystemBlobStore(data / "blobs", 1_000_000)
        )
        load_before = os.getloadavg()
        started = time.perf_counter()
        imported = app.import_units(text)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        stored = app.recorder.max_notification_id()
        tree_started = time.perf_counter()
        app.views.unit_tree()
        rebuilt = time.perf_counter() - tree_started
        tree_started = time.perf_counter()
        app.views.unit_tree()
        cached = time.perf_counter() - tree_started
        app.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert imported == rows == stored, (imported, rows, stored)
    print(f"event store: {store}{' (durable)' if durable else ''}")
    print(f"units imported: {imported} (events stored: {stored})")
    print(
        f"import (parse, check, one save, read model): {elapsed:.1f} s "
        f"({imported / elapsed:,.0f}/s)"
    )
    print(f"unit tree built from the read model: {rebuilt * 1000:.0f} ms")
    print(f"unit tree read again (cached): {cached * 1000:.2f} ms")
    print(f"peak resident memory: {peak_mb:,.0f} MB")
    print(
        "load average (1, 5, 15 min) before / after: "
        + " / ".join(
            ", ".join(f"{value:.2f}" for value in load) for load in (load_before, load_after)
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    args = parser.parse_args()
    run(args.store, args.durable)


if __name__ == "__main__":
    main()
