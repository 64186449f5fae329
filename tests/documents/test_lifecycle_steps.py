"""Return and revise, recall, replacement, file folders, and handling incoming documents."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.clock import now_vietnam
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    return with_tree(app)


def drafted(app: OfficeApplication, ids: dict[str, UUID]) -> UUID:
    return app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"], ids["upper-a2"]],
        body_pdf=b"%PDF-1.7 v1",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )


def issued(app: OfficeApplication, ids: dict[str, UUID]) -> UUID:
    document_id = drafted(app, ids)
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF s", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: f"%PDF {s}".encode())
    app.deliver(document_id, [ids["upper-a1"], ids["upper-a2"]])
    return document_id


def history(app: OfficeApplication, document_id: UUID) -> list[str]:
    return [entry.event.split(".")[1] for entry in app.views.history(document_id)]


def test_a_returned_draft_is_revised_and_resubmitted(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = drafted(app, ids)
    drafter, leader = actor(app, "prov-a.drafter"), actor(app, "prov-a.leader")
    app.submit(drafter, document_id)
    with pytest.raises(InvalidInputError, match="ý kiến"):
        app.return_for_revision(leader, document_id, " ")
    with pytest.raises(ForbiddenError):
        app.return_for_revision(drafter, document_id, "Sửa lại mục II")
    app.return_for_revision(leader, document_id, "Sửa lại mục II")
    assert app.views.document(document_id)["status"] == "returned"
    app.revise_document(drafter, document_id, b"%PDF-1.7 v2", "")
    document = app.document(document_id)
    assert len(document.versions) == 2 and document.versions[0] != document.versions[1]
    assert all(app.blobs.exists(sha) for sha in document.versions)
    app.submit(drafter, document_id)
    assert history(app, document_id) == [
        "Drafted",
        "Submitted",
        "ReturnedForRevision",
        "Revised",
        "Submitted",
    ]
    with pytest.raises(ConflictError):
        app.revise_document(drafter, document_id, b"%PDF-1.7 v3", "")


def test_a_recalled_document_is_frozen_until_its_destruction_is_confirmed(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receiver = actor(app, "upper-a1.clerk")
    receipt = app.receipt_for(document_id, ids["upper-a1"])
    with pytest.raises(ForbiddenError):
        app.recall(actor(app, "prov-a.drafter"), document_id, "Sai sót")
    app.recall(actor(app, "prov-a.leader"), document_id, "Sai sót số liệu")
    assert app.notice_recall(document_id, [ids["upper-a1"], ids["upper-a2"]]) == 2
    assert app.notice_recall(document_id, [ids["upper-a1"], ids["upper-a2"]]) == 0
    with pytest.raises(ConflictError, match="thu hồi"):
        app.register_receipt(receiver, receipt.id, True, "")
    with pytest.raises(ConflictError, match="thu hồi"):
        app.acknowledge(receiver, receipt.id)
    app.confirm_destruction(receiver, receipt.id)
    statuses = {r["unit_id"]: r["status"] for r in app.views.receipts_of(document_id)}
    assert statuses == {str(ids["upper-a1"]): "destroyed", str(ids["upper-a2"]): "recalled"}
    with pytest.raises(ConflictError):
        app.recall(actor(app, "prov-a.leader"), document_id, "lần nữa")


def test_a_newer_document_replaces_an_older_one(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    old, new = issued(app, ids), issued(app, ids)
    clerk = actor(app, "prov-a.clerk")
    with pytest.raises(InvalidInputError):
        app.replace_document(clerk, old, old)
    app.replace_document(clerk, old, new)
    assert app.document(old).replaced_by == new and app.document(new).replaces == old
    assert app.views.document(old)["status"] == "replaced"
    with pytest.raises(ConflictError):
        app.replace_document(clerk, old, new)


def test_documents_are_filed_into_open_folders_of_their_issuer(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    clerk = actor(app, "prov-a.clerk")
    folder = app.open_folder(clerk, 2026, "01.KH", "Kế hoạch công tác năm 2026", 10)
    with pytest.raises(ConflictError):
        app.open_folder(clerk, 2026, "01.KH", "Trùng", 10)
    with pytest.raises(InvalidInputError, match="Thời hạn bảo quản"):
        app.open_folder(clerk, 2026, "02.KH", "Sai thời hạn", 0)
    with pytest.raises(ConflictError, match="đã ban hành"):
        app.file_document(clerk, drafted(app, ids), folder)
    document_id = issued(app, ids)
    app.file_document(clerk, document_id, folder)
    other = app.open_folder(actor(app, "prov-b.clerk"), 2026, "01.KH", "Của đơn vị khác", None)
    with pytest.raises(ForbiddenError):
        app.file_document(actor(app, "prov-b.clerk"), document_id, other)
    app.close_folder(clerk, folder)
    with pytest.raises(ConflictError, match="đã đóng"):
        app.file_document(clerk, issued(app, ids), folder)
    [row] = app.views.folders(ids["prov-a"])
    assert (row["code"], row["retention_years"], row["closed"], row["documents"]) == (
        "01.KH",
        10,
        1,
        1,
    )


def test_an_incoming_document_is_directed_assigned_handled_and_done(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt = app.receipt_for(document_id, ids["upper-a1"]).id
    clerk, leader = actor(app, "upper-a1.clerk"), actor(app, "upper-a1.leader")
    handler = actor(app, "upper-a1.drafter")
    app.register_receipt(clerk, receipt, True, "hợp lệ")
    app.direct(leader, receipt, "Giao chuyên viên tham mưu triển khai")
    deadline = now_vietnam().date() + timedelta(days=5)
    with pytest.raises(InvalidInputError, match="đơn vị nhận"):
        app.assign(leader, receipt, "upper-a2.drafter", deadline)
    with pytest.raises(InvalidInputError, match="đã qua"):
        app.assign(leader, receipt, "upper-a1.drafter", date(2020, 1, 1))
    with pytest.raises(ForbiddenError):
        app.assign(clerk, receipt, "upper-a1.drafter", deadline)
    app.assign(leader, receipt, "upper-a1.drafter", deadline)
    with pytest.raises(ForbiddenError, match="người khác"):
        app.report_progress(clerk, receipt, "Đang làm")
    app.report_progress(handler, receipt, "Đã xây dựng dự thảo kế hoạch")
    later = (deadline + timedelta(days=1)).isoformat()
    assert [r["id"] for r in app.views.overdue(ids["upper-a1"], later)] == [str(receipt)]
    app.complete(handler, receipt, "Đã triển khai")
    assert app.views.overdue(ids["upper-a1"], later) == []
    steps = history(app, document_id)
    assert steps[-4:] == ["Directed", "Assigned", "ProgressReported", "Completed"]


def test_a_misaddressed_document_is_returned_to_its_sender(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt = app.receipt_for(document_id, ids["upper-a2"]).id
    clerk = actor(app, "upper-a2.clerk")
    app.return_to_sender(clerk, receipt, "Gửi nhầm đơn vị")
    statuses = {r["unit_id"]: r["status"] for r in app.views.receipts_of(document_id)}
    assert statuses[str(ids["upper-a2"])] == "returned"
    with pytest.raises(ConflictError):
        app.register_receipt(clerk, receipt, True, "")
