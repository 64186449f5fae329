"""Sections of the document page that must read right before any script runs or anything is
sent: the dispatch progress shows the figures as they stand in the page itself (a browser with
JavaScript off sees them; the script only keeps them up to date), and a document not yet sent
says so in one line instead of an empty recipient status table — in Vietnamese, and in English
once switched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.ui import DESKTOP, PASSWORD, Screens, sign_in
from tests.e2e.flow import draft_plan, signed_plan
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def sign_in_without_script(browser: Browser, base_url: str, username: str) -> Page:
    context = browser.new_context(
        base_url=base_url,
        viewport=DESKTOP,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        java_script_enabled=False,
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def test_the_dispatch_progress_is_in_the_page_before_any_script(
    browser: Browser, stack: Stack, dispatched_plan: str, screens: Screens
) -> None:
    page = sign_in_without_script(browser, stack.api_url, "bentre.vanthu")
    page.goto(f"/documents/{dispatched_plan}")
    expected = (
        stack.client("bentre.vanthu").get(f"/api/v1/documents/{dispatched_plan}/progress").json()
    )
    assert expected["total"] == 3 and expected["delivered"] == 3, expected
    box = page.locator("#dispatch-progress")
    for key in ("delivered", "total", "acknowledged", "overdue", "forwarded"):
        shown = box.locator(f"[data-figure={key}]").inner_text()
        assert shown == str(expected[key]), (key, shown, expected)
    bar = box.locator("progress")
    assert (bar.get_attribute("max"), bar.get_attribute("value")) == ("3", "3")
    assert box.get_attribute("data-running") == "0"
    screens.take(page, "progress-without-script")


def test_a_document_not_yet_sent_says_so_instead_of_an_empty_status_table(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    drafted = draft_plan(stack.client("bentre.chuyenvien"), subject="Kế hoạch chưa gửi đi")
    assert drafted.status_code == 201, drafted.text
    draft = drafted.json()["id"]
    api = stack.client("bentre.chuyenvien").get(f"/api/v1/documents/{draft}").json()
    assert api["sent"] is False and api["recipient_page"] is None, api
    page = sign_in(browser, stack.api_url, "bentre.chuyenvien")
    page.goto(f"/documents/{draft}")
    section = page.locator("#recipient-status")
    assert section.locator("#recipient-not-sent").inner_text().startswith("Chưa gửi đi")
    assert section.locator("table, form, #recipient-count").count() == 0
    assert page.locator("#dispatch-progress").count() == 0
    screens.take(page, "draft-not-sent")
    page.goto("/lang/en")
    page.goto(f"/documents/{draft}")
    assert page.locator("#recipient-not-sent").inner_text().startswith("Not sent yet")
    page.goto("/lang/vi")

    signed = signed_plan(stack, subject="Kế hoạch đã ký, chưa ban hành")
    clerk = sign_in(browser, stack.api_url, "bentre.vanthu")
    clerk.goto(f"/documents/{signed}")
    assert clerk.locator("#recipient-not-sent").is_visible()
    assert clerk.locator("#recipient-table").count() == 0
    screens.take(clerk, "signed-not-sent")
