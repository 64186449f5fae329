"""The sender's side at scale: the recipient list kept by reference, the per-recipient status
paged and filtered, the reminder lead time, report schedules, and the API's 405s."""

from __future__ import annotations

import time
from datetime import date, timedelta
from uuid import uuid4

import httpx
import pytest

from tests.e2e.flow import draft_plan, issued_plan, receipt_id, signed_plan, wait_for_status
from tests.e2e.test_bad_input import assert_refused, nothing_changes
from tests.stack import Stack, sign_in_page


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/saved-searches", {"GET", "HEAD", "POST"}),
        ("DELETE", "/api/v1/folders", {"GET", "HEAD", "POST"}),
        ("PATCH", "/api/v1/report-rounds", {"GET", "HEAD", "POST"}),
    ],
)
def test_a_wrong_method_is_told_every_allowed_one(
    stack: Stack, method: str, path: str, allowed: set[str]
) -> None:
    response = stack.client("bentre.chuyenvien").request(method, path)
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    body = response.json()
    assert body["error"] == "method_not_allowed"
    assert body["message"] != body["message_en"]


@pytest.fixture(scope="module")
def dispatched(stack: Stack) -> str:
    """The plan issued to bentre-tp, bentre-kcn and may-viettien; bentre-tp registered it."""
    document_id = issued_plan(stack)
    tp = stack.client("bentre-tp.vanthu")
    registered = tp.post(f"/api/v1/receipts/{receipt_id(tp, document_id)}/register")
    assert registered.status_code == 200, registered.text
    return document_id


def test_the_recipient_status_comes_a_page_at_a_time(stack: Stack, dispatched: str) -> None:
    clerk = stack.client("bentre.vanthu")
    url = f"/api/v1/documents/{dispatched}/recipients"
    first = clerk.get(url, params={"per_page": 2}).json()
    assert (first["total"], first["pages"], first["page"], len(first["rows"])) == (3, 2, 1, 2)
    second = clerk.get(url, params={"per_page": 2, "page": 2}).json()
    names = {row["unit_name"] for row in first["rows"] + second["rows"]}
    assert names == {
        "Liên đoàn Lao động thành phố Bến Tre",
        "Công đoàn các Khu công nghiệp tỉnh Bến Tre",
        "Công đoàn cơ sở Công ty TNHH May Việt Tiến Bến Tre",
    }
    assert clerk.get(url, params={"page": 9}).json()["rows"] == []

    registered = clerk.get(url, params={"status": "registered"}).json()
    assert [row["unit_name"] for row in registered["rows"]] == [
        "Liên đoàn Lao động thành phố Bến Tre"
    ]
    assert registered["rows"][0]["status_label"]["vi"] == "Đã vào sổ"
    assert registered["rows"][0]["arrival_number"] == 1
    by_name = clerk.get(url, params={"name": "khu cong nghiep"}).json()  # no diacritics
    assert [row["unit_name"] for row in by_name["rows"]] == [
        "Công đoàn các Khu công nghiệp tỉnh Bến Tre"
    ]
    both = clerk.get(url, params={"name": "Bến Tre", "status": "delivered"}).json()
    assert both["total"] == 2

    outbox = {row["document_id"]: row for row in clerk.get("/api/v1/outbox").json()}
    assert (outbox[dispatched]["delivered"], outbox[dispatched]["recipient_count"]) == (3, 3)


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"page": "0"}, {"page": "two"}, {"per_page": "500"}, {"name": "x" * 201}],
    ids=["status", "page-zero", "page-text", "per-page", "name"],
)
def test_bad_recipient_filters_are_refused(stack: Stack, dispatched: str, params: dict) -> None:
    response = stack.client("bentre.vanthu").get(
        f"/api/v1/documents/{dispatched}/recipients", params=params
    )
    assert_refused(response, 422, "invalid_request")


def test_recipients_do_not_read_each_others_status(stack: Stack, dispatched: str) -> None:
    recipient = stack.client("bentre-tp.vanthu")
    refused = recipient.get(f"/api/v1/documents/{dispatched}/recipients")
    assert_refused(refused, 403)
    missing = stack.client("bentre.vanthu").get(f"/api/v1/documents/{uuid4()}/recipients")
    assert_refused(missing, 404)


def test_the_document_page_pages_and_filters_its_status_table(
    stack: Stack, dispatched: str
) -> None:
    page = stack.client()
    assert sign_in_page(page, "bentre.vanthu").status_code in (200, 303)
    html = page.get(f"/documents/{dispatched}", params={"rname": "viet tien"}).text
    table = html[html.index('id="recipient-status"') :]
    table = table[: table.index("</section>")]
    assert "May Việt Tiến" in table and "Khu công nghiệp" not in table
    refused = page.get(f"/documents/{dispatched}", params={"rstatus": "lost"})
    assert refused.status_code == 422
    assert "Tình trạng nơi nhận không hợp lệ" in refused.text


