"""A document taken through drafting, submission, signature and the issue request, on any store."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from documents.application import OfficeApplication
from tests.documents.builders import actor


def signed_document(
    app: OfficeApplication, ids: dict[str, UUID], subject: str = "Kế hoạch"
) -> UUID:
    """Drafted by prov-a's drafter for upper-a1 and upper-a2, signed by its leader, waiting for
    the clerk's number (``IssueRequested``)."""
    document_id = app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject=subject,
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"], ids["upper-a2"]],
        body_pdf=f"%PDF-1.7 {subject}".encode(),
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF signed", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    return document_id


def issued_pdf(number: int, symbol: str, issued_at: datetime) -> bytes:
    return f"%PDF issued {symbol}".encode()
