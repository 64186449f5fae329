"""Reorganisation as events: rename, move, merge, dissolve — and history survives."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.policy import Action
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    return with_tree(app)


def issue_plan(app: OfficeApplication, ids: dict[str, UUID], issuer: str, to: list[str]) -> UUID:
    document_id = app.draft_document(
        actor(app, f"{issuer}.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids[u] for u in to],
        body_pdf=b"%PDF-1.7 x",
        body_source="upload",
        body_text="",
        signer_id=actor(app, f"{issuer}.leader").account_id,
    )
    app.submit(actor(app, f"{issuer}.drafter"), document_id)
    app.record_signature(actor(app, f"{issuer}.leader"), document_id, b"%PDF s", "ab", "B-B")
    app.request_issue(actor(app, f"{issuer}.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: f"%PDF {s}".encode())
    app.deliver(document_id, [ids[u] for u in to])
    return document_id


def test_a_document_keeps_the_issuer_name_it_was_issued_under(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    before = issue_plan(app, ids, "prov-a", ["upper-a1"])
    admin = actor(app, "root.admin")
    app.rename_unit(admin, ids["prov-a"], "Liên đoàn Lao động tỉnh Mới", "LĐLĐ tỉnh Mới", "LĐLĐM")
    after = issue_plan(app, ids, "prov-a", ["upper-a1"])
    assert app.document(before).issuer_name == "Đơn vị prov-a"
    assert app.document(after).issuer_name == "Liên đoàn Lao động tỉnh Mới"
    assert app.document(after).number_symbol == "02/KH-LĐLĐM"
    names = {row["document_id"]: row["issuer_name"] for row in app.views.inbox(ids["upper-a1"])}
    assert names == {str(before): "Đơn vị prov-a", str(after): "Liên đoàn Lao động tỉnh Mới"}


def test_a_merged_units_inbox_and_outbox_are_reachable_from_the_unit_it_merged_into(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    received = issue_plan(app, ids, "prov-a", ["upper-a1"])
    sent = issue_plan(app, ids, "upper-a1", ["base-a1"])
    app.merge_units(actor(app, "prov-a.admin"), ids["upper-a1"], ids["upper-a2"])
    tree = app.tree()
    assert [row["document_id"] for row in app.views.inbox(ids["upper-a2"])] == [str(received)]
    assert [row["id"] for row in app.views.outbox(ids["upper-a2"])] == [str(sent)]
    assert tree.get(ids["base-a1"]).parent_id == ids["upper-a2"]  # children moved along
    assert not tree.get(ids["upper-a1"]).is_active
    with pytest.raises(ConflictError, match="hợp nhất hoặc giải thể"):
        issue_plan(app, ids, "upper-a1", ["base-a1"])
    with pytest.raises(InvalidInputError, match="Nơi nhận đã hợp nhất"):
        issue_plan(app, ids, "prov-a", ["upper-a1"])


def fake_copy(source: bytes, symbol: str, at: object) -> tuple[bytes, str]:
    return b"%PDF copy " + symbol.encode(), "B-B"


def test_the_unit_merged_into_receives_handles_copies_and_files_the_merged_units_documents(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    """Given a document delivered to upper-a1 and one it issued and filed, when upper-a1
    merges into upper-a2, then upper-a2's people take both over: its clerk registers the
    delivery in upper-a2's own incoming register, its leader directs, its clerk copies, recalls
    and keeps the merged unit's folder; upper-a1's drafts stay upper-a1's."""
    clerk, leader = actor(app, "upper-a2.clerk"), actor(app, "upper-a2.leader")
    received = issue_plan(app, ids, "prov-a", ["upper-a1"])
    own = issue_plan(app, ids, "prov-a", ["upper-a2"])
    assert app.register_receipt(clerk, app.held_receipt(own, ids["upper-a2"]).id, True, "") == 1
    sent = issue_plan(app, ids, "upper-a1", ["base-a1"])
    old_clerk = actor(app, "upper-a1.clerk")
    folder = app.open_folder(old_clerk, 2026, "01.KH", "Kế hoạch năm 2026", 10)
    app.file_document(old_clerk, sent, folder)
    with pytest.raises(NotFoundError):
        app.held_receipt(received, ids["upper-a2"])
    app.merge_units(actor(app, "prov-a.admin"), ids["upper-a1"], ids["upper-a2"])

    receipt = app.held_receipt(received, ids["upper-a2"])
    assert receipt.recipient_unit_id == ids["upper-a1"]
    assert app.tree().successor(ids["upper-a1"]) == ids["upper-a2"]
    with pytest.raises(ForbiddenError):
        app.register_receipt(actor(app, "prov-b.clerk"), receipt.id, True, "")
    assert app.register_receipt(clerk, receipt.id, True, "") == 2  # upper-a2's register goes on
    numbers = {r["document_id"]: r["arrival_number"] for r in app.views.inbox(ids["upper-a2"])}
    assert numbers == {str(own): 1, str(received): 2}
    app.direct(leader, receipt.id, "Giao văn phòng tham mưu.")
    copy = app.make_copy(clerk, received, "sao_y", None, fake_copy)
    assert copy.number_symbol == "01/SY-UPPER-A2"
    assert app.copies_of(clerk, received)[0]["id"] == str(copy.id)
    assert app.copy_source(clerk, sent) == app.document(sent).issued_sha256

    assert [f["id"] for f in app.views.folders(ids["upper-a2"])] == [str(folder)]
    assert [f["id"] for f in app.archive_folders(leader)] == [str(folder)]
    app.close_folder(clerk, folder)
    app.transfer_folder(clerk, folder)
    app.recall(leader, sent, "Thay thế bằng văn bản khác.")
    assert app.document(sent).status == "recalled"


