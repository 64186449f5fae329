"""The duplicate-arrival warning on the receiving clerk's pages (Nghị định 30, Phụ lục VI): the
same plan reaches two Thanh Hóa unions, which merge; the survivor's clerk registers both copies
from the document page, and the second is registered all the same, with the warning shown on the
document page and in the inbox — pages without serious accessibility violations (axe-core)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.ui import SERIOUS, Screens, act, axe_violations, describe, sign_in
from tests.e2e.flow import MERGED, SURVIVOR, issued_to_both
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WARNING = re.compile(r"Cảnh báo trùng: văn bản số .+ đã được vào sổ \(số đến \d+\)\.")


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def test_the_receiving_clerk_sees_the_duplicate_warning(
    browser: Browser, stack: Stack, screens: Screens, axe_script: Path
) -> None:
    plan = issued_to_both(stack, SURVIVOR, MERGED)
    clerk = sign_in(browser, stack.api_url, f"{SURVIVOR}.vanthu")
    clerk.goto(f"/documents/{plan['id']}")
    act(clerk, "register")
    facts = clerk.locator("#document-facts")
    assert "số đến" in facts.inner_text()
    assert facts.get_by_role("note").count() == 0  # the first arrival: no warning

    merged = stack.client("quantri").post(f"/api/v1/units/{MERGED}/merge", json={"into": SURVIVOR})
    assert merged.status_code == 200, merged.text
    clerk.goto(f"/documents/{plan['id']}")  # now the merged union's copy waits here
    screens.take(clerk, "merged-copy-to-register")
    act(clerk, "register")
    warning = clerk.locator("#document-facts").get_by_role("note")
    assert warning.count() == 1, clerk.locator("#document-facts").inner_text()
    assert WARNING.fullmatch(warning.inner_text().strip()), warning.inner_text()
    assert plan["number_symbol"] in warning.inner_text()
    screens.take(clerk, "document-duplicate-warning")
    no_serious_violations(clerk, axe_script)

    clerk.goto("/inbox")
    rows = clerk.get_by_role("row").filter(has_text=plan["number_symbol"])
    assert rows.count() == 2  # both copies in the survivor's register
    notes = rows.get_by_role("note")
    assert notes.count() == 1 and WARNING.fullmatch(notes.inner_text().strip())
    screens.take(clerk, "inbox-duplicate-warning")
    no_serious_violations(clerk, axe_script)
    clerk.context.close()
