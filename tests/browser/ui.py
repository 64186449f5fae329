"""What a person does in the browser, as helpers for the tests: sign in, take a screenshot of each
screen, wait for a status to show, and measure a page (horizontal overflow, axe-core)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the fixtures only, so a missing Playwright is a clear skip
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PASSWORD = "congdoan2026"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
# Signing and sealing run inside the request and can be slow on a busy 2-core machine.
ACTION_SECONDS = 120


@dataclass
class Screens:
    """Saves one screenshot per step of a test under test-artifacts/screenshots/<test>/."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def for_test(cls, test_name: str) -> Screens:
        folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        return cls(folder)

    def take(self, page: Page, step: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


def new_context(
    browser: Browser,
    base_url: str,
    viewport: ViewportSize | None = None,
    storage_state: Any = None,
) -> BrowserContext:
    """A browser context of its own (cookies), in Vietnamese, on Vietnam's time."""
    context = browser.new_context(
        base_url=base_url,
        viewport=viewport or DESKTOP,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        storage_state=storage_state,
    )
    context.set_default_timeout(60_000)
    return context


def sign_in(
    browser: Browser,
    base_url: str,
    username: str,
    viewport: ViewportSize | None = None,
) -> Page:
    """A new browser context signed in through the login form."""
    page = new_context(browser, base_url, viewport).new_page()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def act(page: Page, action: str) -> None:
    """Clicks a document's action button (#action-<action>) and waits for the page it leads to."""
    with page.expect_navigation(timeout=ACTION_SECONDS * 1000):
        page.locator(f"#action-{action}").click()
    heading = page.locator("h1").first.inner_text()
    assert page.locator("#document-facts").count() == 1, (
        f"{action}: {heading}: {page.locator('main').inner_text()}"
    )


def status_text(page: Page) -> str:
    return page.locator("#document-facts .status").first.inner_text().strip()


def wait_for_status(page: Page, label: str, seconds: float = 90) -> None:
    """Reloads the document page until its status reads `label` (the dispatch runs in Temporal)."""
    deadline = time.monotonic() + seconds
    while status_text(page) != label:
        if time.monotonic() > deadline:
            raise AssertionError(f"status still {status_text(page)!r} after {seconds} s")
        time.sleep(0.5)
        page.reload()


def horizontal_overflow(page: Page) -> dict[str, Any]:
    """The page's width against the window's, and the widest elements that stick out."""
    result: dict[str, Any] = page.evaluate(
        """() => {
            const inner = window.innerWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > inner + 1)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
            return {scrollWidth: document.documentElement.scrollWidth, innerWidth: inner, wide};
        }"""
    )
    return result


def axe_violations(page: Page, axe_script: Path) -> list[dict[str, Any]]:
    """Runs axe-core in the page; returns its violations (every impact)."""
    page.add_script_tag(path=str(axe_script))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)
