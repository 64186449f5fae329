"""Every view and download is recorded; auditors read the access history."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.access import AccessKind
from documents.errors import ForbiddenError
from tests.documents.builders import actor, office, with_tree


def test_views_and_downloads_are_recorded_and_auditors_read_them(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    document_id = app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"]],
        body_pdf=b"%PDF-1.7 x",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    app.record_access(actor(app, "prov-a.leader"), document_id, AccessKind.VIEW)
    app.record_access(actor(app, "prov-a.clerk"), document_id, AccessKind.DOWNLOAD)
    before = app.recorder.max_notification_id()
    with pytest.raises(ForbiddenError):  # an unrelated unit may not even look
        app.record_access(actor(app, "prov-b.clerk"), document_id, AccessKind.VIEW)
    assert app.recorder.max_notification_id() == before

    log = app.access_log(actor(app, "root.auditor"), document_id)
    assert [(row["username"], row["kind"], row["unit_name"]) for row in log] == [
        ("prov-a.leader", "view", "Đơn vị prov-a"),
        ("prov-a.clerk", "download", "Đơn vị prov-a"),
    ]
    with pytest.raises(ForbiddenError, match="kiểm tra"):
        app.access_log(actor(app, "prov-a.leader"), document_id)
    with pytest.raises(ForbiddenError):  # an auditor outside the subtree
        app.access_log(actor(app, "prov-b.auditor"), document_id)