def test_moves_keep_the_tree_a_tree(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    admin = actor(app, "root.admin")
    app.move_unit(admin, ids["upper-a1"], ids["prov-b"])
    assert app.tree().ancestors(ids["base-a1"]) == [ids["upper-a1"], ids["prov-b"], ids["root"]]
    with pytest.raises(InvalidInputError, match="chính nó"):
        app.move_unit(admin, ids["prov-b"], ids["upper-a1"])
    with pytest.raises(InvalidInputError, match="cấp cao hơn"):
        app.move_unit(admin, ids["upper-a2"], ids["upper-a1"])


def test_dissolving_needs_an_empty_unit_and_a_reason(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    admin = actor(app, "root.admin")
    with pytest.raises(ConflictError, match="còn đơn vị cấp dưới"):
        app.dissolve_unit(admin, ids["upper-a1"], "Sáp nhập địa giới")
    with pytest.raises(InvalidInputError):
        app.dissolve_unit(admin, ids["base-a1"], " ")
    app.dissolve_unit(admin, ids["base-a1"], "Doanh nghiệp giải thể")
    assert app.tree().children(ids["upper-a1"]) == []
    with pytest.raises(ConflictError):
        app.rename_unit(admin, ids["base-a1"], "Tên", "Tên", "T")


@pytest.mark.parametrize("username", ["prov-a.leader", "prov-b.admin", "upper-a1.admin"])
def test_only_an_admin_of_the_unit_or_above_reorganises(
    app: OfficeApplication, ids: dict[str, UUID], username: str
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(ForbiddenError):
        app.rename_unit(actor(app, username), ids["prov-a"], "Tên", "Tên", "T")
    assert app.recorder.max_notification_id() == before


def test_an_unknown_unit_is_not_found(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    from uuid import uuid4

    from documents.errors import NotFoundError

    admin = actor(app, "root.admin")
    with pytest.raises(NotFoundError):
        app.rename_unit(admin, uuid4(), "Tên", "Tên", "T")
    with pytest.raises(NotFoundError):
        app.move_unit(admin, ids["base-a1"], uuid4())
    with pytest.raises(NotFoundError):
        app.merge_units(admin, ids["upper-a1"], uuid4())


def test_the_same_document_arriving_for_both_merged_units_is_a_duplicate_in_the_heirs_register(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    """Nghị định 30, Phụ lục VI: a plan sent to upper-a1 and upper-a2, which then merge, arrives
    twice in upper-a2's incoming register — the second registration warns, refusing nothing."""
    plan = issue_plan(app, ids, "prov-a", ["upper-a1", "upper-a2"])
    clerk = actor(app, "upper-a2.clerk")
    first = app.held_receipt(plan, ids["upper-a2"]).id
    assert app.register_receipt(clerk, first, True, "") == 1
    app.merge_units(actor(app, "prov-a.admin"), ids["upper-a1"], ids["upper-a2"])
    second = app.receipt_for(plan, ids["upper-a1"]).id
    assert app.register_receipt(clerk, second, True, "") == 2
    assert app.duplicate_warning(first) is None
    warning = app.duplicate_warning(second)
    assert warning is not None and "(số đến 1)" in warning[0]
    app.views.reset()  # rebuilt from the events, the warning stays
    app.refresh_views()
    assert app.views.duplicate_of(second) == [1]
    assert app.views.duplicate_of(first) == []


def test_a_command_on_the_copy_a_unit_holds_is_refused_by_the_policy_when_it_holds_none(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    """The document page names the document, not the receipt (``held_receipt_for``): a unit
    that holds no copy gets the policy's refusal (403, as the receipt's own API answers), the
    unit a recipient merged into gets the merged unit's copy, and a recipient whose copy has
    not arrived yet (not delivered) gets not found."""
    received = issue_plan(app, ids, "prov-a", ["upper-a1"])
    with pytest.raises(ForbiddenError, match="tiếp nhận văn bản đến"):
        app.held_receipt_for(actor(app, "prov-b.clerk"), received, Action.RECEIVE)
    with pytest.raises(ForbiddenError, match="chỉ đạo"):
        app.held_receipt_for(actor(app, "upper-a2.leader"), received, Action.DIRECT)
    mine = app.held_receipt_for(actor(app, "upper-a1.clerk"), received, Action.RECEIVE)
    assert mine.recipient_unit_id == ids["upper-a1"]
    app.merge_units(actor(app, "prov-a.admin"), ids["upper-a1"], ids["upper-a2"])
    taken_over = app.held_receipt_for(actor(app, "upper-a2.clerk"), received, Action.RECEIVE)
    assert taken_over.id == mine.id
    not_sent = app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch chưa gửi",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a2"]],
        body_pdf=b"%PDF-1.7 x",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    with pytest.raises(NotFoundError):
        app.held_receipt_for(actor(app, "upper-a2.clerk"), not_sent, Action.RECEIVE)
