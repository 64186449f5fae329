"""Issuing in two steps (documents/service/numbering.py): the register number, a short step
batched per issuer, then the sealed PDF; a number once taken is never lost nor reused, even when
the seal fails; documents issued in the old single-event shape still load."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

import pytest

from documents.application import OfficeApplication
from documents.clock import VIETNAM_TZ, now_vietnam
from documents.errors import ConflictError
from documents.numbering import Numberer
from documents.outgoing import DocumentStatus
from documents.receipts import Receipt
from documents.registers import OUTGOING, Register, register_id_for
from tests.documents.builders import actor, office, with_tree
from tests.documents.test_lifecycle import signed


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def register_numbers(app: OfficeApplication, unit_id: UUID) -> list[tuple[int, UUID]]:
    register_id = register_id_for(unit_id, OUTGOING, now_vietnam().year)
    return [
        (event.number, event.entry_id)
        for event in cast(list[Any], list(app.repository.event_store.get(register_id)))
        if type(event).__qualname__ == "Register.NumberTaken"
    ]


def event_names(app: OfficeApplication, document_id: UUID) -> list[str]:
    events = app.repository.event_store.get(document_id)
    return [type(event).__qualname__.split(".")[-1] for event in events]


def test_the_number_is_taken_first_and_the_seal_recorded_after(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = signed(app, ids)
    numbered = app.take_number(document_id)
    assert (numbered.number, numbered.number_symbol) == (1, "01/KH-PROV-A")
    assert numbered.status == DocumentStatus.ISSUING and numbered.issued_sha256 is None
    assert app.take_number(document_id).number == 1  # idempotent: no second number
    issued = app.record_seal(document_id, b"%PDF sealed 01")
    assert issued.status == DocumentStatus.ISSUED
    assert app.blobs.get(issued.issued_sha256 or "") == b"%PDF sealed 01"
    assert event_names(app, document_id)[-2:] == ["Numbered", "Sealed"]
    assert register_numbers(app, ids["prov-a"]) == [(1, document_id)]
    row = app.views.document(document_id)
    assert row is not None and (row["status"], row["number_symbol"]) == ("issued", "01/KH-PROV-A")


def test_a_seal_cannot_be_recorded_before_the_number(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = signed(app, ids)
    with pytest.raises(ConflictError):
        app.record_seal(document_id, b"%PDF")


def test_a_failed_seal_keeps_the_number_and_issuing_again_only_seals(
    app: OfficeApplication,
) -> None:
    """The chosen rule: a number once taken stays with its document. The seal fails for good
    (e.g. the unit's certificate is revoked): the document goes back to "signed" still holding
    number 01; issued again, it is sealed as 01 and the register has no gap and no reuse."""
    ids = with_tree(app)
    first, second = signed(app, ids), signed(app, ids)
    assert app.take_number(first).number == 1
    app.record_issue_failure(first, "Chứng thư số của cơ quan đã bị thu hồi / revoked")
    failed = app.document(first)
    assert (failed.status, failed.number, failed.number_symbol) == ("signed", 1, "01/KH-PROV-A")
    assert app.issue_with_next_number(second, lambda n, s, t: s.encode()).number == 2

    app.request_issue(actor(app, "prov-a.clerk"), first)
    again = app.issue_with_next_number(first, lambda n, s, t: f"%PDF {s}".encode())
    assert (again.status, again.number_symbol) == ("issued", "01/KH-PROV-A")
    assert app.blobs.get(again.issued_sha256 or "") == b"%PDF 01/KH-PROV-A"
    assert register_numbers(app, ids["prov-a"]) == [(1, first), (2, second)]
    third = app.issue_with_next_number(signed(app, ids), lambda n, s, t: s.encode())
    assert third.number == 3


def test_concurrent_requests_of_one_process_are_numbered_in_few_saves(
    app: OfficeApplication,
) -> None:
    ids = with_tree(app)
    documents = [signed(app, ids) for _ in range(24)]
    numbers: dict[UUID, int] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(documents))

    def take(document_id: UUID) -> None:
        try:
            start.wait()
            numbers[document_id] = app.take_number(document_id).number or 0
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=take, args=(d,)) for d in documents]
    batches_before = app.numberer.batches
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(numbers.values()) == list(range(1, 25))
    assert dict((entry, n) for n, entry in register_numbers(app, ids["prov-a"])) == numbers
    assert app.numberer.batches - batches_before < len(documents), "nothing was batched"


def test_requests_that_arrive_while_the_drainer_waits_for_its_turn_join_its_batch() -> None:
    """The drainer picks its batch once its turn (another process's lock) has come: the five
    requests that arrived meanwhile are numbered with the first one, in one batch."""
    turn_free = threading.Event()
    turn_asked = threading.Event()
    batches: list[list[UUID]] = []

    @contextmanager
    def turn(key: Hashable) -> Iterator[None]:
        turn_asked.set()
        turn_free.wait(timeout=10)
        yield

    def number_batch(key: Hashable, items: Sequence[UUID]) -> dict[UUID, UUID | BaseException]:
        batches.append(list(items))
        return {item: item for item in items}

    numberer: Numberer[UUID] = Numberer(number_batch, lambda item: item, turn)
    items = [uuid4() for _ in range(6)]
    first = threading.Thread(target=numberer.take, args=("issuer", items[0]))
    first.start()
    assert turn_asked.wait(timeout=10)
    others = [threading.Thread(target=numberer.take, args=("issuer", i)) for i in items[1:]]
    for thread in others:
        thread.start()
    while len(numberer._waiting.get("issuer", [])) < 6:  # every request queued behind the turn
        time.sleep(0.001)
    turn_free.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert len(batches) == 1, batches
    assert batches[0][0] == items[0] and sorted(batches[0]) == sorted(items)


def test_a_cached_register_is_fast_forwarded_past_another_instance_s_numbers(
    tmp_path: Path,
) -> None:
    """Two applications on one store (two workers): each keeps its register in memory and reads
    only the numbers the other took since; a stale copy can never reuse a number."""
    first = office(tmp_path / "first")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "first/ev.db"),
    }
    second = office(tmp_path / "second", env)
    try:
        ids = with_tree(first)
        documents = [signed(first, ids) for _ in range(5)]
        assert first.take_number(documents[0]).number == 1  # first caches the register
        assert second.take_number(documents[1]).number == 2
        assert second.take_number(documents[2]).number == 3
        assert first.take_number(documents[3]).number == 4  # fast-forwarded past 2 and 3
        register_id = register_id_for(ids["prov-a"], OUTGOING, now_vietnam().year)
        stale = cast(Register, first.repository.get(register_id, version=2))
        stale.take_number(number=2, entry_id=documents[4])  # number 2 again
        with pytest.raises(Exception, match="(?i)unique|integrity"):
            first.save(stale)  # the event store refuses a number taken twice
        assert second.take_number(documents[4]).number == 5
        assert [n for n, _ in register_numbers(first, ids["prov-a"])] == [1, 2, 3, 4, 5]
    finally:
        first.close()
        second.close()


def test_documents_issued_in_the_old_single_event_shape_still_load(
    app: OfficeApplication,
) -> None:
    """Before numbering became a step of its own, one ``NumberedAndIssued`` event did it all."""
    ids = with_tree(app)
    document_id = signed(app, ids)
    document = app.document(document_id)
    register_id = register_id_for(ids["prov-a"], OUTGOING, now_vietnam().year)
    document.issue(
        number=7,
        number_symbol="07/KH-PROV-A",
        register_id=register_id,
        issued_sha256="ab" * 32,
        sealed_by_unit="Đơn vị prov-a",
        issued_at=now_vietnam(),
    )
    app.save_and_refresh(document)
    loaded = app.document(document_id)
    assert (loaded.status, loaded.number_symbol, loaded.issuer_name) == (
        "issued",
        "07/KH-PROV-A",
        "Đơn vị prov-a",
    )
    assert event_names(app, document_id)[-1] == "NumberedAndIssued"
    row = app.views.document(document_id)
    assert row is not None and (row["status"], row["number_symbol"]) == ("issued", "07/KH-PROV-A")


def delivered_copy(
    app: OfficeApplication, issuer: UUID, unit: UUID, symbol: str, document_id: UUID | None = None
) -> UUID:
    """A receipt of a document numbered ``symbol`` by ``issuer`` (e.g. the same document sent
    again under another id, or imported twice)."""
    receipt = Receipt(
        document_id=document_id or uuid4(),
        recipient_unit_id=unit,
        issuer_unit_id=issuer,
        number_symbol=symbol,
        subject="Kế hoạch tổ chức Tháng Công nhân",
        doc_type="ke_hoach",
        urgency="thuong",
        file_sha256="ab" * 32,
    )
    app.save_and_refresh(receipt)
    return receipt.id


def test_a_turn_that_cannot_be_had_fails_every_waiting_request_and_the_next_one_drains() -> None:
    """The lock for the issuer's turn fails (its database connection is gone): the drainer and
    every request queued behind it get the error instead of waiting for ever; a later request
    takes the turn afresh and is numbered."""
    turn_asked = threading.Event()
    release = threading.Event()
    failing = [True]

    @contextmanager
    def turn(key: Hashable) -> Iterator[None]:
        if failing[0]:
            turn_asked.set()
            release.wait(timeout=10)
            raise ConnectionError("advisory lock: connection lost")
        yield

    def number_batch(key: Hashable, items: Sequence[UUID]) -> dict[UUID, UUID | BaseException]:
        return {item: item for item in items}

    numberer: Numberer[UUID] = Numberer(number_batch, lambda item: item, turn)
    outcomes: dict[UUID, object] = {}

    def take(item: UUID) -> None:
        try:
            outcomes[item] = numberer.take("issuer", item)
        except ConnectionError as error:
            outcomes[item] = error

    items = [uuid4() for _ in range(4)]
    threads = [threading.Thread(target=take, args=(item,)) for item in items]
    threads[0].start()
    assert turn_asked.wait(timeout=10)
    for thread in threads[1:]:
        thread.start()
    while len(numberer._waiting.get("issuer", [])) < 4:
        time.sleep(0.001)
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads), "requests left waiting"
    assert all(isinstance(outcomes[item], ConnectionError) for item in items)
    failing[0] = False
    later = uuid4()
    assert numberer.take("issuer", later) == later


def test_registering_a_number_symbol_and_issuer_again_warns_without_refusing(
    app: OfficeApplication,
) -> None:
    """Nghị định 30, Phụ lục VI: a duplicate (number, symbol, issuer) is a warning."""
    ids = with_tree(app)
    clerk = actor(app, "upper-a1.clerk")
    first = delivered_copy(app, ids["prov-a"], ids["upper-a1"], "05/KH-PROV-A")
    again = delivered_copy(app, ids["prov-a"], ids["upper-a1"], "05/KH-PROV-A")
    other_issuer = delivered_copy(app, ids["prov-b"], ids["upper-a1"], "05/KH-PROV-A")
    other_number = delivered_copy(app, ids["prov-a"], ids["upper-a1"], "06/KH-PROV-A")
    elsewhere = delivered_copy(app, ids["prov-a"], ids["upper-a2"], "05/KH-PROV-A")

    assert app.register_receipt(clerk, first, True, "ok") == 1
    assert app.duplicate_warning(first) is None
    assert app.register_receipt(clerk, again, True, "ok") == 2  # registered all the same
    warning = app.duplicate_warning(again)
    assert warning is not None
    assert warning[0] == (
        "Cảnh báo trùng: văn bản số 05/KH-PROV-A của cơ quan này đã được vào sổ (số đến 1)."
    )
    assert "already registered (arrival no. 1)" in warning[1]
    for receipt_id, unit in ((other_issuer, "upper-a1"), (other_number, "upper-a1")):
        app.register_receipt(actor(app, f"{unit}.clerk"), receipt_id, True, "ok")
        assert app.duplicate_warning(receipt_id) is None
    app.register_receipt(actor(app, "upper-a2.clerk"), elsewhere, True, "ok")
    assert app.duplicate_warning(elsewhere) is None  # another unit's register

    third = delivered_copy(app, ids["prov-a"], ids["upper-a1"], "05/KH-PROV-A")
    app.register_receipt(clerk, third, True, "ok")
    assert app.views.duplicate_of(third) == [1, 2]
    app.views.reset()  # the warning is rebuilt with the read model
    assert app.views.duplicate_of(third) == []
    app.refresh_views()
    assert app.views.duplicate_of(third) == [1, 2]
    warned = {row["id"] for row in app.views.inbox(ids["upper-a1"]) if row["duplicate_of"]}
    assert warned == {str(third), str(again)}


def test_the_same_number_and_symbol_issued_in_another_year_is_no_duplicate(
    app: OfficeApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbers start again at 1 every year: 01/KH-PROV-A of 2025 and of 2026 are two documents.
    A copy whose issue date is unknown here is compared on number, symbol and issuer alone."""
    ids = with_tree(app)
    issued: list[UUID] = []
    symbols: list[str | None] = []
    for year in (2025, 2026, 2026):
        moment = datetime(year, 12, 31, 23, 30, tzinfo=VIETNAM_TZ)  # UTC is a year behind
        monkeypatch.setattr("documents.service.numbering.now_vietnam", lambda m=moment: m)
        document_id = signed(app, ids)
        symbols.append(app.take_number(document_id).number_symbol)
        issued.append(document_id)
    app.refresh_views()
    assert symbols == ["01/KH-PROV-A", "01/KH-PROV-A", "02/KH-PROV-A"]
    clerk = actor(app, "upper-a1.clerk")
    last_year, this_year = (
        delivered_copy(app, ids["prov-a"], ids["upper-a1"], "01/KH-PROV-A", issued[i])
        for i in (0, 1)
    )
    # the same symbol from outside the platform (no issue date known): compared without a year
    undated = delivered_copy(app, ids["prov-a"], ids["upper-a1"], "01/KH-PROV-A")
    for receipt_id in (last_year, this_year, undated):
        app.register_receipt(clerk, receipt_id, True, "ok")
    assert app.duplicate_warning(this_year) is None
    assert app.views.duplicate_of(undated) == [1, 2]
