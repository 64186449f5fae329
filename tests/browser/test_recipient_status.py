"""The document page's per-recipient status in Chromium: a dispatch to 61 units is shown 50 rows
at a time, the next page holds the rest, and the table filters by a unit's name typed without
diacritics and by status — never the whole list at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.ui import Screens, sign_in
from tests.e2e.flow import issued_plan
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

UNITS = 60


def import_units(stack: Stack, directory: Path) -> None:
    """A provincial federation of its own with 60 grassroots unions, so that the shared tree's
    other units (and the other tests' counts) stay as they are."""
    rows = [
        "ldld-phantrang,Liên đoàn Lao động thử phân trang,LĐLĐ thử phân trang,LĐLĐ,provincial,"
        "tld,Hà Nội",
        *(
            f"cs-phantrang-{i:02d},Công đoàn cơ sở Xí nghiệp số {i:02d},CĐCS XN {i:02d},CĐCS,"
            "grassroots,ldld-phantrang,Hà Nội"
            for i in range(1, UNITS + 1)
        ),
    ]
    path = directory / "units.csv"
    path.write_text("code,name,short_name,abbreviation,level,parent_code,place\n" + "\n".join(rows))
    stack.cli("import-units", str(path))


def test_the_status_table_is_paged_and_filtered(
    browser: Browser, stack: Stack, screens: Screens, tmp_path: Path
) -> None:
    import_units(stack, tmp_path)
    document_id = issued_plan(
        stack, recipients=["children:ldld-phantrang"], subject="Kế hoạch thử phân trang"
    )
    page = sign_in(browser, stack.api_url, "bentre.vanthu")
    page.goto(f"/documents/{document_id}")
    # the progress bar is filled by the page's script from the dispatch's progress endpoint
    page.wait_for_function(
        """() => {
            const box = document.getElementById("dispatch-progress");
            const bar = box.querySelector("progress");
            return box.dataset.running === "0" && bar.max === 60 && bar.value === 60;
        }"""
    )
    progress = page.locator("#dispatch-progress")
    assert progress.locator("[data-figure=delivered]").inner_text() == "60"
    assert progress.locator("[data-figure=total]").inner_text() == "60"
    section = page.locator("#recipient-status")
    rows = section.locator("#recipient-table tbody tr")
    assert rows.count() == 50
    assert "60 đơn vị · trang 1/2" in section.locator("#recipient-count").inner_text()
    screens.take(page, "recipient-status-page-1")

    section.get_by_role("link", name="Trang sau »").click()
    page.wait_for_url(re.compile(r"rpage=2"))
    assert rows.count() == 10
    assert "trang 2/2" in section.locator("#recipient-count").inner_text()
    assert section.get_by_role("link", name="« Trang trước").is_visible()

    section.get_by_label("Tên đơn vị").fill("xi nghiep so 07")  # without diacritics
    section.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"rname="))
    assert rows.count() == 1
    assert rows.first.inner_text().startswith("Công đoàn cơ sở Xí nghiệp số 07")
    screens.take(page, "recipient-status-filtered")

    section.get_by_label("Tên đơn vị").fill("")
    section.get_by_label("Tình trạng").select_option("acknowledged")
    section.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"rstatus=acknowledged"))
    assert "Không có đơn vị nào khớp." in section.inner_text()
    section.get_by_label("Tình trạng").select_option("delivered")
    section.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"rstatus=delivered"))
    assert rows.count() == 50
    page.context.close()
