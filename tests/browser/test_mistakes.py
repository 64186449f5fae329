"""What a person sees after a mistake on a page: a page that says what is wrong, in Vietnamese
(with English), never a raw JSON body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.ui import PHONE, Screens, sign_in
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


def test_an_unknown_page_and_a_refusal_say_what_went_wrong_and_what_to_do(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, "bentre.chuyenvien", PHONE)
    response = page.goto("/van-ban-khong-co")
    assert response is not None and response.status == 404
    assert page.get_by_role("alert").inner_text() == "Không có trang này."
    assert "trang Tra cứu" in page.locator("#error-next-step").inner_text()
    assert page.get_by_role("link", name="Tra cứu").is_visible()  # the menu shows: a way on
    screens.take(page, "unknown-page")

    response = page.goto("/admin/units")
    assert response is not None and response.status == 403
    assert "Chỉ quản trị đơn vị" in page.get_by_role("alert").inner_text()
    assert "quản trị hệ thống của đơn vị" in page.locator("#error-next-step").inner_text()
    screens.take(page, "forbidden")

    page.goto("/lang/en")
    response = page.goto("/van-ban-khong-co")
    assert page.get_by_role("alert").inner_text() == "There is no such page."
    assert page.get_by_role("heading", name="What to do").is_visible()
    assert "Search page" in page.locator("#error-next-step").inner_text()
    screens.take(page, "unknown-page-english")
    page.goto("/lang/vi")
    page.context.close()

    nobody = browser.new_page(base_url=stack.api_url)
    response = nobody.goto("/khong-co")
    assert response is not None and response.status == 404
    assert nobody.get_by_role("alert").inner_text() == "Không có trang này."
    nobody.close()
