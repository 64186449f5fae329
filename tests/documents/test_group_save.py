"""Group commit (``documents.group_save``) on a real SQLite event store: concurrent callers share
saves, a conflicting caller alone gets its error, and concurrent acknowledgements all land."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from documents.application import OfficeApplication
from documents.errors import ConflictError
from documents.group_save import GroupSaver
from documents.policy import Actor
from tests.documents.builders import office, with_tree
from tests.documents.test_lifecycle import signed


class Note(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Rewritten")
    def rewrite(self, text: str) -> None:
        self.text = text


class GatedSave:
    """``app.save`` that records each group's size; the first save waits for ``gate``, so the
    callers arriving meanwhile queue up behind it."""

    def __init__(self, app: OfficeApplication) -> None:
        self.app = app
        self.sizes: list[int] = []
        self.gate = threading.Event()

    def __call__(self, *events: Any) -> None:
        if not self.sizes:
            self.gate.wait(10)
        self.sizes.append(len(events))
        self.app.save(*events)


def test_concurrent_callers_share_saves_and_a_conflict_fails_only_its_caller(
    tmp_path: Path,
) -> None:
    app = office(tmp_path)
    save = GatedSave(app)
    saver = GroupSaver(save, app.refresh_views)
    disputed = Note("bản gốc")
    app.save(disputed)
    first: Note = app.repository.get(disputed.id)
    second: Note = app.repository.get(disputed.id)
    first.rewrite("sửa lần một")
    second.rewrite("sửa lần hai")  # the same version as the first: one of them must lose
    notes = [Note(f"ghi chú {i}") for i in range(30)]
    with ThreadPoolExecutor(32) as pool:
        leader = pool.submit(saver.save, notes[0].collect_events())
        while not saver._leading:
            pass
        outcomes = [pool.submit(saver.save, n.collect_events()) for n in notes[1:]]
        disputes = [pool.submit(saver.save, x.collect_events()) for x in (first, second)]
        while len(saver._waiting) < 31:  # everyone queued behind the blocked leader
            threading.Event().wait(0.01)
        save.gate.set()
        leader.result(10)
        for outcome in outcomes:
            outcome.result(10)
        errors = [d.exception(10) for d in disputes]
    assert sum(isinstance(e, IntegrityError) for e in errors) == 1 and errors.count(None) == 1
    assert save.sizes[:2] == [1, 31]  # the leader alone, then the whole queue as one group
    assert len(save.sizes) == 2 + 31  # the group was refused: each of its callers saved alone
    assert {app.repository.get(n.id).text for n in notes} == {f"ghi chú {i}" for i in range(30)}
    assert app.repository.get(disputed.id).version == 2


def clerk_of(unit_id: UUID) -> Actor:
    return Actor(
        account_id=uuid5(NAMESPACE_URL, f"/test/clerk/{unit_id}"),
        username=f"clerk-{unit_id}",
        full_name="Văn thư",
        unit_id=unit_id,
        roles=frozenset({"clerk"}),
    )


def test_concurrent_acknowledgements_all_reach_the_outbox(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    extra = [
        app.register_unit(f"cs-{i}", f"CĐCS {i}", f"CĐCS {i}", "CĐCS", "grassroots", "upper-a1", "")
        for i in range(40)
    ]
    document_id = signed(app, ids)
    app.issue_with_next_number(document_id, lambda n, s, t: b"%PDF issued")
    assert app.deliver(document_id, extra) == 40
    for unit_id in extra:
        receipt_id = app.receipt_for(document_id, unit_id).id
        assert app.register_receipt(clerk_of(unit_id), receipt_id, True, "") == 1

    def acknowledge(unit_id: UUID) -> None:
        app.acknowledge(clerk_of(unit_id), app.receipt_for(document_id, unit_id).id)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(acknowledge, extra))
    row = next(r for r in app.views.outbox(ids["prov-a"]) if r["id"] == str(document_id))
    assert (row["delivered"], row["acknowledged"]) == (40, 40)
    with pytest.raises(ConflictError, match="đã được xác nhận"):
        acknowledge(extra[0])
