"""Tamper evidence: edited, removed or reordered events are found by verifying the chains."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def store(tmp_path: Path) -> tuple[OfficeApplication, UUID, Path]:
    app = office(tmp_path)
    ids = with_tree(app)
    drafter = actor(app, "prov-a.drafter")
    document_id = app.draft_document(
        drafter,
        doc_type="ke_hoach",
        subject="Kế hoạch gốc",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"]],
        body_pdf=b"%PDF-1.7 x",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    app.submit(drafter, document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF s", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    return app, document_id, tmp_path / "ev.db"


def tamper(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute(sql, params).rowcount >= 1


def problems(app: OfficeApplication) -> list[tuple[int, str]]:
    return [(p.version, p.message_en) for p in app.verify_integrity(batch_size=7).problems]


def test_an_untouched_store_verifies(store: tuple[OfficeApplication, UUID, Path]) -> None:
    app, _, _ = store
    report = app.verify_integrity()
    assert report.intact and report.events >= 40 and report.aggregates >= 37


def test_an_edited_event_is_found(store: tuple[OfficeApplication, UUID, Path]) -> None:
    app, document_id, path = store
    tamper(
        path,
        "UPDATE stored_events SET state=CAST(replace(CAST(state AS TEXT), 'Kế hoạch gốc', "
        "'Kế hoạch sửa') AS BLOB) WHERE originator_id=? AND originator_version=1",
        document_id.hex,
    )
    assert problems(app) == [(1, "content edited or reordered")]


def test_an_edited_last_event_is_found(store: tuple[OfficeApplication, UUID, Path]) -> None:
    app, document_id, path = store
    tamper(
        path,
        "UPDATE stored_events SET state=CAST(replace(CAST(state AS TEXT), '\"by\"', '\"By\"') "
        "AS BLOB) WHERE originator_id=? AND originator_version=4",
        document_id.hex,
    )
    assert problems(app) == [(4, "content edited or reordered")]


def test_a_removed_event_is_found(store: tuple[OfficeApplication, UUID, Path]) -> None:
    app, document_id, path = store
    tamper(
        path,
        "DELETE FROM stored_events WHERE originator_id=? AND originator_version=2",
        document_id.hex,
    )
    assert problems(app) == [(3, "events 2–2 are missing (removed)")]


def test_reordered_events_are_found(store: tuple[OfficeApplication, UUID, Path]) -> None:
    app, document_id, path = store
    with sqlite3.connect(path) as db:
        rows = dict(
            db.execute(
                "SELECT originator_version, state FROM stored_events WHERE originator_id=? "
                "AND originator_version IN (2, 3)",
                (document_id.hex,),
            ).fetchall()
        )
        for version, other in ((2, 3), (3, 2)):
            db.execute(
                "UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?",
                (rows[other], document_id.hex, version),
            )
    # both moved events, and the next one, whose link to its predecessor no longer holds
    assert problems(app) == [
        (2, "content edited or reordered"),
        (3, "content edited or reordered"),
        (4, "content edited or reordered"),
    ]


def test_an_event_stripped_of_its_digest_is_found(
    store: tuple[OfficeApplication, UUID, Path],
) -> None:
    app, document_id, path = store
    tamper(
        path,
        "UPDATE stored_events SET state=substr(state, 1, length(state) - 73) "
        "WHERE originator_id=? AND originator_version=2",
        document_id.hex,
    )
    assert problems(app) == [(2, "no chain digest")]
