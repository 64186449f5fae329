"""Concurrent issuers (văn thư cấp số) of ``bench.register_numbers``: one process, one
``OfficeApplication`` (own read model and blob directory) on the shared PostgreSQL event store,
and ``threads`` issuer threads in it — as a worker's activity threads share its application.

Start-ups are serialised by a lock, as ``bootstrap.schema_lock`` does in production. The
application only adds stopwatches around the steps of ``take_number`` (the numbering step, the
only one in the race; the seal is made and recorded outside it) — loading aggregates, the save —
and counts the saves the event store refused. Every thread waits at a barrier, then takes the
numbers of its share of the documents; a ``ConflictError`` ("the register is busy") is retried
and counted.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.errors import ConflictError
from documents.views import ReadModel


@dataclass
class IssuerReport:
    """What one process did: (document id, number) pairs, saves of numbers the event store
    refused (races lost to other processes), saves made (one per batch of numbers), retries after
    a ConflictError, seconds per step (summed over its threads), the wall-clock interval, errors."""

    issued: list[tuple[str, int]] = field(default_factory=list)
    refused_saves: int = 0
    batches: int = 0
    busy_retries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    errors: list[str] = field(default_factory=list)


class TimedBlobStore(FilesystemBlobStore):
    """The issuers' blob store (a file written and fsynced per put), with a stopwatch."""

    def __init__(self, directory: Path, seconds: dict[str, float]) -> None:
        super().__init__(directory, 1_000_000)
        self.seconds = seconds

    def put(self, data: bytes) -> str:
        started = time.perf_counter()
        try:
            return super().put(data)
        finally:
            self.seconds["store the sealed PDF (blob put, fsync)"] += time.perf_counter() - started


class TimedOffice(OfficeApplication):
    """``OfficeApplication`` with stopwatches; ``catch_up=False`` skips the read-model refresh."""

    name = OfficeApplication.name  # the PostgreSQL table names derive from the application name

    def __init__(self, env: dict[str, str], directory: Path, catch_up: bool = True) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        blobs = TimedBlobStore(directory / "blobs", self.seconds)
        super().__init__(env, ReadModel(directory / "views.sqlite"), blobs)
        self.refreshing = catch_up

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] += time.perf_counter() - started

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        with self.timed("save (mapper + INSERT, refused ones too)"):
            return super().save(*objs, **kwargs)

    def refresh_views(self) -> None:
        if self.refreshing:
            with self.timed("read-model catch-up after the save"):
                super().refresh_views()

    def document(self, document_id: UUID) -> Any:
        with self.timed("load document"):
            return super().document(document_id)

    def _numbered_document(self, document_id: UUID) -> Any:
        with self.timed("load document"):
            return super()._numbered_document(document_id)

    def unit(self, unit_id: UUID) -> Any:
        with self.timed("load unit"):
            return super().unit(unit_id)

    def _current_register(self, unit_id: UUID, kind: str, year: int) -> Any:
        with self.timed("register (cached, fast-forwarded)"):
            return super()._current_register(unit_id, kind, year)


def issue_in_process(
    env: dict[str, str],
    directory: str,
    document_ids: list[str],
    catch_up: bool,
    threads: int,
    startup: Any,
    start: Any,
    results: Any,
) -> None:
    """Process entry point: ``startup`` is a multiprocessing lock, ``start`` a barrier (one
    party per process), ``results`` a queue."""
    report = IssuerReport()
    app: TimedOffice | None = None
    lock = threading.Lock()

    def issue_share(app: TimedOffice, share: list[str]) -> None:
        try:
            for document_id in share:
                while True:
                    try:
                        numbered = app.take_number(UUID(document_id))
                        break
                    except ConflictError:
                        with lock:
                            report.busy_retries += 1
                with lock:
                    report.issued.append((document_id, numbered.number or 0))
        except BaseException:  # reported to the parent process
            with lock:
                report.errors.append(traceback.format_exc())

    try:
        with startup:
            app = TimedOffice(env, Path(directory), catch_up)
        app.refresh_views()  # a running issuer's read model is up to date before it works
        app.seconds.clear()
        workers = [
            threading.Thread(target=issue_share, args=(app, document_ids[i::threads]))
            for i in range(threads)
        ]
        start.wait(timeout=300)
        report.started = time.time()
        with app.timed("total"):
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        report.finished = time.time()
    except BaseException:  # reported to the parent process
        report.errors.append(traceback.format_exc())
    finally:
        if app is not None:
            report.seconds = dict(app.seconds)
            report.refused_saves = app.refused_number_saves
            report.batches = app.numberer.batches
            app.close()
        results.put(report)
