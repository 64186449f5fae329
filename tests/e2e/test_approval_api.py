"""The approval chain over HTTP on the real processes: a plan submitted to two reviewers, each
approves in turn (a reviewer out of turn is refused and nothing changes), the leader signs, the
clerk issues; the reviewer's to-do and the document page show the chain."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.e2e.flow import PLAN_SUBJECT, draft_plan, wait_for_status
from tests.stack import Stack

PASSWORD = "duyet-van-ban-2026"
REVIEWERS = {"bentre.truongphong": "drafter", "bentre.phochutich": "leader"}


def open_reviewers(stack: Stack) -> dict[str, httpx.Client]:
    admin = stack.client("quantri")
    for username, role in REVIEWERS.items():
        opened = admin.post(
            "/api/v1/accounts",
            json={
                "username": username,
                "full_name": f"Người duyệt {username}",
                "unit": "bentre",
                "roles": [role],
                "password": PASSWORD,
            },
        )
        assert opened.status_code == 201, opened.text
    return {username: stack.client(username, PASSWORD) for username in REVIEWERS}


def approval(client: httpx.Client, document_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/documents/{document_id}/approval")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_for_step(client: httpx.Client, document_id: str, step: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (state := approval(client, document_id)).get("step") != step:
        assert time.monotonic() < deadline, state
        time.sleep(0.3)
    return state


def test_two_reviewers_approve_then_the_leader_signs_and_the_clerk_issues(stack: Stack) -> None:
    reviewers = open_reviewers(stack)
    first, second = (reviewers[name] for name in REVIEWERS)
    drafter, leader = stack.client("bentre.chuyenvien"), stack.client("bentre.lanhdao")
    document_id = draft_plan(drafter).json()["id"]
    unknown = drafter.post(
        f"/api/v1/documents/{document_id}/submit", json={"reviewers": ["khong-co-ai"]}
    )
    assert unknown.status_code == 422 and "người duyệt" in unknown.json()["message"]
    submitted = drafter.post(
        f"/api/v1/documents/{document_id}/submit", json={"reviewers": list(REVIEWERS)}
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["workflow_id"] == f"approval-{document_id}"
    state = wait_for_step(drafter, document_id, "review")
    assert state["holder"]["username"] == "bentre.truongphong"
    assert [person["username"] for person in state["chain"]] == list(REVIEWERS)
    assert PLAN_SUBJECT in first.get("/").text  # in the reviewer's to-do

    out_of_turn = second.post(f"/api/v1/documents/{document_id}/approve")
    assert out_of_turn.status_code == 403, out_of_turn.text
    assert out_of_turn.json()["message_en"].startswith("The document is waiting for someone")
    early = leader.post(f"/api/v1/documents/{document_id}/sign")
    assert early.status_code == 409 and "chờ" in early.json()["message"]
    assert approval(drafter, document_id)["holder"]["username"] == "bentre.truongphong"

    approved = first.post(f"/api/v1/documents/{document_id}/approve", json={"comment": "Ổn"})
    assert approved.status_code == 200, approved.text
    assert approval(drafter, document_id)["holder"]["username"] == "bentre.phochutich"
    assert second.post(f"/api/v1/documents/{document_id}/approve").status_code == 200
    state = approval(drafter, document_id)
    assert (state["step"], state["holder"]["username"]) == ("sign", "bentre.lanhdao")
    assert [person["done"] for person in state["chain"]] == [True, True]
    page = leader.get(f"/documents/{document_id}").text
    assert 'id="review-chain"' in page and 'id="action-sign"' in page

    signed = leader.post(f"/api/v1/documents/{document_id}/sign")
    assert signed.status_code == 200, signed.text
    assert wait_for_step(drafter, document_id, "signed")["finished"] is True
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    document = wait_for_status(clerk, document_id, "dispatched")
    assert [h["event"].split(".")[1] for h in document["history"]][:5] == [
        "Drafted",
        "Submitted",
        "ReviewApproved",
        "ReviewApproved",
        "ApprovedAndSigned",
    ]


def test_the_drafter_withdraws_and_a_return_needs_a_comment(stack: Stack) -> None:
    drafter, leader = stack.client("bentre.chuyenvien"), stack.client("bentre.lanhdao")
    document_id = draft_plan(drafter).json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert wait_for_step(drafter, document_id, "sign")["holder"]["username"] == "bentre.lanhdao"
    refused = leader.post(f"/api/v1/documents/{document_id}/withdraw", json={"reason": "Thôi"})
    assert refused.status_code == 403 and "người soạn" in refused.json()["message"]
    blank = drafter.post(f"/api/v1/documents/{document_id}/withdraw", json={"reason": " "})
    assert blank.status_code == 422
    withdrawn = drafter.post(
        f"/api/v1/documents/{document_id}/withdraw", json={"reason": "Đổi nơi nhận"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert drafter.get(f"/api/v1/documents/{document_id}").json()["status"] == "draft"
    assert approval(drafter, document_id)["step"] == "withdrawn"
    again = drafter.post(f"/api/v1/documents/{document_id}/withdraw", json={"reason": "Lần nữa"})
    assert again.status_code == 409
