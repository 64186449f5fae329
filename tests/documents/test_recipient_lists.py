"""A draft's recipients are stored once, by SHA-256, in the blob store: the ``Drafted`` event
carries the reference and the count. Drafts recorded before, which named every recipient in the
event, still load, authorise, count and dispatch."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.outgoing import OutgoingDocument
from documents.policy import Action
from documents.recipient_lists import decode_recipients, encode_recipients
from tests.documents.builders import actor, office, with_tree

GRASSROOTS = 400


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def with_grassroots(app: OfficeApplication) -> tuple[dict[str, UUID], list[UUID]]:
    ids = with_tree(app)
    header = "code,name,short_name,abbreviation,level,parent_code,place\n"
    rows = [
        f"cs-{i:04d},CĐCS số {i},CĐCS {i},CĐCS,grassroots,upper-a1,Hà Nội"
        for i in range(GRASSROOTS)
    ]
    app.import_units(header + "\n".join(rows))
    tree = app.tree()
    return ids, [unit.id for unit in tree.all() if unit.code.startswith("cs-")]


def stored_drafted(directory: Path, document_id: UUID) -> bytes:
    with sqlite3.connect(directory / "ev.db") as db:
        row = db.execute(
            "SELECT state FROM stored_events WHERE originator_id=? AND originator_version=1",
            (document_id.hex,),
        ).fetchone()
    return bytes(row[0])


def draft_to(app: OfficeApplication, recipients: list[UUID]) -> UUID:
    return app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch gửi mọi công đoàn cơ sở",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=recipients,
        body_pdf=b"%PDF-1.7 body",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )


def dispatched(app: OfficeApplication, document_id: UUID) -> None:
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF signed", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: s.encode())
    recipients = app.dispatch_list(document_id).recipients
    app.deliver(document_id, recipients)
    app.mark_dispatched(document_id, len(recipients))


def test_the_list_round_trips_through_its_encoding() -> None:
    units = [UUID(int=i) for i in (1, 2**127, 3)]
    assert decode_recipients(encode_recipients(units)) == tuple(units)


def test_a_draft_names_its_recipients_by_reference(app: OfficeApplication, tmp_path: Path) -> None:
    ids, units = with_grassroots(app)
    recipients = [ids["upper-a2"], *units]
    document_id = draft_to(app, recipients)

    state = stored_drafted(tmp_path, document_id)
    assert len(state) < 1024  # inline, 401 units were ~15 kB
    assert b"recipients_sha256" in state and b"recipient_count" in state
    assert str(units[0]).encode() not in state and units[0].hex.encode() not in state

    document = app.document(document_id)
    assert document.recipient_count == len(recipients) and document.inline_recipients is None
    assert document.recipients_sha256 and app.blobs.exists(document.recipients_sha256)
    assert app.recipients_of(document) == tuple(recipients)
    assert app.views.document(document_id)["recipient_count"] == len(recipients)
    app.authorize(actor(app, "upper-a2.clerk"), Action.VIEW, document)  # a recipient may view

    dispatched(app, document_id)
    assert app.views.dispatch_progress(document_id)["delivered"] == len(recipients)
    assert app.verify_integrity().intact


def test_a_draft_recorded_with_its_recipients_inline_still_reads(
    app: OfficeApplication, tmp_path: Path
) -> None:
    ids, units = with_grassroots(app)
    recipients = [ids["upper-a2"], *units[:50]]
    drafter = actor(app, "prov-a.drafter")
    document = OutgoingDocument(  # the shape of a Drafted event recorded before the change
        issuer_unit_id=ids["prov-a"],
        doc_type="ke_hoach",
        subject="Kế hoạch cũ",
        urgency="thuong",
        recipient_unit_ids=recipients,
        drafted_by=drafter.account_id,
        body_sha256=app.blobs.put(b"%PDF-1.7 old body"),
        body_size=17,
        body_source="upload",
        signer_authority=None,
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    drafted = document._pending_events[0].__dict__
    del drafted["recipients_sha256"], drafted["recipient_count"]
    app.save_and_refresh(document)
    state = stored_drafted(tmp_path, document.id)
    assert b"recipients_sha256" not in state and units[0].hex.encode() in state

    loaded = app.document(document.id)
    assert loaded.recipients_sha256 is None and loaded.recipient_count == len(recipients)
    assert app.recipients_of(loaded) == tuple(recipients)
    assert app.views.document(document.id)["recipient_count"] == len(recipients)
    app.authorize(actor(app, "upper-a2.clerk"), Action.VIEW, loaded)

    dispatched(app, document.id)
    assert app.views.dispatch_progress(document.id)["delivered"] == len(recipients)
    assert app.verify_integrity().intact
