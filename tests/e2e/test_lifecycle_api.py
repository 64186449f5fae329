"""The later steps of a document over HTTP: return and revise, recall, handling an incoming
document with a deadline, file folders, and the access history auditors read."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.flow import draft_plan, issued_plan, receipt_id
from tests.stack import Stack, sign_in_page


def statuses(stack: Stack, document_id: str) -> dict[str, str]:
    document = stack.client("bentre.vanthu").get(f"/api/v1/documents/{document_id}").json()
    return {row["unit_name"]: row["status"] for row in document["recipient_status"]}


def test_a_returned_draft_is_revised_then_signed(stack: Stack) -> None:
    drafter, leader = stack.client("bentre.chuyenvien"), stack.client("bentre.lanhdao")
    document_id = draft_plan(drafter).json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    refused = leader.post(f"/api/v1/documents/{document_id}/return", json={"comment": " "})
    assert refused.status_code == 422 and "ý kiến" in refused.json()["message"]
    returned = leader.post(
        f"/api/v1/documents/{document_id}/return", json={"comment": "Bổ sung mục tiêu cụ thể"}
    )
    assert returned.status_code == 200
    revised = drafter.post(
        f"/api/v1/documents/{document_id}/revise",
        data={"body_text": "Bản sửa: bổ sung chỉ tiêu 100% cán bộ có chữ ký số."},
    )
    assert revised.status_code == 200, revised.text
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    assert leader.post(f"/api/v1/documents/{document_id}/sign").status_code == 200
    history = [h["event"] for h in leader.get(f"/api/v1/documents/{document_id}").json()["history"]]
    assert history[2:5] == [
        "OutgoingDocument.ReturnedForRevision",
        "OutgoingDocument.Revised",
        "OutgoingDocument.Submitted",
    ]


def test_a_recalled_document_is_frozen_at_every_recipient(stack: Stack) -> None:
    document_id = issued_plan(stack)
    receiver = stack.client("bentre-tp.vanthu")
    receipt = receipt_id(receiver, document_id)
    assert receiver.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    drafter = stack.client("bentre.chuyenvien")
    forbidden = drafter.post(f"/api/v1/documents/{document_id}/recall", json={"reason": "Sai"})
    assert forbidden.status_code == 403
    recalled = stack.client("bentre.lanhdao").post(
        f"/api/v1/documents/{document_id}/recall", json={"reason": "Sai số liệu mục II"}
    )
    assert recalled.status_code == 200, recalled.text
    frozen = receiver.post(f"/api/v1/receipts/{receipt}/acknowledge")
    assert frozen.status_code == 409 and "thu hồi" in frozen.json()["message"]
    assert receiver.post(f"/api/v1/receipts/{receipt}/confirm-destruction").status_code == 200
    assert set(statuses(stack, document_id).values()) == {"destroyed", "recalled"}
    assert statuses(stack, document_id)["Liên đoàn Lao động thành phố Bến Tre"] == "destroyed"


def test_an_incoming_document_is_handled_by_its_deadline(stack: Stack) -> None:
    document_id = issued_plan(stack)
    clerk, leader = stack.client("bentre-kcn.vanthu"), stack.client("bentre-kcn.lanhdao")
    handler = stack.client("bentre-kcn.chuyenvien")
    receipt = receipt_id(clerk, document_id)
    assert clerk.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    direction = {"direction": "Giao chuyên viên xây dựng kế hoạch triển khai"}
    assert leader.post(f"/api/v1/receipts/{receipt}/direct", json=direction).status_code == 200
    past = {"handler": "bentre-kcn.chuyenvien", "deadline": "2020-01-01"}
    assert leader.post(f"/api/v1/receipts/{receipt}/assign", json=past).status_code == 422
    deadline = (date.today() + timedelta(days=7)).isoformat()
    assignment = {"handler": "bentre-kcn.chuyenvien", "deadline": deadline}
    assert clerk.post(f"/api/v1/receipts/{receipt}/assign", json=assignment).status_code == 403
    assert leader.post(f"/api/v1/receipts/{receipt}/assign", json=assignment).status_code == 200
    note = {"note": "Đã dự thảo kế hoạch triển khai"}
    assert clerk.post(f"/api/v1/receipts/{receipt}/progress", json=note).status_code == 403
    assert handler.post(f"/api/v1/receipts/{receipt}/progress", json=note).status_code == 200
    assert handler.get("/api/v1/overdue").json() == []
    assert handler.post(f"/api/v1/receipts/{receipt}/complete", json=note).status_code == 200
    assert statuses(stack, document_id)["Công đoàn các Khu công nghiệp tỉnh Bến Tre"] == "done"


def test_issued_documents_are_filed_into_folders(stack: Stack) -> None:
    clerk = stack.client("bentre.vanthu")
    created = clerk.post(
        "/api/v1/folders",
        json={
            "year": 2026,
            "code": "05.KH",
            "title": "Kế hoạch chuyển đổi số, lưu trữ điện tử",
            "retention_years": 20,
        },
    )
    assert created.status_code == 201, created.text
    folder_id = created.json()["id"]
    again = clerk.post("/api/v1/folders", json={"year": 2026, "code": "05.KH", "title": "Trùng"})
    assert again.status_code == 409
    document_id = issued_plan(stack)
    filed = clerk.post(f"/api/v1/documents/{document_id}/file", json={"folder_id": folder_id})
    assert filed.status_code == 200, filed.text
    # The folder's title finds the document, with or without diacritics.
    for query in ('"lưu trữ điện tử"', '"luu tru dien tu"'):
        found = clerk.get("/api/v1/search", params={"q": query}).json()["hits"]
        assert [hit["document_id"] for hit in found] == [document_id], query
    assert found[0]["folder"] == "05.KH Kế hoạch chuyển đổi số, lưu trữ điện tử"
    assert found[0]["urgency_label"] == {"vi": "Khẩn", "en": "Urgent"}  # drafted "khan"
    page = clerk.get("/search", params={"q": "luu tru dien tu"}).text
    assert "05.KH Kế hoạch chuyển đổi số, lưu trữ điện tử" in page and ">Khẩn</strong>" in page
    # The document says where it is filed: to its issuer and to auditors, not to a recipient.
    expected = {"code": "05.KH", "title": "Kế hoạch chuyển đổi số, lưu trữ điện tử", "year": 2026}
    for reader, sees in (("bentre.vanthu", True), ("kiemtra", True), ("bentre-tp.vanthu", False)):
        detail = stack.client(reader).get(f"/api/v1/documents/{document_id}").json()
        shown = detail["folder"] and {k: detail["folder"][k] for k in expected}
        assert shown == (expected if sees else None), reader
    page = stack.client("kiemtra").get(f"/documents/{document_id}").text
    assert f'<a href="/archive/folders/{folder_id}">05.KH — Kế hoạch' in page
    assert clerk.post(f"/api/v1/folders/{folder_id}/close").status_code == 200
    late = clerk.post(f"/api/v1/documents/{issued_plan(stack)}/file", json={"folder_id": folder_id})
    assert late.status_code == 409
    [folder] = [f for f in clerk.get("/api/v1/folders").json() if f["id"] == folder_id]
    assert (folder["documents"], folder["closed"], folder["retention_years"]) == (1, 1, 20)


def test_auditors_read_who_viewed_and_downloaded_a_document(stack: Stack) -> None:
    document_id = issued_plan(stack)
    receiver = stack.client("bentre-tp.vanthu")
    assert receiver.get(f"/api/v1/documents/{document_id}/file").status_code == 200
    log = stack.client("kiemtra").get(f"/api/v1/documents/{document_id}/access-log")
    assert log.status_code == 200, log.text
    entries = {(row["username"], row["kind"]) for row in log.json()}
    assert ("bentre-tp.vanthu", "download") in entries
    assert ("bentre.vanthu", "view") in entries
    denied = stack.client("bentre.lanhdao").get(f"/api/v1/documents/{document_id}/access-log")
    assert denied.status_code == 403


def test_recipients_can_be_a_whole_level_or_subtree(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    direct = draft_plan(drafter, recipients=["children:bentre"]).json()["id"]
    below = draft_plan(drafter, recipients=["subtree:bentre", "bentre-tp"]).json()["id"]

    def recipients(document_id: str) -> set[str]:
        document = drafter.get(f"/api/v1/documents/{document_id}").json()
        return {unit["name"] for unit in document["recipients"]}

    assert recipients(direct) == {
        "Liên đoàn Lao động thành phố Bến Tre",
        "Công đoàn các Khu công nghiệp tỉnh Bến Tre",
    }
    assert len(recipients(below)) == 6  # two upper-grassroots, four grassroots, no duplicate
    grassroots = draft_plan(drafter, recipients=["level:grassroots:bentre"]).json()["id"]
    assert len(recipients(grassroots)) == 4 and all(
        name.startswith("Công đoàn cơ sở") for name in recipients(grassroots)
    )
    bad_level = draft_plan(drafter, recipients=["level:huyen:bentre"])
    assert bad_level.status_code == 422 and "level:" in bad_level.json()["message"]
    found = drafter.get("/api/v1/units", params={"q": "may viet tien"}).json()
    assert [unit["code"] for unit in found] == ["may-viettien"]
    below = drafter.get("/api/v1/units", params={"parent": "bentre-tp"}).json()
    assert {unit["code"] for unit in below} == {"thcs-phutan", "may-viettien"}
    assert drafter.get("/api/v1/units", params={"q": "tỉnh", "limit": 2}).json()[0]["children"]
    assert drafter.get("/api/v1/units", params={"parent": "khong-co"}).status_code == 404
    refused = draft_plan(drafter, recipients=["everyone:bentre"])
    assert refused.status_code == 422 and "Nhóm nơi nhận" in refused.json()["message"]
    page = stack.client("bentre.chuyenvien")
    sign_in_page(page, "bentre.chuyenvien")
    assert 'value="subtree:bentre"' in page.get("/compose").text
