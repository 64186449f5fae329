"""Saved searches: each person saves, lists and deletes their own; bad input stores nothing."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

import pytest

from documents.errors import ConflictError, InvalidInputError, NotFoundError
from tests.documents.builders import actor, office, with_tree


def test_save_list_reopen_and_delete(tmp_path: Path) -> None:
    app = office(tmp_path)
    with_tree(app)
    clerk = actor(app, "prov-a.clerk")
    filters = {"type": ["ke_hoach"], "from": ["2025-01-01"]}
    first = app.save_search(clerk, "  Kế hoạch   năm 2025 ", "chuyển đổi số", filters)
    second = app.save_search(clerk, "Công văn", "", {})
    assert [s["name"] for s in app.saved_searches(clerk)] == ["Kế hoạch năm 2025", "Công văn"]
    assert app.saved_search(clerk, first)["filters"] == filters

    reopened = office(tmp_path)  # from the event store alone
    saved = reopened.saved_search(clerk, first)
    assert (saved["query"], saved["filters"]) == ("chuyển đổi số", filters)

    reopened.delete_saved_search(clerk, first)
    assert [UUID(s["id"]) for s in reopened.saved_searches(clerk)] == [second]
    with pytest.raises(NotFoundError):
        reopened.delete_saved_search(clerk, first)


def test_nobody_sees_or_deletes_another_persons_searches(tmp_path: Path) -> None:
    app = office(tmp_path)
    with_tree(app)
    mine = app.save_search(actor(app, "prov-a.clerk"), "Của tôi", "x", {})
    other = actor(app, "prov-a.leader")
    assert app.saved_searches(other) == []
    with pytest.raises(NotFoundError):
        app.saved_search(other, mine)
    with pytest.raises(NotFoundError):
        app.delete_saved_search(other, mine)
    with pytest.raises(NotFoundError):
        app.delete_saved_search(actor(app, "prov-a.clerk"), uuid4())


@pytest.mark.parametrize(
    ("name", "query", "filters"),
    [
        ("", "x", {}),
        ("   ", "x", {}),
        ("a" * 201, "x", {}),
        ("Tên", "x" * 501, {}),
        ("Tên", "x", {"type": ["x"] * 51}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    tmp_path: Path, name: str, query: str, filters: dict[str, list[str]]
) -> None:
    app = office(tmp_path)
    with_tree(app)
    clerk = actor(app, "prov-a.clerk")
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInputError) as refused:
        app.save_search(clerk, name, query, filters)
    assert refused.value.message_vi and refused.value.message_en
    assert app.recorder.max_notification_id() == before


def test_a_name_is_used_once(tmp_path: Path) -> None:
    app = office(tmp_path)
    with_tree(app)
    clerk = actor(app, "prov-a.clerk")
    app.save_search(clerk, "Tên", "a", {})
    with pytest.raises(ConflictError):
        app.save_search(clerk, "Tên", "b", {})
