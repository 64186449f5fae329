"""Delivered events built from a template (``documents/delivery_events.py``) are the events the
aggregate path stores: same bytes, same chain digest, and a receipt replayed from them equals one
created by ``Receipt(...)``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from documents.delivery_events import DeliveryTemplate
from documents.dispatch_list import DispatchList
from documents.receipts import Receipt, ReceiptStatus, receipt_id_for, receipt_ids_for
from tests.documents.builders import actor, office, with_tree
from tests.documents.test_dispatch_follow_up import issued

MOMENT = datetime(2026, 11, 23, 8, 30, 0, 120000, tzinfo=UTC)


def dispatch_list(recipients: tuple[UUID, ...]) -> DispatchList:
    return DispatchList(
        document_id=uuid4(),
        issuer_unit_id=uuid4(),
        number_symbol="12/CT-TLĐ",
        # characters JSON escapes or encodes specially: quotes, backslash, control, non-ASCII
        subject='Chỉ thị "chuyển đổi số" \\ toàn hệ thống\nđợt 1 — 2026',
        doc_type="chi_thi",
        urgency="khan",
        file_sha256="ab" * 32,
        recipients=recipients,
    )


def by_aggregate(dispatch: DispatchList, unit_id: UUID) -> Receipt:
    """The receipt as the aggregate path creates it."""
    return Receipt(
        document_id=dispatch.document_id,
        recipient_unit_id=unit_id,
        issuer_unit_id=dispatch.issuer_unit_id,
        number_symbol=dispatch.number_symbol,
        subject=dispatch.subject,
        doc_type=dispatch.doc_type,
        urgency=dispatch.urgency,
        file_sha256=dispatch.file_sha256,
    )


@pytest.mark.parametrize("compressed", [False, True])
def test_template_events_are_the_events_the_aggregate_path_stores(
    tmp_path: Path, compressed: bool
) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")}
    if compressed:
        env["COMPRESSOR_TOPIC"] = "eventsourcing.compressor:ZlibCompressor"
    app = office(tmp_path, env)
    units = tuple(uuid4() for _ in range(3))
    dispatch = dispatch_list(units)
    built = DeliveryTemplate.for_dispatch(app.mapper, dispatch).build(units, MOMENT)

    for unit_id, delivery in zip(units, built, strict=True):
        receipt = by_aggregate(dispatch, unit_id)
        (event,) = receipt.collect_events()
        object.__setattr__(event, "timestamp", MOMENT)
        # the chaining mapper stores exactly the same thing (state, digest, topic, id, version)
        assert delivery.stored == app.mapper.to_stored_event(event)
        assert vars(delivery.event) == vars(event)
        assert type(delivery.event) is type(event)


def test_delivered_receipts_replay_as_created_and_keep_their_chain(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    document_id = issued(app, ids, recipients=("upper-a1", "upper-a2", "base-a1"))
    dispatch = app.dispatch_list(document_id)

    assert app.deliver(document_id, dispatch.recipients) == 3

    for unit_id in dispatch.recipients:
        stored = app.receipt_for(document_id, unit_id)
        expected = by_aggregate(dispatch, unit_id)
        expected.collect_events()  # as saved
        assert stored.id == expected.id == receipt_id_for(document_id, unit_id)
        mine, theirs = vars(stored), vars(expected)
        for moment in ("_created_on", "_modified_on"):  # the time of each path's own save
            assert mine.pop(moment) <= theirs.pop(moment)
        assert mine == theirs
    # the read model has every inbox row, history and progress count
    assert {row["unit_id"] for row in app.views.receipts_of(document_id)} == {
        str(u) for u in dispatch.recipients
    }
    assert app.views.dispatch_progress(document_id)["delivered"] == 3
    # later events chain to the template-built first event
    receipt_id = app.receipt_for(document_id, ids["upper-a1"]).id
    app.register_receipt(actor(app, "upper-a1.clerk"), receipt_id, True, "hợp lệ")
    assert app.receipt(receipt_id).status == ReceiptStatus.REGISTERED
    assert app.verify_integrity().intact


def test_a_retried_batch_delivers_nobody_twice(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    document_id = issued(app, ids, recipients=("upper-a1", "upper-a2", "base-a1"))
    first, second, third = app.dispatch_list(document_id).recipients

    assert app.deliver(document_id, [first, first]) == 1
    assert app.deliver(document_id, [first, second, third]) == 2  # the retry after a crash
    assert app.deliver(document_id, [first, second, third]) == 0

    assert len(app.views.receipts_of(document_id)) == 3
    assert app.views.dispatch_progress(document_id)["delivered"] == 3
    assert app.verify_integrity().intact


def test_receipt_ids_of_a_batch_are_the_derived_ids() -> None:
    document_id = uuid4()
    units = [uuid4() for _ in range(5)]

    assert receipt_ids_for(document_id, units) == [receipt_id_for(document_id, u) for u in units]
