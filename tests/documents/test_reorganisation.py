"""Reorganisation as events: rename, move, merge, dissolve — and history survives."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
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
