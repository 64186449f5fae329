"""Every bad input gets a clear 4xx (Vietnamese message, English available) and changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.e2e.conftest import MAX_UPLOAD_BYTES
from tests.e2e.flow import draft_plan, receipt_id, signed_plan, wait_for_status
from tests.e2e.pdfs import small_pdf
from tests.stack import Stack


def stored_state(stack: Stack) -> tuple[int, int]:
    """How many events and how many files are stored (not counting the sign-in history: the
    tests sign people in as they go)."""
    with sqlite3.connect(stack.data_dir / "events.sqlite") as db:
        events = db.execute(
            "SELECT COUNT(*) FROM stored_events WHERE topic NOT LIKE '%SignInRecord%'"
        ).fetchone()[0]
    files = sum(1 for path in (stack.data_dir / "blobs").rglob("*") if path.is_file())
    return events, files


@contextmanager
def nothing_changes(stack: Stack) -> Iterator[None]:
    before = stored_state(stack)
    yield
    assert stored_state(stack) == before


def assert_refused(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"] and body["message_en"], body
    assert body["message"] != body["message_en"]
    if code:
        assert body["error"] == code, body


def upload(client: httpx.Client, content: bytes, **fields: str) -> httpx.Response:
    data = {"doc_type": "ke_hoach", "subject": "Kế hoạch tải lên", "recipients": ["bentre-tp"]}
    return client.post(
        "/api/v1/documents",
        data={**data, **fields},
        files={"file": ("ke-hoach.pdf", content, "application/pdf")},
    )


@pytest.mark.parametrize(
    "content",
    [b"this is not a PDF", b"%PDF-1.7\n1 0 obj <<>> garbage without end", b""],
    ids=["not-a-pdf", "corrupt-pdf", "empty"],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused(stack: Stack, content: bytes) -> None:
    drafter = stack.client("bentre.chuyenvien")
    with nothing_changes(stack):
        assert_refused(upload(drafter, content), 422)


def test_a_file_over_the_size_limit_is_refused(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    too_big = small_pdf() + b"%" * MAX_UPLOAD_BYTES
    with nothing_changes(stack):
        assert_refused(upload(drafter, too_big), 413, "payload_too_large")


@pytest.mark.parametrize("mark", ["mat", "toi_mat", "tuyet_mat"])
def test_secret_documents_never_enter(stack: Stack, mark: str) -> None:
    drafter = stack.client("bentre.chuyenvien")
    with nothing_changes(stack):
        assert_refused(draft_plan(drafter, secrecy=mark), 422, "secret_document_refused")
        assert_refused(upload(drafter, small_pdf(), secrecy=mark), 422, "secret_document_refused")


def test_a_body_stamped_secret_is_refused(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    with nothing_changes(stack):
        response = draft_plan(drafter, body_text="MẬT\n\nNội dung không được gửi qua mạng.")
        assert_refused(response, 422, "secret_document_refused")
        assert_refused(upload(drafter, small_pdf("TỐI MẬT")), 422, "secret_document_refused")


def test_an_unknown_recipient_is_refused(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    with nothing_changes(stack):
        assert_refused(draft_plan(drafter, recipients=["khong-co-don-vi-nay"]), 422)
        assert_refused(draft_plan(drafter, recipients=["bentre"]), 422)  # itself


def test_people_acting_outside_their_role_or_unit_are_refused(stack: Stack) -> None:
    document_id = signed_plan(stack)
    with nothing_changes(stack):
        # a drafter cannot issue; a clerk of another federation cannot either
        for username in ("bentre.chuyenvien", "thanhhoa.vanthu", "bentre-tp.vanthu"):
            response = stack.client(username).post(f"/api/v1/documents/{document_id}/issue")
            assert_refused(response, 403, "forbidden")
        # only a drafter of one's own unit drafts
        assert_refused(draft_plan(stack.client("bentre.vanthu")), 403, "forbidden")
        # nobody signed in: 401
        anonymous = stack.client().post(f"/api/v1/documents/{document_id}/issue")
        assert_refused(anonymous, 401)
    # a leader of another unit cannot sign, a drafter cannot sign
    drafter = stack.client("bentre.chuyenvien")
    unsigned = draft_plan(drafter).json()["id"]
    drafter.post(f"/api/v1/documents/{unsigned}/submit")
    with nothing_changes(stack):
        for username in ("thanhhoa.lanhdao", "bentre.chuyenvien", "bentre-tp.lanhdao"):
            response = stack.client(username).post(f"/api/v1/documents/{unsigned}/sign")
            assert_refused(response, 403, "forbidden")


def test_a_receipt_is_registered_only_by_its_own_unit(stack: Stack) -> None:
    document_id = signed_plan(stack)
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    wait_for_status(clerk, document_id, "dispatched")
    receipt = receipt_id(stack.client("bentre-tp.vanthu"), document_id)
    with nothing_changes(stack):
        for username in ("bentre-kcn.vanthu", "bentre.vanthu", "bentre-tp.chuyenvien"):
            response = stack.client(username).post(f"/api/v1/receipts/{receipt}/register")
            assert_refused(response, 403, "forbidden")
        # acknowledging before registering is refused too
        early = stack.client("bentre-tp.vanthu").post(f"/api/v1/receipts/{receipt}/acknowledge")
        assert_refused(early, 409, "conflict")


def test_issuing_twice_is_refused(stack: Stack) -> None:
    document_id = signed_plan(stack)
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    wait_for_status(clerk, document_id, "dispatched")
    with nothing_changes(stack):
        assert_refused(clerk.post(f"/api/v1/documents/{document_id}/issue"), 409, "conflict")
