"""Response deadline, acknowledgement, progress, forwarding and recall over HTTP with the real
processes (web app, worker, Temporal dev server)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx

from documents.clock import now_vietnam
from tests.e2e.flow import draft_plan, issued_plan, receipt_id, wait_for_status
from tests.stack import Stack


def wait_for(condition, seconds: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)
    return value


def test_a_bad_or_past_deadline_is_refused_in_both_languages(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    for bad, words in (("31/12/2030", "không hợp lệ"), ("2020-01-01", "đã qua")):
        response = draft_plan(drafter, response_deadline=bad)
        assert response.status_code == 422, response.text
        body = response.json()
        assert words in body["message"] and body["message_en"]


def test_deadline_acknowledge_progress_forward_and_recall(stack: Stack) -> None:
    deadline = (now_vietnam() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    document_id = issued_plan(stack, response_deadline=deadline)
    sender = stack.client("bentre.vanthu")
    document = sender.get(f"/api/v1/documents/{document_id}").json()
    assert document["response_deadline"].startswith(deadline)
    progress = sender.get(f"/api/v1/documents/{document_id}/progress").json()
    assert (progress["total"], progress["delivered"], progress["acknowledged"]) == (3, 3, 0)
    assert progress["finished"] and not progress["running"]
    city = stack.client("bentre-tp.vanthu")
    receipt = receipt_id(city, document_id)
    assert city.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    assert city.post(f"/api/v1/receipts/{receipt}/acknowledge").status_code == 200
    progress = sender.get(f"/api/v1/documents/{document_id}/progress").json()
    assert progress["acknowledged"] == 1
    # forwarding: only below the unit, then down the city's subtree through a workflow
    outside = city.post(f"/api/v1/receipts/{receipt}/forward", json={"units": ["bentre-kcn"]})
    assert outside.status_code == 422 and "cấp dưới" in outside.json()["message"]
    forwarded = city.post(
        f"/api/v1/receipts/{receipt}/forward", json={"units": ["subtree:bentre-tp"]}
    )
    assert forwarded.status_code == 202, forwarded.text
    count = forwarded.json()["units"]
    assert count >= 1 and forwarded.json()["workflow_id"].startswith("forward-")
    # may-viettien, under the city, had it from the issuer already: not delivered twice
    assert count == 2
    travelled = wait_for(
        lambda: (
            (p := sender.get(f"/api/v1/documents/{document_id}/progress").json())["forwarded"] and p
        )
    )
    time.sleep(2)  # a second delivery, were there one, would show by now
    travelled = sender.get(f"/api/v1/documents/{document_id}/progress").json()
    assert (travelled["delivered"], travelled["forwarded"]) == (3, 1)
    assert [(f["unit_id"], f["units"]) for f in travelled["forwarders"]] == [
        (city.get("/api/v1/me").json()["unit"]["id"], 1)
    ]
    assert {row["level"]: row["forwarded"] for row in travelled["travel"]}["grassroots"] == 1
    assert (
        stack.client("bentre-kcn.vanthu")
        .get(f"/api/v1/documents/{document_id}/progress")
        .status_code
        == 403
    )
    # recall: every copy frozen, forwarded ones too; the waiting workflow ends
    recalled = sender.post(f"/api/v1/documents/{document_id}/recall", json={"reason": "Sai sót"})
    assert recalled.status_code == 200, recalled.text
    rows = city.get("/api/v1/inbox").json()
    assert next(r for r in rows if r["document_id"] == document_id)["status"] == "recalled"
    progress = wait_for(
        lambda: (
            (p := sender.get(f"/api/v1/documents/{document_id}/dispatch").json())["phase"]
            == "recalled"
            and p
        )
    )
    assert (progress["reminded"], progress["overdue"]) == (0, 0)


def test_the_progress_page_polls_the_endpoint(stack: Stack) -> None:
    document_id = issued_plan(stack)
    page = stack.client("bentre.vanthu").get(f"/documents/{document_id}")
    assert page.status_code == 200
    assert 'id="dispatch-progress"' in page.text and "/static/progress.js" in page.text
    script = stack.client("bentre.vanthu").get("/static/progress.js")
    assert script.status_code == 200 and "/progress" in script.text
    wait_for_status(stack.client("bentre.vanthu"), document_id, "dispatched")


def test_concurrent_acknowledgements_of_one_receipt_one_wins_the_rest_get_409(
    stack: Stack,
) -> None:
    """The same clerk presses "Xác nhận" in several tabs at once: the requests share a group
    save, collide on the receipt's version, and every one but the first is told, in Vietnamese
    and English, that the document is acknowledged already; it is counted once."""
    document_id = issued_plan(stack)
    clerk = stack.client("bentre-kcn.vanthu")
    receipt = receipt_id(clerk, document_id)
    assert clerk.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    tabs = [
        httpx.Client(base_url=stack.api_url, timeout=60, headers=clerk.headers) for _ in range(6)
    ]
    start = threading.Barrier(len(tabs))

    def press(tab: httpx.Client) -> httpx.Response:
        start.wait()
        return tab.post(f"/api/v1/receipts/{receipt}/acknowledge")

    with ThreadPoolExecutor(len(tabs)) as pool:
        responses = list(pool.map(press, tabs))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5, [
        r.text for r in responses
    ]
    for refused in (r for r in responses if r.status_code == 409):
        body = refused.json()
        assert body["error"] == "conflict"
        assert body["message"] == "Văn bản này đã được xác nhận rồi."
        assert body["message_en"] == "This document is acknowledged already."
    progress = stack.client("bentre.vanthu").get(f"/api/v1/documents/{document_id}/progress")
    assert progress.json()["acknowledged"] == 1
