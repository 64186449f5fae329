"""Attachments (phụ lục kèm theo) on the domain: kept with the draft as content-addressed blobs
(one ``AttachmentAdded`` each), held to the secrecy rule like the body, signed versions recorded
with the seal, downloadable by whoever may view the document."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.blobs import sha256_hex
from documents.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    SecretDocumentRefusedError,
)
from documents.outgoing import MAX_ATTACHMENTS, AttachmentUpload
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def draft(app: OfficeApplication, ids: dict[str, UUID], *files: AttachmentUpload) -> UUID:
    return app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch có phụ lục",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"]],
        body_pdf=b"%PDF-1.7 body",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
        attachments=files,
    )


def blob_count(tmp_path: Path) -> int:
    return sum(1 for path in (tmp_path / "blobs").rglob("*") if path.is_file())


def test_attachments_are_kept_with_the_draft(app: OfficeApplication) -> None:
    ids = with_tree(app)
    first = AttachmentUpload("C:\\Tài liệu\\Phụ lục 1.pdf", b"%PDF-1.7 one", "Danh sách")
    second = AttachmentUpload("phu-luc-2.pdf", b"%PDF-1.7 two")

    document_id = draft(app, ids, first, second)

    document = app.document(document_id)
    assert [(a.name, a.size, a.signed_sha256) for a in document.attachments] == [
        ("Phụ lục 1.pdf", len(first.pdf), None),
        ("phu-luc-2.pdf", len(second.pdf), None),
    ]
    assert app.blobs.get(document.attachments[0].sha256) == first.pdf
    events = [e for e in app.repository.event_store.get(document_id)]
    added = [e for e in events if type(e).__qualname__ == "OutgoingDocument.AttachmentAdded"]
    assert [(e.name, e.sha256, e.size) for e in added] == [  # type: ignore[attr-defined]
        ("Phụ lục 1.pdf", sha256_hex(first.pdf), len(first.pdf)),
        ("phu-luc-2.pdf", sha256_hex(second.pdf), len(second.pdf)),
    ]


def test_a_secret_attachment_refuses_the_whole_draft(
    app: OfficeApplication, tmp_path: Path
) -> None:
    ids = with_tree(app)
    before = blob_count(tmp_path)
    secret = AttachmentUpload("mat.pdf", b"%PDF-1.7 secret", "PHỤ LỤC\nTỐI MẬT\nSố liệu")
    with pytest.raises(SecretDocumentRefusedError) as refusal:
        draft(app, ids, AttachmentUpload("ok.pdf", b"%PDF ok"), secret)
    assert "TỐI MẬT" in refusal.value.message_vi
    assert blob_count(tmp_path) == before
    assert app.views.outbox(ids["prov-a"]) == []


def test_too_many_attachments_are_refused(app: OfficeApplication) -> None:
    ids = with_tree(app)
    files = [AttachmentUpload(f"{n}.pdf", f"%PDF {n}".encode()) for n in range(MAX_ATTACHMENTS + 1)]
    with pytest.raises(InvalidInputError) as refusal:
        draft(app, ids, *files)
    assert str(MAX_ATTACHMENTS) in refusal.value.message_vi


def test_signed_attachments_are_recorded_with_the_seal(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = draft(app, ids, AttachmentUpload("a.pdf", b"%PDF a"))
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF signed", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    app.take_number(document_id)
    with pytest.raises(ConflictError):  # an attachment left unsigned: nothing is recorded
        app.record_seal(document_id, b"%PDF issued")
    assert app.document(document_id).status == "issuing"

    app.record_seal(document_id, b"%PDF issued", [b"%PDF a signed"])

    document = app.document(document_id)
    assert document.status == "issued"
    assert document.attachments[0].signed_sha256 == sha256_hex(b"%PDF a signed")
    recipient = actor(app, "upper-a1.clerk")
    attachment = app.attachment(recipient, document_id, 1)
    assert app.blobs.get(attachment.current_sha256) == b"%PDF a signed"
    with pytest.raises(NotFoundError):
        app.attachment(recipient, document_id, 2)
    with pytest.raises(ForbiddenError):  # a unit the document is not addressed to
        app.attachment(actor(app, "prov-b.clerk"), document_id, 1)
