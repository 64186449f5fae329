"""The main journey through the web pages only, in headless Chromium: a drafter composes and
submits, the leader signs, the clerk issues (the dispatch runs in Temporal), a receiving clerk
registers and acknowledges, and the auditor finds it by search and opens its history.
Each screen is kept as test-artifacts/screenshots/<test>/<step>.png."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.ui import Screens, act, sign_in, status_text, wait_for_status
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SUBJECT = "Kế hoạch tổ chức Tháng Công nhân năm 2027"
BODY = """Ban Thường vụ Liên đoàn Lao động tỉnh xây dựng kế hoạch tổ chức Tháng Công nhân như sau:

1. Tuyên truyền về an toàn, vệ sinh lao động tại các doanh nghiệp.

2. Thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn."""
RECIPIENT = "bentre-tp"
RECIPIENT_NAME = "Liên đoàn Lao động thành phố Bến Tre"


def open_from_list(page: Page, path: str, subject: str) -> None:
    page.goto(path)
    page.get_by_role("link", name=re.compile(re.escape(subject))).first.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))


def test_a_plan_is_composed_signed_issued_acknowledged_and_found(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    # A drafter of the Bến Tre federation composes a plan for the city federation and submits it.
    drafter = sign_in(browser, stack.api_url, "bentre.chuyenvien")
    screens.take(drafter, "drafter-todo")
    drafter.get_by_role("link", name="Soạn văn bản").click()
    drafter.locator("input[name=subject]").fill(SUBJECT)
    drafter.locator(f"input[name=recipients][value='{RECIPIENT}']").check()
    drafter.locator("textarea[name=body_text]").fill(BODY)
    drafter.locator("select[name=signer]").select_option("bentre.lanhdao")
    screens.take(drafter, "drafter-compose")
    drafter.get_by_role("button", name="Lưu dự thảo").click()
    drafter.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    document_url = drafter.url
    assert status_text(drafter) == "Dự thảo"
    assert drafter.locator("h1").inner_text().endswith(SUBJECT)
    screens.take(drafter, "drafter-draft")
    act(drafter, "submit")
    assert status_text(drafter) == "Đã trình ký"
    assert drafter.locator("#action-submit").count() == 0
    screens.take(drafter, "drafter-submitted")

    # The leader finds it among the documents waiting for a signature and signs it.
    leader = sign_in(browser, stack.api_url, "bentre.lanhdao")
    screens.take(leader, "leader-todo")
    open_from_list(leader, "/", SUBJECT)
    assert leader.url == document_url
    act(leader, "sign")
    assert status_text(leader) == "Lãnh đạo đã ký"
    assert leader.locator("#validation-summary").is_visible()
    screens.take(leader, "leader-signed")

    # The clerk numbers, seals and issues it; the dispatch finishes in the background.
    clerk = sign_in(browser, stack.api_url, "bentre.vanthu")
    open_from_list(clerk, "/", SUBJECT)
    act(clerk, "issue")
    wait_for_status(clerk, "Đã gửi")
    number = clerk.locator("#document-facts dd").first.inner_text()
    assert re.fullmatch(r"\d+/KH-LĐLĐ", number), number
    assert clerk.locator("#validation-summary").get_attribute("class") == "ok"
    screens.take(clerk, "clerk-dispatched")
    clerk.goto("/outbox")
    assert clerk.get_by_role("link", name=SUBJECT).is_visible()
    screens.take(clerk, "clerk-outbox")

    # The city federation's clerk opens it from the inbox, registers and acknowledges it.
    receiver = sign_in(browser, stack.api_url, "bentre-tp.vanthu")
    receiver.goto("/inbox")
    screens.take(receiver, "receiver-inbox")
    open_from_list(receiver, "/inbox", SUBJECT)
    act(receiver, "register")
    act(receiver, "acknowledge")
    assert receiver.locator("#action-acknowledge").count() == 0
    assert "Đã xác nhận" in receiver.locator("#document-facts").inner_text()
    screens.take(receiver, "receiver-acknowledged")

    # The auditor at the national level finds it without diacritics and opens its history.
    auditor = sign_in(browser, stack.api_url, "kiemtra")
    auditor.goto("/search")
    auditor.get_by_role("searchbox").fill("thang cong nhan")
    with auditor.expect_navigation():  # the count is of the results page, not the empty form
        auditor.get_by_role("button", name="Tìm").click()
    hits = auditor.locator("ol.hits > li")
    assert hits.count() == 1
    assert number in hits.first.inner_text()
    # The matched words are marked as written, with their diacritics.
    marked = [text.lower() for text in hits.first.locator("mark").all_inner_texts()]
    assert {"tháng", "công", "nhân"} <= set(marked), marked
    facets = auditor.get_by_role("complementary", name="Thu hẹp kết quả")
    assert "Kế hoạch 1" in " ".join(facets.inner_text().split())
    assert auditor.get_by_role("link", name="Xuất CSV (mọi kết quả)").is_visible()
    screens.take(auditor, "auditor-search")
    # Narrowing by the type facet keeps the hit; the search is saved and listed.
    facets.get_by_role("link", name="Kế hoạch").click()
    assert "type=ke_hoach" in auditor.url and hits.count() == 1
    auditor.get_by_label("Lưu tìm kiếm này với tên").fill("Tháng Công nhân")
    auditor.get_by_role("button", name="Lưu tìm kiếm").click()
    saved = auditor.get_by_role("region", name="Tìm kiếm đã lưu")
    assert saved.get_by_role("link", name="Tháng Công nhân").is_visible()
    screens.take(auditor, "auditor-saved-search")
    hits.first.get_by_role("link").first.click()
    assert auditor.url == document_url
    history = auditor.locator("section", has=auditor.get_by_role("heading", name="Lịch sử xử lý"))
    for step in ("Soạn dự thảo", "Trình ký", "Duyệt và ký số", "Vào sổ văn bản đến"):
        assert step in history.inner_text(), step
    assert "Xác nhận đã nhận" in history.inner_text()
    recipients = auditor.locator(
        "section", has=auditor.get_by_role("heading", name=re.compile("nơi nhận"))
    )
    assert RECIPIENT_NAME in recipients.inner_text()
    assert "Đã xác nhận" in recipients.inner_text()
    screens.take(auditor, "auditor-history")
