"""One concurrent issuer (văn thư cấp số) of ``bench.register_numbers``, run in its own process.

The issuer is an ``OfficeApplication`` of its own (own read model and blob directory) on the
shared PostgreSQL event store, with the environment ``eoffice.bootstrap.event_store_env`` made in
the parent; start-ups are serialised by a lock, as ``bootstrap.schema_lock`` does in production,
without importing the whole wiring into 32 processes. It is a subclass that only adds stopwatches
around the steps of ``issue_with_next_number`` — loading aggregates, saving, catching up the read
model — and can switch the catch-up off to measure what it costs. It waits at a barrier, then
issues its share of the documents; a ``ConflictError`` ("the register is busy") is retried and
counted.
"""

from __future__ import annotations

import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.errors import ConflictError
from documents.views import ReadModel


@dataclass
class IssuerReport:
    """What one issuer did: (document id, number) pairs, numbering attempts (one sealed PDF per
    attempt; attempts beyond the documents are saves the event store refused), retries after a
    ConflictError, seconds per step, the wall-clock interval, errors."""

    issued: list[tuple[str, int]] = field(default_factory=list)
    attempts: int = 0
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

    def unit(self, unit_id: UUID) -> Any:
        with self.timed("load unit"):
            return super().unit(unit_id)

    def _register(self, unit_id: UUID, kind: str, year: int) -> Any:
        with self.timed("load register (all its events)"):
            return super()._register(unit_id, kind, year)


def issue_in_process(
    env: dict[str, str],
    directory: str,
    document_ids: list[str],
    catch_up: bool,
    startup: Any,
    start: Any,
    results: Any,
) -> None:
    """Process entry point: ``startup`` is a multiprocessing lock, ``start`` a barrier,
    ``results`` a queue."""
    report = IssuerReport()
    app: TimedOffice | None = None

    def seal(number: int, symbol: str, issued_at: datetime) -> bytes:
        report.attempts += 1
        return f"%PDF sealed {symbol} {issued_at.isoformat()}".encode()

    try:
        with startup:
            app = TimedOffice(env, Path(directory), catch_up)
        app.refresh_views()  # a running issuer's read model is up to date before it works
        app.seconds.clear()
        start.wait(timeout=300)
        report.started = time.time()
        with app.timed("total"):
            for document_id in document_ids:
                while True:
                    try:
                        issued = app.issue_with_next_number(UUID(document_id), seal)
                        break
                    except ConflictError:
                        report.busy_retries += 1
                report.issued.append((document_id, issued.number or 0))
        report.finished = time.time()
    except BaseException:  # reported to the parent process
        report.errors.append(traceback.format_exc())
    finally:
        if app is not None:
            report.seconds = dict(app.seconds)
            app.close()
        results.put(report)
