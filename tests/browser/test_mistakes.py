"""What a person sees after a mistake on a page: a page that says what is wrong, in Vietnamese
(with English), never a raw JSON body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.ui import Screens, sign_in
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def test_a_draft_without_recipients_is_refused_with_a_page(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, "bentre.chuyenvien")
    page.goto("/compose")
    page.locator("input[name=subject]").fill("Công văn chưa chọn nơi nhận")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_load_state()
    screens.take(page, "refused")
    alert = page.get_by_role("alert")
    assert alert.count() == 1, page.locator("body").inner_text()
    assert "nơi nhận" in alert.inner_text().lower()
    page.context.close()
