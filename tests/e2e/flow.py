"""Steps of the walking skeleton's path, as a person would take them through the HTTP API."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.stack import Stack

PLAN_SUBJECT = "Kế hoạch chuyển đổi số trong hoạt động công đoàn năm 2027"
PLAN_BODY = """Thực hiện Nghị quyết của Ban Chấp hành Liên đoàn Lao động tỉnh về chuyển đổi số, \
Ban Thường vụ xây dựng kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Đẩy mạnh ứng dụng văn bản điện tử, chữ ký số trong toàn hệ thống công đoàn tỉnh.

2. Tổ chức tập huấn kỹ năng số cho cán bộ công đoàn cơ sở và đoàn viên.

II. TỔ CHỨC THỰC HIỆN

Các công đoàn cấp trên trực tiếp cơ sở báo cáo kết quả về Liên đoàn Lao động tỉnh trước ngày 25 \
hằng quý."""
RECIPIENTS = ["bentre-tp", "bentre-kcn", "may-viettien"]
NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""The Accept header of a browser that opens a link of a page (to a PDF, a ZIP, a CSV)."""


def draft_plan(client: httpx.Client, files: Any = None, **overrides: Any) -> httpx.Response:
    """A plan drafted through the API; ``files``: multipart files (e.g. attachments)."""
    data: dict[str, Any] = {
        "doc_type": "ke_hoach",
        "subject": PLAN_SUBJECT,
        "urgency": "khan",
        "recipients": RECIPIENTS,
        "signer": "bentre.lanhdao",
        "signer_authority": "TM. BAN CHẤP HÀNH",
        "body_text": PLAN_BODY,
    }
    data.update(overrides)
    return client.post("/api/v1/documents", data=data, files=files)


STAGES = ("drafted", "submitted", "signed", "dispatched")


def plan_at(
    stack: Stack,
    stage: str,
    unit: str = "bentre",
    recipients: list[str] | None = None,
    **overrides: Any,
) -> str:
    """A plan of ``unit`` taken to ``stage`` (one of ``STAGES``) by its own people: its
    ``.chuyenvien`` drafts and submits, its ``.lanhdao`` signs, its ``.vanthu`` issues (the
    workflow finished); returns its id."""
    drafter = stack.client(f"{unit}.chuyenvien")
    drafted = draft_plan(
        drafter,
        **{"recipients": recipients or RECIPIENTS, "signer": f"{unit}.lanhdao", **overrides},
    )
    assert drafted.status_code == 201, drafted.text
    document_id: str = drafted.json()["id"]
    steps = STAGES[1 : STAGES.index(stage) + 1]
    if "submitted" in steps:
        submitted = drafter.post(f"/api/v1/documents/{document_id}/submit")
        assert submitted.status_code == 200, submitted.text
    if "signed" in steps:
        signed = stack.client(f"{unit}.lanhdao").post(f"/api/v1/documents/{document_id}/sign")
        assert signed.status_code == 200, signed.text
    if "dispatched" in steps:
        clerk = stack.client(f"{unit}.vanthu")
        issued = clerk.post(f"/api/v1/documents/{document_id}/issue")
        assert issued.status_code == 202, issued.text
        wait_for_status(clerk, document_id, "dispatched")
    return document_id


def signed_plan(stack: Stack, **overrides: Any) -> str:
    """A plan drafted, submitted and signed by the Bến Tre federation; returns its id."""
    return plan_at(stack, "signed", **overrides)


def issued_plan(stack: Stack, **overrides: Any) -> str:
    """A plan signed, then issued and dispatched by the clerk (workflow finished); its id."""
    return plan_at(stack, "dispatched", **overrides)


def wait_for_status(
    client: httpx.Client, document_id: str, status: str, seconds: float = 90
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        document: dict[str, Any] = client.get(f"/api/v1/documents/{document_id}").json()
        if document["status"] == status:
            return document
        if time.monotonic() > deadline:
            raise AssertionError(f"still {document['status']!r} after {seconds} s: {document}")
        time.sleep(0.3)


def receipt_id(client: httpx.Client, document_id: str) -> str:
    rows = client.get("/api/v1/inbox").json()
    return next(row["receipt_id"] for row in rows if row["document_id"] == document_id)


# Two grassroots unions of the Yên Định district federation (Thanh Hóa) that no other test
# uses, nor any subtree another test picks, so that a test may merge the second into the first
# (the duplicate-arrival tests) on a stack shared with other tests.
SURVIVOR, MERGED = "th-quanlao", "bv-yendinh"


def issued_to_both(stack: Stack, *recipients: str) -> dict[str, Any]:
    """A plan of the Thanh Hóa federation issued to ``recipients`` (workflow finished)."""
    document_id = plan_at(stack, "dispatched", "thanhhoa", list(recipients), signer_authority="")
    result: dict[str, Any] = (
        stack.client("thanhhoa.vanthu").get(f"/api/v1/documents/{document_id}").json()
    )
    return result


def assert_unavailable(answer: httpx.Response, code: str, message_vi: str, message_en: str) -> None:
    """A store that does not answer: 503, when to try again, which store (``code``) and a
    message in both languages."""
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "30"
    body = answer.json()
    assert body["error"] == code
    assert message_vi in body["message"]
    assert message_en in body["message_en"]
