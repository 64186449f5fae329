"""Every main page, as the person who uses it: on a phone-width screen (390×844) nothing sticks
out sideways and tables keep their meaning, and on a phone and a desktop axe-core finds no
serious or critical accessibility violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.ui import (
    DESKTOP,
    PHONE,
    SERIOUS,
    Screens,
    axe_violations,
    describe,
    horizontal_overflow,
    new_context,
    sign_in,
)
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

# (name, who is signed in, path); {doc} is the dispatched plan's id, {round} a report round's,
# {folder} the file folder holding the plan.
PAGES = [
    ("login", None, "/login"),
    ("todo-drafter", "bentre.chuyenvien", "/"),
    ("todo-clerk", "bentre.vanthu", "/"),
    ("todo-auditor", "kiemtra", "/"),
    ("compose", "bentre.chuyenvien", "/compose"),
    ("document-issuer", "bentre.vanthu", "/documents/{doc}"),
    ("document-receiver", "bentre-tp.vanthu", "/documents/{doc}"),
    ("outbox", "bentre.vanthu", "/outbox"),
    ("inbox", "bentre-tp.vanthu", "/inbox"),
    ("search", "kiemtra", "/search?q=ke+hoach"),
    ("search-empty", "kiemtra", "/search?q=khong+co+gi+ca"),
    ("reports", "bentre.lanhdao", "/reports"),
    ("report-round-requester", "bentre.lanhdao", "/reports/{round}"),
    ("report-round-reviewer", "bentre-tp.lanhdao", "/reports/{round}"),
    ("report-round-unit", "thcs-phutan.lanhdao", "/reports/{round}"),
    ("report-round-periods", "bentre-tp.lanhdao", "/reports/{round}?periods=1"),
    ("search-filtered", "kiemtra", "/search?q=ke+hoach&type=ke_hoach&sort=newest&from=2020-01-01"),
    ("search-bad-date", "kiemtra", "/search?from=sai"),
    ("not-found", "bentre.vanthu", "/documents/00000000-0000-4000-8000-000000000000"),
    ("password", "bentre.chuyenvien", "/account/password"),
    ("sign-ins", "kiemtra", "/audit/sign-ins"),
    ("admin-units", "quantri", "/admin/units?q=ben+tre"),
    ("admin-unit", "quantri", "/admin/units/bentre-tp"),
    ("archive-auditor", "kiemtra", "/archive"),
    ("archive-clerk-filtered", "bentre.vanthu", "/archive?year=2026&status=open"),
    ("archive-bad-year", "kiemtra", "/archive?year=abc"),
    ("archive-folder", "kiemtra", "/archive/folders/{folder}"),
    ("admin-certificates", "quantri", "/admin/certificates?unit=bentre"),
]
IDS = [name for name, _, _ in PAGES]
BAD_PAGE = "<html><body><img src='x.png'><a href='/'></a><input></body></html>"


@pytest.fixture(scope="module")
def signed_in() -> dict[str, Any]:
    """Each user's cookies after signing in through the form once, by username."""
    return {}


def open_page(
    browser: Browser,
    stack: Stack,
    signed_in: dict[str, Any],
    user: str | None,
    path: str,
    viewport: ViewportSize,
) -> Page:
    """A new context at `viewport`, signed in as `user` (None: nobody), showing `path`."""
    if user is not None and user not in signed_in:
        first = sign_in(browser, stack.api_url, user)
        signed_in[user] = first.context.storage_state()
        first.context.close()
    context = new_context(
        browser, stack.api_url, viewport, signed_in[user] if user is not None else None
    )
    page = context.new_page()
    page.goto(path)
    return page


def serious_violations(page: Page, axe_script: Path) -> list[dict[str, Any]]:
    return [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=IDS)
def test_page_on_a_phone(
    browser: Browser,
    stack: Stack,
    dispatched_plan: str,
    report_round: str,
    archive_folder: str,
    axe_script: Path,
    screens: Screens,
    signed_in: dict[str, Any],
    name: str,
    user: str | None,
    path: str,
) -> None:
    path = path.format(doc=dispatched_plan, round=report_round, folder=archive_folder)
    page = open_page(browser, stack, signed_in, user, path, PHONE)
    screens.take(page, name)
    measured = horizontal_overflow(page)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    # Tables shown as stacked rows on a phone still read as tables to a screen reader.
    assert page.get_by_role("table").count() == page.locator("table:visible").count()
    serious = serious_violations(page, axe_script)
    assert not serious, describe(serious)
    page.context.close()


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=IDS)
def test_page_on_a_desktop(
    browser: Browser,
    stack: Stack,
    dispatched_plan: str,
    report_round: str,
    archive_folder: str,
    axe_script: Path,
    screens: Screens,
    signed_in: dict[str, Any],
    name: str,
    user: str | None,
    path: str,
) -> None:
    path = path.format(doc=dispatched_plan, round=report_round, folder=archive_folder)
    page = open_page(browser, stack, signed_in, user, path, DESKTOP)
    screens.take(page, name)
    assert page.title().endswith(" · Văn phòng điện tử Công đoàn"), page.title()
    serious = serious_violations(page, axe_script)
    assert not serious, describe(serious)
    page.context.close()


