"""Acknowledgements recorded in bulk (``documents.event_templates``, ``record_events``, the read
model's ``_batch_Receipt_Acknowledged``) give exactly what the normal path gives: the same stored
bytes (topic, JSON, hash chain), an intact chain, and the same read-model rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, NotFoundError
from documents.event_templates import StoredEventEncoder, acknowledged_event
from documents.integrity import ChainingMapper
from documents.policy import Actor
from documents.receipts import Receipt, ReceiptStatus
from documents.views import ReadModel
from tests.documents.builders import office, with_tree
from tests.documents.test_group_save import clerk_of
from tests.documents.test_lifecycle import signed

MOMENTS = (
    datetime(2026, 11, 23, 8, 0, tzinfo=UTC),  # no microseconds: isoformat leaves them out
    datetime(2026, 11, 23, 8, 0, 0, 1, tzinfo=UTC),
    datetime(2031, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
)


def test_the_template_encodes_like_the_mapper(tmp_path: Path) -> None:
    app = office(tmp_path)
    mapper = app.mapper
    assert isinstance(mapper, ChainingMapper)
    encoder = StoredEventEncoder(mapper)
    assert encoder.templated
    for moment in MOMENTS:
        event = acknowledged_event(uuid4(), 1, moment, uuid4())  # chained to the genesis
        assert encoder.unchained(event) == mapper.encode(event)
        assert encoder.stored([event]) == [mapper.to_stored_event(event)]
    # the event built directly is the one the aggregate records
    receipt = Receipt(uuid4(), uuid4(), uuid4(), "1/KH", "Về việc", "ke_hoach", "thuong", "ab")
    receipt.status = ReceiptStatus.REGISTERED
    by = uuid4()
    receipt.acknowledge(by=by)
    recorded = receipt.collect_events()[-1]
    direct = acknowledged_event(receipt.id, 2, recorded.timestamp, by)
    assert type(direct) is type(recorded) and vars(direct) == vars(recorded)
    assert encoder.unchained(direct) == mapper.encode(recorded)


def test_a_mapper_that_encodes_otherwise_is_used_as_is(tmp_path: Path) -> None:
    app = office(tmp_path)
    mapper = app.mapper
    assert isinstance(mapper, ChainingMapper)

    class Shouting(ChainingMapper):
        def encode(self, domain_event: Any) -> Any:
            stored = super().encode(domain_event)
            return type(stored)(
                stored.originator_id, stored.originator_version, stored.topic, stored.state.upper()
            )

    shouting = Shouting(transcoder=mapper.transcoder)
    encoder = StoredEventEncoder(shouting)
    event = acknowledged_event(uuid4(), 2, MOMENTS[1], uuid4())
    assert not encoder.templated
    assert encoder.unchained(event) == shouting.encode(event)


def issued_to(app: OfficeApplication, count: int) -> tuple[UUID, list[UUID]]:
    ids = with_tree(app)
    units = [
        app.register_unit(f"cs-{i}", f"CĐCS {i}", f"CĐCS {i}", "CĐCS", "grassroots", "upper-a1", "")
        for i in range(count)
    ]
    document_id = signed(app, ids)
    app.issue_with_next_number(document_id, lambda n, s, t: b"%PDF issued")
    assert app.deliver(document_id, units) == count
    for unit_id in units:
        receipt_id = app.receipt_for(document_id, unit_id).id
        assert app.register_receipt(clerk_of(unit_id), receipt_id, True, "") == 1
    return document_id, units


class OneByOne(ReadModel):
    """The read model given every event as a run of its own: the batch handlers see one row at
    a time (kinds without a batch handler go through their own handlers either way)."""

    def _apply_run(self, db: sqlite3.Connection, kind: str, run: list[tuple[int, Any]]) -> None:
        for item in run:
            super()._apply_run(db, kind, [item])


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("receipts", "history", "receipt_follow_up", "dispatch_progress", "tracking")
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_bulk_acknowledgements_are_stored_chained_and_projected_as_one_by_one(
    tmp_path: Path,
) -> None:
    app = office(tmp_path)
    document_id, units = issued_to(app, 30)

    def acknowledge(unit_id: UUID) -> None:
        app.acknowledge(clerk_of(unit_id), app.receipt_for(document_id, unit_id).id)

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(acknowledge, units))
    for unit_id in units:  # each stored event is what the mapper makes of its domain event
        receipt = app.receipt_for(document_id, unit_id)
        assert receipt.status == ReceiptStatus.ACKNOWLEDGED
        stored = app.recorder.select_events(receipt.id, desc=True, limit=1)[0]
        assert stored.topic == "documents.receipts:Receipt.Acknowledged"
        mapper = app.mapper
        assert isinstance(mapper, ChainingMapper)
        assert mapper.to_stored_event(mapper.to_domain_event(stored)) == stored
    assert app.verify_integrity().intact
    batched = ReadModel(tmp_path / "batched.sqlite")
    one_by_one = OneByOne(tmp_path / "one_by_one.sqlite")
    batched.catch_up(app.notifications)
    one_by_one.catch_up(app.notifications)
    assert dump(batched.path) == dump(one_by_one.path)
    assert dump(batched.path) == dump(app.views.path)  # the process's own, group by group
    progress = batched.dispatch_progress(document_id)
    assert (progress["delivered"], progress["acknowledged"]) == (30, 30)


def test_a_second_acknowledgement_racing_the_first_gets_a_409(tmp_path: Path) -> None:
    """Two requests (or processes) read the receipt before either recorded: the one whose save
    collides reads it again and is told it is acknowledged already."""
    app = office(tmp_path)
    document_id, units = issued_to(app, 1)
    receipt_id = app.receipt_for(document_id, units[0]).id
    first = app.receipt(receipt_id)
    first.acknowledge(by=clerk_of(units[0]).account_id)
    save: Callable[..., Any] = app.group_saver.save
    saves: list[int] = []

    def first_records_meanwhile(events: Any) -> None:
        saves.append(len(events))
        if first.pending_events:  # the other request records between our read and our save
            app.record_events(*first.collect_events())
        save(events)

    app.group_saver.save = first_records_meanwhile  # type: ignore[method-assign]
    with pytest.raises(ConflictError, match="đã được xác nhận") as refused:
        app.acknowledge(clerk_of(units[0]), receipt_id)
    assert refused.value.message_en == "This document is acknowledged already."
    assert saves == [1]  # the collision, then the receipt as recorded refused it
    with pytest.raises(IntegrityError):  # a stale copy cannot be recorded either
        app.record_events(acknowledged_event(receipt_id, 3, MOMENTS[0], uuid4()))
    app.refresh_views()
    assert app.views.dispatch_progress(document_id)["acknowledged"] == 1
    assert app.verify_integrity().intact


def test_acknowledging_after_other_steps_or_from_another_unit(tmp_path: Path) -> None:
    """Only a receipt just registered is decided on its stored events; every other history
    goes through the aggregate, with the same answers as before."""
    app = office(tmp_path)
    document_id, units = issued_to(app, 3)
    receipts = [app.receipt_for(document_id, unit_id).id for unit_id in units]
    with pytest.raises(ForbiddenError):  # the clerk of another unit
        app.acknowledge(clerk_of(units[1]), receipts[0])
    leader = Actor(uuid4(), "lanhdao-cs", "Lãnh đạo", units[0], frozenset({"leader"}))
    with pytest.raises(ForbiddenError):  # not a clerk
        app.acknowledge(leader, receipts[0])
    app.direct(leader, receipts[0], "Giao văn phòng nghiên cứu.")
    app.acknowledge(clerk_of(units[0]), receipts[0])  # registered, then directed
    assert app.receipt(receipts[0]).status == ReceiptStatus.ACKNOWLEDGED
    app.acknowledge(clerk_of(units[1]), receipts[1])
    with pytest.raises(ConflictError, match="đã được xác nhận"):
        app.acknowledge(clerk_of(units[1]), receipts[1])
    receipt = app.receipt(receipts[2])
    receipt.notice_recall("Thu hồi để sửa")
    app.save_and_refresh(receipt)
    with pytest.raises(ConflictError, match="thu hồi"):
        app.acknowledge(clerk_of(units[2]), receipts[2])
    with pytest.raises(NotFoundError):
        app.acknowledge(clerk_of(units[2]), uuid4())
    assert app.verify_integrity().intact
    app.refresh_views()
    assert app.views.dispatch_progress(document_id)["acknowledged"] == 2