def next_month() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


def test_the_reminder_lead_time_is_set_when_drafting_and_at_issue(stack: Stack) -> None:
    document_id = signed_plan(stack, response_deadline=next_month(), remind_days_before="5")
    clerk = stack.client("bentre.vanthu")
    assert clerk.get(f"/api/v1/documents/{document_id}").json()["remind_days_before"] == 5
    refused = clerk.post(f"/api/v1/documents/{document_id}/issue", json={"remind_days_before": 31})
    assert_refused(refused, 422, "invalid_request")
    issued = clerk.post(f"/api/v1/documents/{document_id}/issue", json={"remind_days_before": 3})
    assert issued.status_code == 202, issued.text
    assert wait_for_status(clerk, document_id, "dispatched")["remind_days_before"] == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"remind_days_before": "31"}, "Thông tin chưa hợp lệ"),
        ({"remind_days_before": "-1"}, "Thông tin chưa hợp lệ"),
        ({"remind_days_before": "hai"}, "Thông tin chưa hợp lệ"),
        ({"remind_days_before": "2", "response_deadline": ""}, "Cần đặt hạn trả lời"),
    ],
    ids=["too-many", "negative", "not-a-number", "without-deadline"],
)
def test_a_bad_reminder_lead_time_is_refused_when_drafting(
    stack: Stack, fields: dict[str, str], message: str
) -> None:
    drafter = stack.client("bentre.chuyenvien")
    with nothing_changes(stack):
        response = draft_plan(drafter, **{"response_deadline": next_month(), **fields})
    assert_refused(response, 422)
    assert message in response.json()["message"]


def test_a_reminder_lead_time_without_any_deadline_is_refused_at_issue(stack: Stack) -> None:
    document_id = signed_plan(stack)
    clerk = stack.client("bentre.vanthu")
    response = clerk.post(f"/api/v1/documents/{document_id}/issue", json={"remind_days_before": 2})
    assert_refused(response, 422, "invalid_input")
    assert clerk.get(f"/api/v1/documents/{document_id}").json()["status"] == "signed"


def listed_schedules(client: httpx.Client, present: str | None, absent: str | None) -> list[dict]:
    """The unit's report schedules, once Temporal's (eventually consistent) list shows
    ``present`` and no longer shows ``absent``."""
    deadline = time.monotonic() + 30
    while True:
        response = client.get("/api/v1/report-schedules")
        assert response.status_code == 200, response.text
        ids = {row["id"] for row in response.json()}
        if (present is None or present in ids) and (absent is None or absent not in ids):
            return list(response.json())
        assert time.monotonic() < deadline, (present, absent, ids)
        time.sleep(0.5)


def test_report_schedules_are_listed_and_stopped_by_their_unit(stack: Stack) -> None:
    leader = stack.client("bentre.lanhdao")
    created = leader.post(
        "/api/v1/report-schedules",
        json={
            "title": "Báo cáo quý về chuyển đổi số",
            "form": "chuyen-doi-so",
            "frequency": "quarterly",
            "due_day": 25,
            "remind_days_before": 4,
        },
    )
    assert created.status_code == 201, created.text
    schedule_id = created.json()["id"]
    rows = listed_schedules(leader, schedule_id, None)
    row = next(row for row in rows if row["id"] == schedule_id)
    assert (row["title"], row["frequency"], row["due_day"]) == (
        "Báo cáo quý về chuyển đổi số",
        "quarterly",
        25,
    )
    assert row["remind_days_before"] == 4 and row["next_runs"]
    assert row["next_runs"][0][5:10] in ("03-01", "06-01", "09-01", "12-01")

    other_unit = stack.client("bentre-tp.lanhdao")
    assert schedule_id not in {r["id"] for r in listed_schedules(other_unit, None, None)}
    assert_refused(other_unit.delete(f"/api/v1/report-schedules/{schedule_id}"), 403)
    assert_refused(stack.client("bentre.vanthu").get("/api/v1/report-schedules"), 403)
    assert_refused(leader.delete("/api/v1/report-schedules/report-schedule-nothing"), 404)
    assert_refused(leader.delete("/api/v1/report-schedules/something-else"), 404)

    assert leader.delete(f"/api/v1/report-schedules/{schedule_id}").status_code == 204
    listed_schedules(leader, None, schedule_id)
    assert_refused(leader.delete(f"/api/v1/report-schedules/{schedule_id}"), 404)
