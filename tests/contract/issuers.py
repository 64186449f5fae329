"""Concurrent issuers (văn thư cấp số) in separate OS processes, for the register contract test.

Each process runs several threads, each with its own ``OfficeApplication`` on the same event store
(its own read model and blob directory), as separate workers of a deployment would. All of them
wait at one barrier, then issue their documents at once. A ``ConflictError`` ("the register is
busy") is retried, as the Temporal activity would retry it, and counted.

The applications are constructed one at a time (``startup`` lock): eventsourcing's PostgreSQL
recorder runs ``CREATE OR REPLACE FUNCTION`` on every start, and PostgreSQL refuses two of those at
once ("tuple concurrently updated"). Processes of a deployment that start together need the same
care (or ``CREATE_TABLE=false`` once the schema exists); the issuing itself is not serialised.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from documents.application import OfficeApplication
from documents.errors import ConflictError
from tests.contract.steps import issued_pdf
from tests.documents.builders import office


@dataclass
class IssuerReport:
    """What one process did: (document id, number) pairs, issued PDFs made (one per document: the
    seal is outside the race), saves of numbers the event store refused (races lost), retries
    after ConflictError, errors."""

    issued: list[tuple[str, int]] = field(default_factory=list)
    attempts: int = 0
    refused_saves: int = 0
    busy_retries: int = 0
    errors: list[str] = field(default_factory=list)


def _issue_all(app: OfficeApplication, document_ids: list[str], report: IssuerReport) -> None:
    def counted_pdf(number: int, symbol: str, issued_at: datetime) -> bytes:
        report.attempts += 1
        return issued_pdf(number, symbol, issued_at)

    try:
        for document_id in document_ids:
            while True:
                try:
                    issued = app.issue_with_next_number(UUID(document_id), counted_pdf)
                    break
                except ConflictError:
                    report.busy_retries += 1
            report.issued.append((document_id, issued.number or 0))
    except BaseException:  # reported to the parent process
        report.errors.append(traceback.format_exc())
    report.refused_saves = app.refused_number_saves


def issue_in_process(
    env: dict[str, str],
    directory: str,
    document_ids: list[str],
    threads: int,
    startup: Any,
    start: Any,
    results: Any,
) -> None:
    """Process entry point: ``startup`` is a multiprocessing lock, ``start`` a barrier,
    ``results`` a queue."""
    report = IssuerReport()
    apps: list[OfficeApplication] = []
    per_thread = [IssuerReport() for _ in range(threads)]
    try:
        with startup:
            apps = [office(Path(directory) / f"issuer-{i}", env) for i in range(threads)]
        workers = [
            threading.Thread(target=_issue_all, args=(app, document_ids[i::threads], mine))
            for i, (app, mine) in enumerate(zip(apps, per_thread, strict=True))
        ]
        start.wait(timeout=120)
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    except BaseException:
        report.errors.append(traceback.format_exc())
    finally:
        for app in apps:
            app.close()
        for mine in per_thread:
            report.issued += mine.issued
            report.attempts += mine.attempts
            report.refused_saves += mine.refused_saves
            report.busy_retries += mine.busy_retries
            report.errors += mine.errors
        results.put(report)
