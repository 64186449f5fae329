"""What the event store must give the service layer, on SQLite (embedded) and PostgreSQL
(production), each chosen by settings alone through ``eoffice.bootstrap.event_store_env``.

The PostgreSQL cluster is real and private to the session (``tests/servers/postgres.py``); every
test gets a database of its own.
"""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from documents.errors import ConflictError
from documents.outgoing import DocumentStatus
from documents.receipts import Receipt
from documents.registers import OUTGOING, Register, register_id_for
from eoffice.adapters.postgres_recorder import BinaryPostgresApplicationRecorder
from eoffice.bootstrap import event_store_env
from eoffice.settings import Settings
from tests.contract.issuers import IssuerReport, issue_in_process
from tests.contract.steps import issued_pdf, signed_document
from tests.documents.builders import office, with_tree
from tests.documents.test_group_save import clerk_of
from tests.servers.postgres import PostgresServer

# The register test: PROCESSES × THREADS concurrent issuers, each with its own application.
PROCESSES = 8
THREADS = 4
DOCUMENTS_PER_ISSUER = 2


@pytest.fixture(params=["sqlite", "postgres"])
def event_store(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment that selects the event store, built from settings as in production."""
    if request.param == "postgres":
        return postgres_env(cast(PostgresServer, request.getfixturevalue("postgres_server")))
    return event_store_env(Settings(event_store="sqlite", data_dir=tmp_path / "var"))


def postgres_env(server: PostgresServer) -> dict[str, str]:
    """The environment for a fresh database of the test cluster, as production builds it."""
    return event_store_env(
        Settings(
            event_store="postgres",
            postgres_host=server.host,
            postgres_port=server.port,
            postgres_dbname=server.create_database(),
            postgres_user=server.user,
            postgres_password=server.password,
        )
    )


def test_the_store_is_the_one_the_settings_name(
    event_store: dict[str, str], tmp_path: Path
) -> None:
    app = office(tmp_path / "office", event_store)
    try:
        if event_store["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
            assert isinstance(app.recorder, BinaryPostgresApplicationRecorder)
        else:
            assert type(app.recorder).__module__ == "eventsourcing.sqlite"
    finally:
        app.close()


def test_a_document_is_loaded_again_by_another_instance(
    event_store: dict[str, str], tmp_path: Path
) -> None:
    writer = office(tmp_path / "writer", event_store)
    ids = with_tree(writer)
    document_id = signed_document(writer, ids, "Kế hoạch tổ chức Đại hội Công đoàn")
    issued = writer.issue_with_next_number(document_id, issued_pdf)
    writer.deliver(document_id, [ids["upper-a1"], ids["upper-a2"]])
    writer.mark_dispatched(document_id, 2)
    writer_history = [(e.event, e.detail) for e in writer.views.history(document_id)]
    writer.close()

    reader = office(tmp_path / "reader", event_store)  # a new read model, rebuilt from the log
    try:
        loaded = reader.document(document_id)
        assert loaded.status == DocumentStatus.DISPATCHED
        assert loaded.subject == "Kế hoạch tổ chức Đại hội Công đoàn"
        assert (loaded.number, loaded.number_symbol) == (1, "01/KH-PROV-A")
        assert loaded.issued_sha256 == issued.issued_sha256
        assert loaded.version == issued.version + 1
        reader.refresh_views()
        row = reader.views.document(document_id)
        assert row is not None
        assert (row["status"], row["number_symbol"]) == ("dispatched", "01/KH-PROV-A")
        assert len(reader.views.receipts_of(document_id)) == 2
        history = [(e.event, e.detail) for e in reader.views.history(document_id)]
        assert history == writer_history
        assert len(history) >= 6
    finally:
        reader.close()


def test_delivering_twice_delivers_once(event_store: dict[str, str], tmp_path: Path) -> None:
    first = office(tmp_path / "first", event_store)
    ids = with_tree(first)
    document_id = signed_document(first, ids)
    first.issue_with_next_number(document_id, issued_pdf)
    recipients = [ids["upper-a1"], ids["upper-a2"]]
    # a retried batch in another worker: same event store and blob store, its own read model
    second = office(tmp_path / "second", event_store, blobs_dir=tmp_path / "first" / "blobs")
    try:
        assert first.deliver(document_id, recipients) == 2
        assert second.deliver(document_id, recipients) == 0
        # Even past the "already delivered?" check, the derived id cannot be taken twice.
        document = second.document(document_id)
        duplicate = Receipt(
            document_id=document.id,
            recipient_unit_id=ids["upper-a1"],
            issuer_unit_id=document.issuer_unit_id,
            number_symbol=document.number_symbol or "",
            subject=document.subject,
            doc_type=document.doc_type,
            urgency=document.urgency,
            file_sha256=document.issued_sha256 or "",
        )
        with pytest.raises(IntegrityError):
            second.save(duplicate)
        second.refresh_views()
        assert len(second.views.receipts_of(document_id)) == 2
    finally:
        first.close()
        second.close()


def test_a_stale_write_is_refused(event_store: dict[str, str], tmp_path: Path) -> None:
    """Two instances load the same version; the second to save loses (optimistic concurrency)."""
    first = office(tmp_path / "first", event_store)
    ids = with_tree(first)
    document_id = signed_document(first, ids)
    second = office(tmp_path / "second", event_store)
    try:
        mine, theirs = first.document(document_id), second.document(document_id)
        register_id = register_id_for(ids["prov-a"], OUTGOING, 2026)
        for copy, number, digest in ((mine, 7, "0"), (theirs, 8, "1")):
            copy.issue(
                number=number,
                number_symbol=f"0{number}/KH-PROV-A",
                register_id=register_id,
                issued_sha256=digest * 64,
                sealed_by_unit="prov-a",
                issued_at=copy.modified_on,
            )
        first.save(mine)
        with pytest.raises(IntegrityError):
            second.save(theirs)
        assert second.document(document_id).number == 7
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_many_concurrent_issuers_take_unique_gap_free_numbers(
    event_store: dict[str, str], tmp_path: Path
) -> None:
    """PROCESSES × THREADS issuers, each its own application, issue at once: numbers 1..N —
    from optimistic concurrency alone (the processes' turns per issuer switched off, so they
    race on the register's version)."""
    racing = event_store | {"NUMBERING_TURNS": "n"}
    conflicts = issue_at_once(racing, tmp_path)
    assert conflicts > 0, "the issuers did not race: the test proves nothing"


@pytest.mark.slow
def test_issuers_of_several_processes_take_turns_on_postgresql(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """As deployed on PostgreSQL, the processes take turns per issuer (an advisory lock): the
    same numbers 1..N, and no save is refused."""
    assert issue_at_once(postgres_env(postgres_server), tmp_path) == 0


def issue_at_once(environment: dict[str, str], tmp_path: Path) -> int:
    """PROCESSES × THREADS issuers, each its own application, issue at once; checks numbers
    1..N, one per document, as the register recorded them; returns the saves refused."""
    app = office(tmp_path / "setup", environment)
    ids = with_tree(app)
    issuers = PROCESSES * THREADS
    total = issuers * DOCUMENTS_PER_ISSUER
    documents = [str(signed_document(app, ids, f"Công văn {i}")) for i in range(total)]

    context = multiprocessing.get_context("spawn")
    startup, start, results = context.Lock(), context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(
            target=issue_in_process,
            args=(environment, str(tmp_path / f"p{p}"), documents[p::PROCESSES], THREADS),
            kwargs={"startup": startup, "start": start, "results": results},
        )
        for p in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    reports: list[IssuerReport] = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=300))
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {PROCESSES} issuer processes reported")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()

    errors = [error for report in reports for error in report.errors]
    assert not errors, "\n".join(errors)
    issued = dict(pair for report in reports for pair in report.issued)
    assert sorted(issued) == sorted(documents)
    assert sorted(issued.values()) == list(range(1, total + 1))

    issued_at = app.document(UUID(documents[0])).issued_at
    assert issued_at is not None
    register: Register = app.repository.get(
        register_id_for(ids["prov-a"], OUTGOING, issued_at.year)
    )
    assert register.last_number == total
    taken = [
        (event.number, str(event.entry_id))
        for event in cast(list[Any], list(app.repository.event_store.get(register.id)))
        if type(event).__qualname__ == "Register.NumberTaken"
    ]
    assert [number for number, _ in taken] == list(range(1, total + 1))
    assert {entry: number for number, entry in taken} == issued
    for document_id, number in issued.items():
        document = app.document(UUID(document_id))
        assert (document.status, document.number) == (DocumentStatus.ISSUED, number)
    app.close()
    assert sum(report.attempts for report in reports) == total, "a seal made inside the race"
    conflicts = sum(report.refused_saves for report in reports)
    retries = sum(report.busy_retries for report in reports)
    print(f"{total} numbers, {issuers} issuers: {conflicts} refused saves, {retries} busy retries")
    return conflicts


def test_acknowledgements_recorded_in_bulk_and_a_second_instance_gets_a_conflict(
    event_store: dict[str, str], tmp_path: Path
) -> None:
    """Acknowledgements go straight to the recorder (template-encoded, ``record_events``) on
    either store: they are read back as the aggregate's events, the chain is intact, and an
    acknowledgement from a second instance (another API process) that read the receipt before
    the first recorded is refused as "already acknowledged" (a 409), not lost or doubled."""
    first = office(tmp_path / "first", event_store)
    ids = with_tree(first)
    document_id = signed_document(first, ids)
    first.issue_with_next_number(document_id, issued_pdf)
    recipients = [ids["upper-a1"], ids["upper-a2"]]
    assert first.deliver(document_id, recipients) == 2
    clerks = {unit_id: clerk_of(unit_id) for unit_id in recipients}
    for unit_id in recipients:
        receipt_id = first.receipt_for(document_id, unit_id).id
        assert first.register_receipt(clerks[unit_id], receipt_id, True, "") == 1
    second = office(tmp_path / "second", event_store)
    try:
        disputed = first.receipt_for(document_id, recipients[0]).id
        stale = second._acknowledgement(clerks[recipients[0]], disputed)  # read, not yet saved
        first.acknowledge(clerks[recipients[0]], disputed)
        with pytest.raises(IntegrityError):
            second.record_events(*stale)
        with pytest.raises(ConflictError, match="đã được xác nhận"):
            second.acknowledge(clerks[recipients[0]], disputed)
        second.acknowledge(clerks[recipients[1]], first.receipt_for(document_id, recipients[1]).id)
        for app in (first, second):
            for unit_id in recipients:
                assert app.receipt_for(document_id, unit_id).status == "acknowledged"
        assert first.verify_integrity().intact
        first.refresh_views()
        assert first.views.dispatch_progress(document_id)["acknowledged"] == 2
    finally:
        first.close()
        second.close()
