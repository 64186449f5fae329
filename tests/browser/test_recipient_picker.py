"""The compose form's recipient picker in Chromium: a unit found by typing part of its name
without diacritics, a whole subtree chosen while browsing the union tree level by level, a
choice taken back — and the draft goes to exactly those units."""

from __future__ import annotations

import re
from contextlib import closing
from typing import TYPE_CHECKING

from tests.browser.ui import Screens, sign_in
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def test_recipients_are_found_by_name_and_chosen_as_a_subtree(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, "bentre.chuyenvien")
    page.goto("/compose")
    page.locator("input[name=subject]").fill("Công văn về tháng công nhân")
    page.locator("textarea[name=body_text]").fill("Đề nghị các đơn vị tổ chức tháng công nhân.")
    picker = page.locator(".picker")
    # a grassroots union two levels down, found by name without diacritics
    page.get_by_label("Tìm đơn vị nhận theo tên hoặc mã").fill("may viet tien")
    results = page.locator("#unit-results")
    results.get_by_label("Công đoàn cơ sở Công ty TNHH May Việt Tiến Bến Tre").check()
    # another found, chosen, then taken back from the chosen list
    page.get_by_label("Tìm đơn vị nhận theo tên hoặc mã").fill("giao long")
    results.get_by_label("Công đoàn cơ sở Công ty TNHH Điện tử Giao Long").check()
    chosen = page.locator("#unit-chosen")
    chosen.get_by_role("button", name="Bỏ Công đoàn cơ sở Công ty TNHH Điện tử Giao Long").click()
    # browsing: the national union, then Thanh Hóa, then the civil servants' union's subtree
    page.get_by_text("Duyệt cây tổ chức công đoàn").click()
    tree = page.locator("#unit-tree")
    tree.get_by_role("button", name=re.compile("của Tổng Liên đoàn Lao động Việt Nam$")).click()
    tree.get_by_role("button", name=re.compile("của Liên đoàn Lao động tỉnh Thanh Hóa$")).click()
    tree.get_by_label("cả cây bên dưới — Công đoàn Viên chức tỉnh Thanh Hóa").check()
    assert chosen.locator("li").count() == 2, chosen.inner_text()
    assert "Mọi đơn vị thuộc Công đoàn Viên chức tỉnh Thanh Hóa" in chosen.inner_text()
    assert picker.is_visible()
    screens.take(page, "recipients-chosen")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    screens.take(page, "draft")
    document_id = page.url.rsplit("/", 1)[1]
    with closing(stack.client("bentre.chuyenvien")) as drafter:
        document = drafter.get(f"/api/v1/documents/{document_id}").json()
    assert {unit["name"] for unit in document["recipients"]} == {
        "Công đoàn cơ sở Công ty TNHH May Việt Tiến Bến Tre",
        "Công đoàn cơ sở Sở Thông tin và Truyền thông",
        "Công đoàn cơ sở Trường Cao đẳng Y tế Thanh Hóa",
    }
    page.context.close()
