"""The clerk closes a file folder and hands it to the unit's archive from the folder page, on a
phone: the buttons are there only for who may act (the unit's clerk; not its leader, not an
auditor), each step says what it did, a step the folder no longer allows says why, a form
without the page's CSRF token is refused, and the page stays readable (nothing sticks out
sideways, axe-core finds no serious violation)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.ui import PHONE, SERIOUS, Screens, axe_violations, describe, horizontal_overflow
from tests.browser.ui import sign_in as sign_in_page
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def _check_the_page(page: Page, axe_script: Path) -> None:
    measured = horizontal_overflow(page)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def _buttons(page: Page) -> tuple[int, int]:
    return (
        page.get_by_role("button", name="Đóng hồ sơ").count(),
        page.get_by_role("button", name="Nộp lưu").count(),
    )


def test_the_clerk_closes_and_transfers_a_folder_and_only_the_clerk_sees_the_buttons(
    browser: Browser, stack: Stack, axe_script: Path, screens: Screens
) -> None:
    created = stack.client("bentre.vanthu").post(
        "/api/v1/folders",
        json={"year": 2025, "code": "09.BC", "title": "Báo cáo tổng kết năm 2025"},
    )
    assert created.status_code == 201, created.text
    path = f"/archive/folders/{created.json()['id']}"

    # Nobody but the unit's clerk is offered the commands.
    for username in ("bentre.lanhdao", "kiemtra"):
        other = sign_in_page(browser, stack.api_url, username, PHONE)
        other.goto(path)
        assert other.get_by_role("heading", name="09.BC", exact=False).count() == 1
        assert _buttons(other) == (0, 0), username
        other.context.close()

    page = sign_in_page(browser, stack.api_url, "bentre.vanthu", PHONE)
    page.goto(path)
    stale = page.context.new_page()  # the same folder in a second tab, left open
    stale.goto(path)
    assert _buttons(page) == (1, 0)
    screens.take(page, "open-folder")
    _check_the_page(page, axe_script)

    with page.expect_navigation():
        page.get_by_role("button", name="Đóng hồ sơ").click()
    assert page.url.endswith(f"{path}?done=close")
    done = page.get_by_role("status")
    assert "Đã đóng hồ sơ" in done.inner_text()
    assert "Đã đóng" in page.locator("dl.facts").inner_text()
    assert _buttons(page) == (0, 1)
    screens.take(page, "closed")
    _check_the_page(page, axe_script)

    # The second tab still shows "close": the refusal says why, in Vietnamese and on the page.
    with stale.expect_navigation():
        stale.get_by_role("button", name="Đóng hồ sơ").click()
    alert = stale.get_by_role("alert")
    assert "đã đóng" in alert.inner_text(), stale.locator("main").inner_text()
    assert _buttons(stale) == (0, 1)  # the page shows the folder as it is now
    screens.take(stale, "close-refused")
    _check_the_page(stale, axe_script)
    stale.close()

    # A transfer without the ticked confirmation is refused by the server too.
    unconfirmed = page.request.post(
        f"{path}/transfer",
        form={"csrf_token": page.locator("#transfer-form input[name=csrf_token]").input_value()},
        max_redirects=0,
    )
    assert unconfirmed.status == 422 and "xác nhận" in unconfirmed.text()
    forged = page.request.post(f"{path}/transfer", form={"confirm": "yes"}, max_redirects=0)
    assert forged.status == 403, forged.text()
    assert "Đã nộp lưu" not in page.locator("dl.facts").inner_text()

    page.get_by_label("Tôi xác nhận nộp lưu hồ sơ này").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp lưu").click()
    assert "Đã nộp lưu hồ sơ" in page.get_by_role("status").inner_text()
    assert "Đã nộp lưu" in page.locator("dl.facts").inner_text()
    assert _buttons(page) == (0, 0)
    screens.take(page, "transferred")
    _check_the_page(page, axe_script)
    page.context.close()

    english = sign_in_page(browser, stack.api_url, "bentre.vanthu", PHONE)
    english.goto("/lang/en")
    english.goto(path)
    english_refusal = english.request.post(
        f"{path}/close",
        form={
            "csrf_token": english.locator("meta[name=csrf-token]").get_attribute("content") or ""
        },
        max_redirects=0,
    )
    assert english_refusal.status == 409 and "is closed" in english_refusal.text()
    english.context.close()
