"""Report rounds in the domain: forms and their checks, asking units, submit / accept / return /
resubmit, roll-up level by level from accepted reports only, missing units, who may do what."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.clock import now_vietnam
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.report_forms import builtin_forms, form_from_data
from documents.report_rounds import submission_id_for
from tests.documents.builders import actor, office, with_tree

FORM = builtin_forms()["chuyen-doi-so"]


def figures(members: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "members": members,
        "members_in_database": members // 2,
        "officers_with_signature": 2,
        "members_with_signature": members // 4,
        "work_files": 100,
        "online_share": "50",
        "trainings": 1,
        "cashless_guided": 10,
        "has_website": True,
        "difficulties": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    tree = with_tree(app)
    for code, parent in (("base-a2", "upper-a1"), ("base-a3", "upper-a2")):
        tree[code] = app.register_unit(
            code, f"Đơn vị {code}", code, code.upper(), "grassroots", parent, "Hà Nội"
        )
        app.open_account(
            f"{code}.leader", "Lãnh đạo", tree[code], ["leader"], "Chủ tịch", "x", None
        )
    return tree


def open_round(app: OfficeApplication, by: str = "root.leader", **overrides: object) -> UUID:
    today = now_vietnam().date()
    arguments: dict[str, object] = {
        "title": "Báo cáo chuyển đổi số quý IV/2026",
        "form": "chuyen-doi-so",
        "period_label": "Quý IV/2026",
        "period_start": date(2026, 10, 1),
        "period_end": date(2026, 12, 31),
        "due_date": today + timedelta(days=10),
        "target_levels": ["grassroots"],
    }
    arguments.update(overrides)
    round_id = app.open_report_round(actor(app, by), **arguments)  # type: ignore[arg-type]
    app.ask_report_targets(round_id, app.report_targets(round_id))
    return round_id


def submit(app: OfficeApplication, round_id: UUID, unit: str, values: dict[str, object]) -> None:
    app.submit_report(actor(app, f"{unit}.leader"), round_id, values, b"%PDF report", "cafe")


def test_form_checks_every_field_and_reports_all_problems_at_once() -> None:
    with pytest.raises(InvalidInputError) as refusal:
        FORM.clean(figures(100, members_with_signature=150, online_share="120,5", trainings=-1))
    message = refusal.value.message_vi
    assert "không thể lớn hơn «Tổng số đoàn viên» (100)" in message
    assert "không được lớn hơn 100" in message
    assert "không được nhỏ hơn 0" in message
    assert "cannot exceed 'Members' (100)" in refusal.value.message_en
    with pytest.raises(InvalidInputError, match="phải là số nguyên"):
        FORM.clean(figures(100, trainings="1.5"))
    with pytest.raises(InvalidInputError, match="không có trong biểu mẫu"):
        FORM.clean({**figures(100), "bogus": 1})
    with pytest.raises(InvalidInputError, match="cần nhập số liệu"):
        FORM.clean({**figures(100), "members": ""})
    cleaned = FORM.clean(figures(100, online_share="62,5", has_website="có"))
    assert cleaned["online_share"] == 62.5 and cleaned["has_website"] is True
    assert cleaned["members"] == 100 and isinstance(cleaned["members"], int)


def test_form_builder_refuses_bad_definitions() -> None:
    field = {"key": "a", "label": "A", "type": "integer"}
    for bad, message in (
        ({"title": "", "fields": [field]}, "cần có tên"),
        ({"title": "T", "fields": []}, "ít nhất một chỉ tiêu"),
        ({"title": "T", "fields": [field, field]}, "bị trùng"),
        ({"title": "T", "fields": [{**field, "type": "money"}]}, "kiểu phải là"),
        ({"title": "T", "fields": [{**field, "aggregation": "list"}]}, "cách tổng hợp"),
        ({"title": "T", "fields": [{**field, "key": "số"}]}, "mã chỉ tiêu"),
        ({"title": "T", "fields": [{**field, "at_most_field": "zzz"}]}, "tham chiếu"),
        (
            {"title": "T", "fields": [{**field, "aggregation": "weighted_mean"}]},
            "trọng số",
        ),
        ({"title": "T", "fields": [{**field, "minimum": 5, "maximum": 1}]}, "nhỏ nhất"),
    ):
        with pytest.raises(InvalidInputError, match=message):
            form_from_data(bad)


def test_round_asks_the_chosen_levels_of_the_subtree_once(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    round_id = open_round(app)
    targets = app.report_targets(round_id)
    assert {unit for unit, _ in targets} == {ids["base-a1"], ids["base-a2"], ids["base-a3"]}
    chain = dict(targets)[ids["base-a1"]]
    assert chain == [ids["root"], ids["prov-a"], ids["upper-a1"]]
    assert app.ask_report_targets(round_id, targets) == 0  # a retried batch asks nobody twice
    rows = app.views.submissions_under(round_id, ids["root"])
    assert len(rows) == 3 and {row["status"] for row in rows} == {"asked"}
    # a provincial round over two levels asks upper-grassroots and grassroots units
    provincial = open_round(app, "prov-a.leader", target_levels=[])
    assert len(app.report_targets(provincial)) == 5


def test_opening_refuses_bad_rounds_and_stores_nothing(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    today = now_vietnam().date()
    before = app.recorder.max_notification_id()
    for overrides, error, message in (
        ({"due_date": today - timedelta(days=1)}, InvalidInputError, "Hạn nộp"),
        ({"period_end": date(2026, 9, 1)}, InvalidInputError, "kết thúc trước"),
        ({"target_levels": ["national"]}, InvalidInputError, "Cấp đơn vị"),
        ({"form": "khong-co"}, InvalidInputError, "Không có biểu mẫu"),
        ({"title": " "}, InvalidInputError, "Cần nhập"),
        ({"remind_days_before": 90}, InvalidInputError, "nhắc trước hạn"),
    ):
        with pytest.raises(error, match=message):
            app.open_report_round(
                actor(app, "root.leader"),
                **{  # type: ignore[arg-type]
                    "title": "Đợt",
                    "form": "chuyen-doi-so",
                    "period_label": "Q4",
                    "period_start": date(2026, 10, 1),
                    "period_end": date(2026, 12, 31),
                    "due_date": today,
                    "target_levels": ["grassroots"],
                    **overrides,
                },
            )
    with pytest.raises(ForbiddenError):
        open_round(app, "root.clerk")
    with pytest.raises(InvalidInputError, match="Công đoàn cơ sở"):
        open_round(app, "base-a1.leader")
    assert app.recorder.max_notification_id() == before


def test_submit_accept_return_resubmit_and_roll_up_from_accepted_only(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    round_id = open_round(app)
    submit(app, round_id, "base-a1", figures(100, online_share=40, work_files=100))
    submit(
        app, round_id, "base-a2", figures(300, online_share=80, work_files=300, has_website=False)
    )
    submit(app, round_id, "base-a3", figures(50, difficulties="Thiếu máy tính"))
    # nothing accepted yet: no figures, every unit still missing
    rollup = app.report_rollup(actor(app, "root.leader"), round_id)
    assert rollup.reported == 0 and rollup.totals["members"].value is None
    assert rollup.missing == 3
    # the upper-grassroots unit accepts one, returns one with a reason
    app.accept_report(actor(app, "upper-a1.leader"), round_id, ids["base-a1"])
    app.return_report(actor(app, "upper-a1.drafter"), round_id, ids["base-a2"], "Sai số liệu")
    with pytest.raises(ConflictError, match="Bị trả lại"):
        app.accept_report(actor(app, "upper-a1.leader"), round_id, ids["base-a2"])
    # the returned unit resubmits: the new figures replace the old ones
    submit(app, round_id, "base-a2", figures(200, online_share=70, work_files=300, has_website=0))
    assert app.report_submission(round_id, ids["base-a2"]).revision == 2
    app.accept_report(actor(app, "prov-a.leader"), round_id, ids["base-a2"])  # any upper unit
    app.accept_report(actor(app, "upper-a2.leader"), round_id, ids["base-a3"])
    with pytest.raises(ConflictError, match="đã được cấp trên tiếp nhận"):
        submit(app, round_id, "base-a1", figures(1))

    national = app.report_rollup(actor(app, "root.leader"), round_id)
    assert national.reported == 3 and national.missing == 0
    assert national.totals["members"].value == 350
    assert national.totals["has_website"].value == 2
    assert national.totals["has_website"].share == pytest.approx(66.67)
    # weighted by work files: (40×100 + 70×300 + 50×100) / 500
    assert national.totals["online_share"].value == pytest.approx(60.0)
    assert national.totals["difficulties"].texts == [("Đơn vị base-a3", "Thiếu máy tính")]
    assert [line.unit_name for line in national.lines] == ["Đơn vị prov-a"]
    # each level sees its own subtree's totals
    upper = app.report_rollup(actor(app, "upper-a1.leader"), round_id, ids["upper-a1"])
    assert upper.totals["members"].value == 300
    assert {line.unit_name: line.totals["members"].value for line in upper.lines} == {
        "Đơn vị base-a1": 100,
        "Đơn vị base-a2": 200,
    }


def test_missing_units_and_reminders(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    round_id = open_round(app)
    submit(app, round_id, "base-a1", figures(10))
    leader = actor(app, "root.leader")
    missing = app.missing_reports(leader, round_id, ids["root"])
    assert [row["unit_code"] for row in missing] == ["base-a1", "base-a2", "base-a3"]
    assert [row["status"] for row in missing] == ["submitted", "asked", "asked"]
    assert app.record_report_reminders(round_id, overdue=False) == 2
    assert app.views.report_round(round_id)["reminders_sent"] == 2  # type: ignore[index]
    under_a2 = app.missing_reports(actor(app, "upper-a2.leader"), round_id, ids["upper-a2"])
    assert [row["unit_code"] for row in under_a2] == ["base-a3"]


def test_who_may_submit_review_and_read(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    round_id = open_round(app)
    with pytest.raises(ForbiddenError):  # a clerk does not sign the unit's report
        app.submit_report(actor(app, "base-a1.clerk"), round_id, figures(1), b"%PDF", "x")
    with pytest.raises(NotFoundError, match="không được yêu cầu"):  # not a target unit
        submit(app, round_id, "upper-a1", figures(1))
    submit(app, round_id, "base-a1", figures(10))
    for username in ("base-a1.leader", "upper-a2.leader", "prov-b.leader", "upper-a1.clerk"):
        with pytest.raises(ForbiddenError):
            app.accept_report(actor(app, username), round_id, ids["base-a1"])
    for username, root in (("prov-b.leader", "prov-a"), ("upper-a2.auditor", "upper-a1")):
        with pytest.raises(ForbiddenError):
            app.report_rollup(actor(app, username), round_id, ids[root])
    assert app.report_rollup(actor(app, "prov-a.auditor"), round_id, ids["upper-a1"]).asked == 2
    assert app.report_file(actor(app, "upper-a1.clerk"), round_id, ids["base-a1"]) == b"%PDF report"
    with pytest.raises(ForbiddenError):
        app.report_file(actor(app, "base-a2.leader"), round_id, ids["base-a1"])
    with pytest.raises(InvalidInputError, match="không thể lớn hơn"):
        submit(app, round_id, "base-a2", figures(10, members_in_database=11))
    assert app.report_submission(round_id, ids["base-a2"]).status == "asked"


def test_closing_freezes_the_round(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    round_id = open_round(app)
    with pytest.raises(ForbiddenError):
        app.close_report_round(actor(app, "root.drafter"), round_id, b"%PDF", 0, 3)
    app.close_report_round(actor(app, "root.leader"), round_id, b"%PDF summary", 0, 3)
    with pytest.raises(ConflictError, match="đã khóa sổ"):
        submit(app, round_id, "base-a1", figures(10))
    assert app.record_report_reminders(round_id, overdue=True) == 0
    row = app.views.report_round(round_id)
    assert row is not None and row["status"] == "closed" and row["summary_sha256"]
    history = [entry["event"] for entry in app.views.report_history(round_id)]
    assert history == ["ReportRound.Opened", "ReportRound.Closed"]
    assert submission_id_for(round_id, ids["base-a1"]) in app.repository