# Pages whose title is the screen's name alone (the others lead with a document's, a round's, a
# folder's or a unit's own name, which stays as written).
FIXED_TITLES = {name for name, _, path in PAGES if "{" not in path and "/units/" not in path}


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=IDS)
def test_page_in_english(
    browser: Browser,
    stack: Stack,
    dispatched_plan: str,
    report_round: str,
    archive_folder: str,
    axe_script: Path,
    screens: Screens,
    signed_in: dict[str, Any],
    name: str,
    user: str | None,
    path: str,
) -> None:
    """Every main page switched to English: the language is declared, the menu and the title
    are English (no Vietnamese left in a screen's own title), and axe-core still passes."""
    path = path.format(doc=dispatched_plan, round=report_round, folder=archive_folder)
    page = open_page(browser, stack, signed_in, user, "/login", DESKTOP)
    page.context.add_cookies([{"name": "lang", "value": "en", "url": stack.api_url}])
    page.goto(path)
    screens.take(page, f"{name}-english")
    assert page.locator("html").get_attribute("lang") == "en"
    title = page.title()
    assert title.endswith(" · Trade Union e-Office"), title
    if name in FIXED_TITLES:
        assert re.sub("[·—]", "", title).isascii(), title  # the separators aside
    if user is not None:
        assert page.get_by_role("link", name="To do", exact=True).is_visible()
    serious = serious_violations(page, axe_script)
    assert not serious, describe(serious)
    page.context.close()


def test_the_keyboard_skips_to_the_main_content(
    browser: Browser, stack: Stack, screens: Screens, signed_in: dict[str, Any]
) -> None:
    page = open_page(browser, stack, signed_in, "bentre.chuyenvien", "/compose", PHONE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    assert skip.evaluate("link => link === document.activeElement")
    screens.take(page, "skip-link-focused")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "doc_type", focused  # the first field of the form, past the header
    assert page.get_by_role("link", name="Soạn văn bản").get_attribute("aria-current") == "page"
    page.context.close()


def test_the_accessibility_check_finds_what_is_wrong(browser: Browser, axe_script: Path) -> None:
    """The check itself works: a page without alt text, link name, label or lang fails it."""
    page = browser.new_page()
    page.set_content(BAD_PAGE)
    found = {v["id"] for v in serious_violations(page, axe_script)}
    assert {"image-alt", "link-name", "label", "html-has-lang"} <= found, found
    page.close()


def test_the_auditor_opens_a_folder_from_the_archive_and_the_clerk_is_reminded(
    browser: Browser,
    stack: Stack,
    archive_folder: str,
    screens: Screens,
    signed_in: dict[str, Any],
) -> None:
    page = open_page(browser, stack, signed_in, "kiemtra", "/archive?year=2026", DESKTOP)
    page.get_by_role("link", name="Kế hoạch công tác năm 2026").click()
    assert page.url.endswith(f"/archive/folders/{archive_folder}")
    screens.take(page, "archive-folder-opened")
    export = page.get_by_role("link", name="Xuất hồ sơ", exact=False)
    assert export.get_attribute("href") == f"/api/v1/folders/{archive_folder}/export.zip"
    with page.expect_download() as download:
        export.click()
    assert download.value.suggested_filename == "ho-so-2026-01.KH.zip"
    page.get_by_role("link", name="Kế hoạch chuyển đổi số", exact=False).click()
    assert "/documents/" in page.url and page.get_by_text("Lập hồ sơ").count() >= 1
    page.context.close()
    todo = open_page(browser, stack, signed_in, "bentre.vanthu", "/", PHONE)
    heading = todo.get_by_role("heading", name="Hồ sơ đến hạn nộp lưu")
    due = todo.locator("section", has=heading)
    assert "03.TB — Thông báo năm 2020" in due.inner_text()
    assert "2021-12-31" in due.inner_text()
    screens.take(todo, "clerk-folders-due")
    todo.context.close()
