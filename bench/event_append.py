"""Benchmark: events appended per second, one per save and in batches, on SQLite and PostgreSQL,
beside the raw ceiling: the same stored rows inserted straight into a scratch table.

Target (issue 4): ≥ 10,000 events/s batched on PostgreSQL and ≥ 30% of the raw ceiling measured
in the same run. The events are real ``Receipt.Delivered`` events (văn bản đến) saved through
``OfficeApplication.save``, so the timed work includes the JSON transcoding and the hash chain of
``ChainingMapper``; on PostgreSQL saves of 64 events or more are written with ``COPY`` (see
``eoffice/adapters/postgres_recorder.py``), smaller ones with one insert. The ceiling
re-inserts the very rows the application stored (same table shape, same bytes) with ``COPY`` and
``executemany`` (PostgreSQL) or ``executemany`` (SQLite).

Run: ``.venv/bin/python -m bench.event_append`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import Mapper
from psycopg import sql

from bench.postgres import postgres_env, private_postgres
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.receipts import Receipt
from documents.views import ReadModel

Row = tuple[Any, int, str, bytes]
SUBJECT = "Kế hoạch tổ chức các hoạt động chào mừng Đại hội Công đoàn Việt Nam lần thứ XIV"


@dataclass
class Result:
    store: str
    mode: str
    events: int
    seconds: float
    raw: bool = False

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def receipts(count: int) -> list[Receipt]:
    """``count`` new receipts of realistic size (one ``Delivered`` event each)."""
    document_id, issuer_id = uuid4(), uuid4()
    return [
        Receipt(
            document_id=document_id,
            recipient_unit_id=uuid4(),
            issuer_unit_id=issuer_id,
            number_symbol=f"{i % 999 + 1:02d}/KH-LĐLĐ",
            subject=SUBJECT,
            doc_type="ke_hoach",
            urgency="thuong",
            file_sha256=f"{i:064x}",
        )
        for i in range(count)
    ]


def time_saves(app: OfficeApplication, count: int, batch: int) -> float:
    aggregates = receipts(count)
    started = time.perf_counter()
    for start in range(0, count, batch):
        app.save(*aggregates[start : start + batch])
    return time.perf_counter() - started


def time_mapper(app: OfficeApplication, count: int, chained: bool) -> float:
    """The mapper alone (JSON transcoding, and the hash chain if ``chained``), nothing stored."""
    events = [event for receipt in receipts(count) for event in receipt.collect_events()]
    to_stored_event = (
        app.mapper.to_stored_event if chained else partial(Mapper.to_stored_event, app.mapper)
    )
    started = time.perf_counter()
    for event in events:
        to_stored_event(event)
    return time.perf_counter() - started


def app_results(app: OfficeApplication, store: str, single: int, batched: int) -> list[Result]:
    results = [Result(store, "save(), 1 event per save", single, time_saves(app, single, 1))]
    for batch in (100, 1000):
        seconds = time_saves(app, batched, batch)
        results.append(Result(store, f"save(), {batch} events per save", batched, seconds))
    for chained, mode in (
        (True, "mapper only (JSON + chain)"),
        (False, "mapper only (JSON, no chain)"),
    ):
        results.append(Result(store, mode, batched, time_mapper(app, batched, chained)))
    return results


def use_insert(app: OfficeApplication) -> None:
    """For comparison: every save as one insert of an array of events (binary), never ``COPY``."""
    recorder: Any = app.recorder
    recorder.copy_from = sys.maxsize


def use_text_parameters(app: OfficeApplication) -> None:
    """For comparison: eventsourcing's own recorder inserts an array of events sent as text,
    where psycopg escapes every ``bytea`` state with a regular expression."""
    use_insert(app)
    recorder: Any = app.recorder
    recorder.insert_events_statement = text_parameters(recorder.insert_events_statement)


def text_parameters(statement: Any) -> Any:
    if isinstance(statement, sql.Composed):
        return sql.Composed([text_parameters(part) for part in statement])
    if isinstance(statement, sql.SQL):
        return sql.SQL(statement.as_string().replace("%b", "%s"))
    return statement


def chunks(rows: Sequence[Row], size: int) -> list[Sequence[Row]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


# -- SQLite -----------------------------------------------------------------------------------
def sqlite_raw(path: Path, rows_wanted: int) -> list[Result]:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        rows: list[Row] = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid DESC LIMIT ?",
            (rows_wanted,),
        ).fetchall()
        (schema,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE name='stored_events'"
        ).fetchone()
        db.execute(schema.replace("stored_events", "scratch_events", 1))
        results = []
        for batch in (100, 1000):
            db.execute("DELETE FROM scratch_events")
            started = time.perf_counter()
            for chunk in chunks(rows, batch):
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT INTO scratch_events VALUES (?, ?, ?, ?)", chunk)
                db.execute("COMMIT")
            seconds = time.perf_counter() - started
            results.append(
                Result("SQLite", f"raw executemany, {batch} rows per txn", len(rows), seconds, True)
            )
        return results
    finally:
        db.close()


def run_sqlite(directory: Path, single: int, batched: int) -> list[Result]:
    path = directory / "events.sqlite"
    app = OfficeApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
        ReadModel(directory / "views.sqlite"),
        FilesystemBlobStore(directory / "blobs", 1_000_000),
    )
    try:
        results = app_results(app, "SQLite", single, batched)
    finally:
        app.close()
    return results + sqlite_raw(path, batched)


# -- PostgreSQL -------------------------------------------------------------------------------
def run_postgres(directory: Path, single: int, batched: int, durable: bool) -> list[Result]:
    with private_postgres(durable) as server:
        dbname = server.create_database("bench_append")
        app = OfficeApplication(
            postgres_env(server, dbname),
            ReadModel(directory / "pg-views.sqlite"),
            FilesystemBlobStore(directory / "blobs", 1_000_000),
        )
        try:
            results = app_results(app, "PostgreSQL", single, batched)
            table = app.recorder.events_table_name  # type: ignore[attr-defined]
            for switch, label in (
                (use_insert, "binary insert (*)"),
                (use_text_parameters, "text insert (**)"),
            ):
                switch(app)
                for batch in (100, 1000):
                    mode = f"save(), {batch}/save, {label}"
                    seconds = time_saves(app, batched, batch)
                    results.append(Result("PostgreSQL", mode, batched, seconds))
        finally:
            app.close()
        with server.connect(dbname) as db:
            return results + postgres_raw(db, table, batched)


def postgres_raw(db: Any, table: str, rows_wanted: int) -> list[Result]:
    source = sql.Identifier(table)
    scratch = sql.Identifier("scratch_events")
    rows: list[Row] = db.execute(
        sql.SQL(
            "SELECT originator_id, originator_version, topic, state FROM {} "
            "ORDER BY notification_id DESC LIMIT %s"
        ).format(source),
        (rows_wanted,),
    ).fetchall()
    db.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(scratch, source))
    columns = sql.SQL("{} (originator_id, originator_version, topic, state)").format(scratch)
    copy = sql.SQL("COPY {} FROM STDIN").format(columns)
    insert = sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(columns)

    def with_copy(chunk: Sequence[Row]) -> None:
        with db.cursor() as cursor, cursor.copy(copy) as writer:
            for row in chunk:
                writer.write_row(row)

    def with_executemany(chunk: Sequence[Row]) -> None:
        with db.cursor() as cursor:
            cursor.executemany(insert, chunk)

    methods: list[tuple[str, Callable[[Sequence[Row]], None]]] = [
        ("COPY", with_copy),
        ("executemany", with_executemany),
    ]
    results = []
    for name, method in methods:
        for batch in (100, 1000):
            db.execute(sql.SQL("TRUNCATE {}").format(scratch))
            started = time.perf_counter()
            for chunk in chunks(rows, batch):
                with db.transaction():
                    method(chunk)
            seconds = time.perf_counter() - started
            mode = f"raw {name}, {batch} rows per txn"
            results.append(Result("PostgreSQL", mode, len(rows), seconds, True))
    return results


def print_table(results: list[Result]) -> None:
    ceilings = {
        store: max(r.rate for r in results if r.store == store and r.raw)
        for store in {r.store for r in results}
        if any(r.raw for r in results if r.store == store)
    }
    print(f"{'store':<11} {'mode':<36} {'events':>8} {'seconds':>8} {'events/s':>10} {'% ceil':>7}")
    for r in results:
        cell = f"{100 * r.rate / ceilings[r.store]:.0f}%" if r.store in ceilings else "-"
        print(
            f"{r.store:<11} {r.mode:<36} {r.events:>8,} {r.seconds:>8.2f} {r.rate:>10,.0f} "
            f"{cell:>7}"
        )
    if "PostgreSQL" not in ceilings:
        return
    ceiling = ceilings["PostgreSQL"]
    print("\ntarget: ≥ 10,000 events/s batched on PostgreSQL and ≥ 30% of the raw ceiling")
    for marker, label in (
        ("events per save", "as shipped"),
        ("binary insert", "binary insert (*)"),
        ("text insert", "text insert (**)"),
    ):
        batched = [r for r in results if r.store == "PostgreSQL" and marker in r.mode]
        if batched:
            best = max(batched, key=lambda r: r.rate)
            share = 100 * best.rate / ceiling
            verdict = "met" if best.rate >= 10_000 and share >= 30 else "NOT met"
            print(f"  {label}: {best.rate:,.0f}/s = {share:.0f}% of {ceiling:,.0f}/s: {verdict}")
    print("(*) every save as one insert of a binary array of events, never COPY, for comparison")
    print("(**) eventsourcing's own recorder (the array sent as text), for comparison")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--single", type=int, default=2_000, help="events saved one per save")
    parser.add_argument("--batched", type=int, default=50_000, help="events per batched run")
    parser.add_argument("--store", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    parser.add_argument("--quick", action="store_true", help="500 single, 10,000 batched")
    args = parser.parse_args(argv)
    if args.quick:
        args.single, args.batched = 500, 10_000
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-append-") as directory:
        if args.store in ("both", "sqlite"):
            results += run_sqlite(Path(directory), args.single, args.batched)
        if args.store in ("both", "postgres"):
            results += run_postgres(Path(directory), args.single, args.batched, args.durable)
    print_table(results)


if __name__ == "__main__":
    main()
