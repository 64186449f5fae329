"""The walking skeleton's path end to end over HTTP, on the real processes: a provincial
federation drafts, signs, numbers, seals and dispatches a Kế hoạch; a receiving clerk verifies,
registers and acknowledges it; search finds it with or without diacritics."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import httpx

from signing import ensure_dev_pki, validate_pdf
from tests.e2e.flow import (
    PLAN_SUBJECT,
    RECIPIENTS,
    draft_plan,
    receipt_id,
    signed_plan,
    wait_for_status,
)
from tests.e2e.pdfs import small_pdf
from tests.stack import Stack, sign_in_page

EXPECTED_HISTORY = [
    "OutgoingDocument.Drafted",
    "OutgoingDocument.Submitted",
    "OutgoingDocument.ApprovedAndSigned",
    "OutgoingDocument.IssueRequested",
    "OutgoingDocument.Numbered",
    "OutgoingDocument.Sealed",
]


def pdfsig_report(pdf: Path) -> str:
    result = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def test_a_plan_goes_from_draft_to_acknowledged_and_searchable(
    stack: Stack, tmp_path: Path
) -> None:
    # 1. A drafter of the provincial federation creates a Kế hoạch with a typed body.
    drafter = stack.client("bentre.chuyenvien")
    created = draft_plan(drafter)
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200

    # 2. The leader approves and signs it; a second signature is refused.
    leader = stack.client("bentre.lanhdao")
    assert leader.post(f"/api/v1/documents/{document_id}/sign").status_code == 200
    again = leader.post(f"/api/v1/documents/{document_id}/sign")
    assert again.status_code == 409
    assert "đã được ký" in again.json()["message"]
    assert "signed already" in again.json()["message_en"]

    # 3 and 4. The clerk issues: the workflow numbers, seals and dispatches.
    clerk = stack.client("bentre.vanthu")
    issued = clerk.post(f"/api/v1/documents/{document_id}/issue")
    assert issued.status_code == 202, issued.text
    assert issued.json()["workflow_id"] == f"issue-{document_id}"
    document = wait_for_status(clerk, document_id, "dispatched")
    assert document["number_symbol"] == "01/KH-LĐLĐ"
    assert sorted(r["status"] for r in document["recipient_status"]) == ["delivered"] * 3
    progress = clerk.get(f"/api/v1/documents/{document_id}/dispatch").json()
    assert progress["finished"] and progress["delivered"] == len(RECIPIENTS)

    # The final PDF: two signatures, both valid; after the seal (PAdES B-LTA) only validation
    # data and the document timestamp were added.
    final_pdf = tmp_path / "issued.pdf"
    final_pdf.write_bytes(clerk.get(f"/api/v1/documents/{document_id}/file").content)
    roots = ensure_dev_pki(stack.data_dir / "pki", [], []).trust_roots()
    report = validate_pdf(final_pdf.read_bytes(), roots)
    assert report.valid, report.summary_en
    assert len(report.signatures) == 2
    assert all(s.valid and s.intact and s.trusted for s in report.signatures)
    assert report.signatures[-1].modification_level in {"none", "lta_updates"}
    poppler = pdfsig_report(final_pdf)
    assert poppler.count("Signature Validation: Signature is Valid.") == 2, poppler

    # 5. A recipient clerk sees it in the inbox, opens it (signatures verified), registers it
    #    with an arrival number and acknowledges it; acknowledging twice is refused.
    receiver = stack.client("bentre-tp.vanthu")
    inbox = receiver.get("/api/v1/inbox").json()
    assert [row["number_symbol"] for row in inbox] == ["01/KH-LĐLĐ"]
    validation = receiver.get(f"/api/v1/documents/{document_id}/validation").json()
    assert validation["valid"] and len(validation["signatures"]) == 2
    receipt = receipt_id(receiver, document_id)
    registered = receiver.post(f"/api/v1/receipts/{receipt}/register")
    assert registered.status_code == 200, registered.text
    assert registered.json()["arrival_number"] == 1
    assert receiver.post(f"/api/v1/receipts/{receipt}/acknowledge").status_code == 200
    twice = receiver.post(f"/api/v1/receipts/{receipt}/acknowledge")
    assert twice.status_code == 409
    assert twice.json()["error"] == "conflict"

    # The sender sees the status per recipient.
    statuses = {
        r["unit_name"]: r["status"]
        for r in clerk.get(f"/api/v1/documents/{document_id}").json()["recipient_status"]
    }
    assert statuses == {
        "Liên đoàn Lao động thành phố Bến Tre": "acknowledged",
        "Công đoàn các Khu công nghiệp tỉnh Bến Tre": "delivered",
        "Công đoàn cơ sở Công ty TNHH May Việt Tiến Bến Tre": "delivered",
    }

    # Every step appended events; the document's history shows them.
    entries = clerk.get(f"/api/v1/documents/{document_id}").json()["history"]
    assert all(entry["unit"] for entry in entries), entries  # who acted, and from which unit
    history = [entry["event"] for entry in entries]
    assert history == [
        *EXPECTED_HISTORY,
        *["Receipt.Delivered"] * 3,
        "OutgoingDocument.Dispatched",
        "Receipt.Registered",
        "Receipt.ArrivalStamped",  # the receiving unit's digital incoming stamp, always on
        "Receipt.Acknowledged",
    ]

    # 6. Search finds it by words of its subject and its text, with or without diacritics.
    for query in ("ke hoach chuyen doi so", "Kế hoạch chuyển đổi số", "tap huan ky nang so"):
        hits = receiver.get("/api/v1/search", params={"q": query}).json()["hits"]
        assert [hit["document_id"] for hit in hits] == [document_id], query
    assert hits[0]["subject"] == PLAN_SUBJECT
    # ... but not for a unit it was not sent to.
    outsider = stack.client("thanhhoa.vanthu")
    assert outsider.get("/api/v1/search", params={"q": "chuyen doi so"}).json()["hits"] == []
    assert outsider.get(f"/api/v1/documents/{document_id}").status_code == 403


def test_the_pages_walk_the_same_path(stack: Stack) -> None:
    """The minimal web pages: sign in, compose, and the document page with its history."""
    browser = stack.client()
    signed_in = sign_in_page(browser, "bentre.chuyenvien")
    assert signed_in.status_code == 303
    compose = browser.get("/compose")
    assert compose.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', compose.text)
    assert csrf, compose.text
    created = browser.post(
        "/compose",
        data={
            "csrf_token": csrf.group(1),
            "doc_type": "thong_bao",
            "subject": "Thông báo lịch tập huấn chữ ký số",
            "urgency": "thuong",
            "recipients": ["bentre-kcn"],
            "body_text": "Liên đoàn Lao động tỉnh thông báo lịch tập huấn chữ ký số.",
        },
    )
    assert created.status_code == 303, created.text
    page = browser.get(created.headers["location"])
    assert page.status_code == 200
    assert "Thông báo lịch tập huấn chữ ký số" in page.text
    assert "Soạn dự thảo" in page.text  # history
    assert 'id="action-submit"' in page.text
    without_csrf = browser.post(created.headers["location"] + "/submit", data={"csrf_token": "x"})
    assert without_csrf.status_code == 403
    assert "CSRF" in without_csrf.text


def test_an_uploaded_pdf_goes_the_same_way(stack: Stack, tmp_path: Path) -> None:
    """A body uploaded as a PDF gets the number and date fields and the two signatures too."""
    drafter = stack.client("bentre.chuyenvien")
    body = small_pdf("Kế hoạch tổ chức Tháng Công nhân năm 2027", "Nội dung tải lên từ tệp PDF.")
    created = drafter.post(
        "/api/v1/documents",
        data={
            "doc_type": "ke_hoach",
            "subject": "Kế hoạch tổ chức Tháng Công nhân năm 2027",
            "recipients": ["bentre-kcn"],
        },
        files={"file": ("ke-hoach.pdf", body, "application/pdf")},
    )
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert (
        stack.client("bentre.lanhdao").post(f"/api/v1/documents/{document_id}/sign").status_code
        == 200
    )
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    document = wait_for_status(clerk, document_id, "dispatched")
    assert re.fullmatch(r"\d{2}/KH-LĐLĐ", document["number_symbol"])
    issued = tmp_path / "uploaded-issued.pdf"
    issued.write_bytes(clerk.get(f"/api/v1/documents/{document_id}/file").content)
    roots = ensure_dev_pki(stack.data_dir / "pki", [], []).trust_roots()
    report = validate_pdf(issued.read_bytes(), roots)
    assert report.valid and len(report.signatures) == 2, report.summary_en
    assert pdfsig_report(issued).count("Signature Validation: Signature is Valid.") == 2
    text = subprocess.run(["pdftotext", str(issued), "-"], capture_output=True, text=True).stdout
    assert f"Số: {document['number_symbol']}" in text
    hits = clerk.get("/api/v1/search", params={"q": "thang cong nhan"}).json()["hits"]
    assert document_id in [hit["document_id"] for hit in hits]


def test_read_models_rebuild_from_the_event_store(stack: Stack) -> None:
    """`eoffice rebuild-views` empties the read models and replays every event into them."""
    document_id = signed_plan(stack)
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    wait_for_status(clerk, document_id, "dispatched")
    outbox_before = clerk.get("/api/v1/outbox").json()
    hits_before = clerk.get("/api/v1/search", params={"q": "ke hoach chuyen doi so"}).json()
    assert document_id in [hit["document_id"] for hit in hits_before["hits"]]
    result = stack.cli("rebuild-views")
    assert "read models rebuilt" in result.stdout
    assert clerk.get("/api/v1/outbox").json() == outbox_before
    search = clerk.get("/api/v1/search", params={"q": "ke hoach chuyen doi so"}).json()
    assert search == hits_before


def test_the_later_steps_on_the_document_page(stack: Stack) -> None:
    """Return with a comment, revise, then — once issued — direction, assignment and completion
    at the receiving unit, all through the document page's forms."""

    def browser(username: str) -> tuple[httpx.Client, str]:
        client = stack.client()
        sign_in_page(client, username)
        page = client.get(f"/documents/{document_id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        return client, token.group(1)

    def step(username: str, name: str, **fields: str) -> httpx.Response:
        client, csrf = browser(username)
        return client.post(
            f"/documents/{document_id}/step/{name}", data={"csrf_token": csrf, **fields}
        )

    drafter = stack.client("bentre.chuyenvien")
    document_id = draft_plan(drafter).json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert step("bentre.lanhdao", "return", text="Bổ sung số liệu").status_code == 303
    assert step("bentre.chuyenvien", "revise", text="Bản sửa có số liệu.").status_code == 303
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert (
        stack.client("bentre.lanhdao").post(f"/api/v1/documents/{document_id}/sign").status_code
        == 200
    )
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    wait_for_status(clerk, document_id, "dispatched")
    receiver = stack.client("bentre-kcn.vanthu")
    assert (
        receiver.post(f"/api/v1/receipts/{receipt_id(receiver, document_id)}/register").status_code
        == 200
    )
    assert step("bentre-kcn.lanhdao", "direct", text="Triển khai ngay").status_code == 303
    bad = step("bentre-kcn.lanhdao", "assign", handler="bentre-kcn.chuyenvien", deadline="mai")
    assert bad.status_code == 422 and "Hạn xử lý" in bad.text
    deadline = (date.today() + timedelta(days=3)).isoformat()
    assigned = step(
        "bentre-kcn.lanhdao", "assign", handler="bentre-kcn.chuyenvien", deadline=deadline
    )
    assert assigned.status_code == 303
    handler_page = browser("bentre-kcn.chuyenvien")[0].get(f"/documents/{document_id}").text
    assert 'id="step-complete"' in handler_page
    assert step("bentre-kcn.chuyenvien", "complete", text="Đã triển khai").status_code == 303
    history = [h["event"] for h in clerk.get(f"/api/v1/documents/{document_id}").json()["history"]]
    assert "OutgoingDocument.ReturnedForRevision" in history
    assert history[-3:] == ["Receipt.Directed", "Receipt.Assigned", "Receipt.Completed"]
