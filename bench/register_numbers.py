"""Benchmark: register numbers (số văn bản đi) taken per second by 1, 8 and 32 concurrent issuers
on PostgreSQL.

Target (issue 4): ≥ 500 numbers/s at 32 issuers, with zero duplicates and zero gaps. Issuers are
threads of issuer processes, each process with its own ``OfficeApplication`` (as activity threads
of a worker share its application): for N issuers the run is repeated as 1 process × N threads
(the in-process numberer batches them) and as N processes × 1 thread (every issuer races on the
register's version alone — or, as deployed, take turns per issuer through the PostgreSQL
recorder's advisory lock; ``--race`` switches the turns off), or the layouts ``--processes``
names. Every run gets a fresh database;
the signed documents waiting for their number are made before the clock starts; only
``take_number`` — the numbering step, the only one in the race — is timed (the seal is made and
recorded outside the race). After each run the ``Register`` aggregate's events are read back:
numbers 1..N in order, one per document, and each document carries the number its issuer got.

Run: ``.venv/bin/python -m bench.register_numbers`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

from bench.numbering_worker import IssuerReport, issue_in_process
from bench.postgres import postgres_env, private_postgres
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.outgoing import DocumentStatus, OutgoingDocument
from documents.registers import OUTGOING, register_id_for
from documents.units import Unit
from documents.views import ReadModel
from tests.servers.postgres import PostgresServer

ISSUER_CODE = "ldld-bentre"


@dataclass
class RunResult:
    issuers: int
    processes: int
    numbers: int
    seconds: float
    refused_saves: int
    batches: int
    busy_retries: int
    steps: dict[str, float]  # seconds per issuer, averaged

    @property
    def rate(self) -> float:
        return self.numbers / self.seconds


def waiting_documents(app: OfficeApplication, count: int) -> tuple[UUID, list[str]]:
    """The issuing unit and ``count`` signed documents waiting for their number."""
    units = [
        Unit(
            code=code,
            name=f"Liên đoàn Lao động {code}",
            short_name=f"LĐLĐ {code}",
            abbreviation="LĐLĐ",
            level=level,
            parent_id=None,
            place="Bến Tre",
        )
        for code, level in ((ISSUER_CODE, "provincial"), ("cd-a", "upper_grassroots"))
    ]
    app.save(*units)
    issuer, recipient = units
    drafter, leader = uuid4(), uuid4()
    documents: list[OutgoingDocument] = []
    for i in range(count):
        document = OutgoingDocument(
            issuer_unit_id=issuer.id,
            doc_type="ke_hoach",
            subject=f"Kế hoạch số {i}: tổ chức Tháng Công nhân",
            urgency="thuong",
            recipient_unit_ids=[recipient.id],
            drafted_by=drafter,
            body_sha256=f"{i:064x}",
            body_size=1000,
            body_source="upload",
            signer_authority=None,
            signer_id=leader,
        )
        document.submit(by=drafter)
        document.sign(
            by=leader,
            signer_name="Nguyễn Văn A",
            certificate_sha256="ab" * 32,
            level="B-LT",
            signed_sha256=f"{i + 1:064x}",
        )
        document.request_issue(by=drafter)
        documents.append(document)
    for start in range(0, count, 250):
        app.save(*documents[start : start + 250])
    return issuer.id, [str(document.id) for document in documents]


def run_issuers(
    env: dict[str, str],
    directory: Path,
    documents: list[str],
    issuers: int,
    processes: int,
    catch_up: bool,
) -> list[IssuerReport]:
    context = multiprocessing.get_context("spawn")
    startup, start, results = context.Lock(), context.Barrier(processes), context.Queue()
    threads = issuers // processes
    workers = [
        context.Process(
            target=issue_in_process,
            args=(env, str(directory / f"issuer-{i}"), documents[i::processes], catch_up, threads),
            kwargs={"startup": startup, "start": start, "results": results},
        )
        for i in range(processes)
    ]
    for process in workers:
        process.start()
    reports: list[IssuerReport] = []
    try:
        for _ in workers:
            reports.append(results.get(timeout=1800))
    except queue.Empty:
        raise SystemExit(f"only {len(reports)} of {processes} processes reported") from None
    finally:
        for process in workers:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    errors = [error for report in reports for error in report.errors]
    if errors:
        raise SystemExit("\n".join(errors))
    return reports


def verify(
    app: OfficeApplication, issuer_id: UUID, documents: list[str], issued: dict[str, int]
) -> None:
    """Numbers 1..N in the register's order, one per document, as the issuers reported them."""
    first = app.document(UUID(documents[0]))
    assert first.issued_at is not None, "the first document was not issued"
    register_id = register_id_for(issuer_id, OUTGOING, first.issued_at.year)
    events = cast(list[Any], list(app.repository.event_store.get(register_id)))
    taken = [
        (event.number, str(event.entry_id))
        for event in events
        if type(event).__qualname__ == "Register.NumberTaken"
    ]
    numbers = [number for number, _ in taken]
    total = len(documents)
    duplicates = len(numbers) - len(set(numbers))
    gaps = len(set(range(1, total + 1)) - set(numbers))
    assert numbers == list(range(1, total + 1)), f"{duplicates} duplicates, {gaps} gaps"
    assert sorted(entry for _, entry in taken) == sorted(documents), "an entry twice or missing"
    assert {entry: number for number, entry in taken} == issued, "reports differ from register"
    for document_id in documents[:: max(1, total // 50)]:
        document = app.document(UUID(document_id))
        assert document.status == DocumentStatus.ISSUING  # numbered; the seal comes next
        assert document.number == issued[document_id]


def one_run(
    server: PostgresServer,
    directory: Path,
    issuers: int,
    processes: int,
    numbers: int,
    args: argparse.Namespace,
) -> RunResult:
    dbname = server.create_database(f"bench_numbers_{issuers}_{processes}_{int(time.time())}")
    env = postgres_env(server, dbname)
    if args.aggregate_cache:
        env["AGGREGATE_CACHE_MAXSIZE"] = str(args.aggregate_cache)
    if args.race:
        env["NUMBERING_TURNS"] = "n"
    setup_dir = directory / f"run-{issuers}-{processes}"
    app = OfficeApplication(
        env, ReadModel(setup_dir / "views.sqlite"), FilesystemBlobStore(setup_dir / "b", 10**6)
    )
    try:
        issuer_id, documents = waiting_documents(app, numbers)
        reports = run_issuers(env, setup_dir, documents, issuers, processes, not args.no_catch_up)
        issued = dict(pair for report in reports for pair in report.issued)
        verify(app, issuer_id, documents, issued)
    finally:
        app.close()
    steps: dict[str, float] = defaultdict(float)
    for report in reports:
        for step, seconds in report.seconds.items():
            steps[step] += seconds / issuers
    return RunResult(
        issuers=issuers,
        processes=processes,
        numbers=numbers,
        seconds=max(r.finished for r in reports) - min(r.started for r in reports),
        refused_saves=sum(r.refused_saves for r in reports),
        batches=sum(r.batches for r in reports),
        busy_retries=sum(r.busy_retries for r in reports),
        steps=dict(steps),
    )


def print_result(result: RunResult) -> None:
    print(
        f"{result.issuers:>3} issuers ({result.processes} process(es) × "
        f"{result.issuers // result.processes} threads): {result.numbers:,} numbers in "
        f"{result.seconds:.2f} s = {result.rate:,.0f} numbers/s; {result.batches:,} saves, "
        f"{result.refused_saves:,} refused (conflicts), {result.busy_retries} busy retries; "
        f"numbers 1..{result.numbers}: no duplicate, no gap"
    )
    total = result.steps.get("total", 0.0)
    for step, seconds in sorted(result.steps.items(), key=lambda item: -item[1]):
        if step != "total" and total:
            print(f"      {step:<42} {seconds:7.3f} s per issuer ({100 * seconds / total:.0f}%)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issuers", default="1,8,32", help="comma-separated issuer counts")
    parser.add_argument("--numbers", type=int, default=400, help="numbers issued per run")
    parser.add_argument("--quick", action="store_true", help="200 numbers per run")
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    parser.add_argument("--no-catch-up", action="store_true", help="(kept; no catch-up anyway)")
    parser.add_argument("--aggregate-cache", type=int, default=0, help="what if: aggregate cache")
    parser.add_argument(
        "--race", action="store_true", help="what if: processes race (no turns per issuer)"
    )
    parser.add_argument(
        "--processes", default="", help="comma-separated process counts (default: 1 and N)"
    )
    args = parser.parse_args(argv)
    numbers = 200 if args.quick else args.numbers
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-numbers-") as directory,
        private_postgres(args.durable) as server,
    ):
        for issuers in (int(n) for n in args.issuers.split(",")):
            layouts = (
                [int(p) for p in args.processes.split(",")] if args.processes else [1, issuers]
            )
            for processes in sorted({p for p in layouts if issuers % p == 0 and p <= issuers}):
                result = one_run(server, Path(directory), issuers, processes, numbers, args)
                print_result(result)
                results.append(result)
    for result in (r for r in results if r.issuers == 32):
        verdict = "met" if result.rate >= 500 else "NOT met"
        print(
            f"target (≥ 500 numbers/s at 32 issuers), {result.processes} process(es): "
            f"{result.rate:,.0f}/s: {verdict}"
        )


if __name__ == "__main__":
    main()
