"""The union tree administered in the browser: the administrator imports grassroots unions from a
CSV file (a bad file is refused line by line, nothing imported), renames one, moves it under
another federation, merges the other into it and sets its outgoing register; each refusal says
what is wrong. Screenshots of each step; axe-core finds no serious violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.ui import (
    PHONE,
    SERIOUS,
    Screens,
    axe_violations,
    describe,
    horizontal_overflow,
    sign_in,
)
from tests.stack import Stack, running_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: this test imports, moves and merges units in Bến Tre's subtree, which
    the report journeys on the shared stack count (2 of 4 units submitted)."""
    with running_stack(tmp_path_factory.mktemp("admin-tree-stack")) as running:
        yield running


HEADER = "code,name,short_name,abbreviation,level,parent_code,place\n"
GOOD = HEADER + (
    "thpt-lacvien,Công đoàn cơ sở Trường THPT Lạc Viên,CĐCS THPT Lạc Viên,CĐCS,grassroots,"
    "bentre-tp,Bến Tre\n"
    "cty-dua-bentre,Công đoàn cơ sở Công ty Dừa Bến Tre,CĐCS Công ty Dừa,CĐCS,grassroots,"
    "bentre-tp,Bến Tre\n"
)
BAD = HEADER + (
    "thpt-ok,Công đoàn cơ sở Trường THPT Đồng Khởi,CĐCS THPT Đồng Khởi,CĐCS,grassroots,"
    "bentre-tp,Bến Tre\n"
    "thpt-loi,Công đoàn cơ sở Trường THPT Lỗi,CĐCS THPT Lỗi,CĐCS,grassroots,khong-co,Bến Tre\n"
)


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def upload(page: Page, text: str) -> None:
    csv_file: FilePayload = {
        "name": "don-vi.csv",
        "mimeType": "text/csv",
        "buffer": text.encode("utf-8"),
    }
    page.get_by_label("Tệp CSV").set_input_files(files=[csv_file])
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập", exact=True).click()


def submit(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='/{action}'] button[type=submit]").click()


def test_an_administrator_imports_renames_moves_and_merges_units(
    browser: Browser, stack: Stack, axe_script: Path, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, "quantri", PHONE)
    page.get_by_role("link", name="Quản trị").click()
    page.wait_for_url("**/admin/units")

    upload(page, BAD)
    refused = page.locator("#import-errors")
    assert "1 dòng lỗi, không đơn vị nào được nhập" in refused.inner_text()
    assert "Dòng 3:" in refused.inner_text() and "khong-co" in refused.inner_text()
    assert "Sửa các dòng dưới đây" in refused.inner_text()
    screens.take(page, "import-refused")
    no_serious_violations(page, axe_script)
    page.goto("/admin/units?q=dong+khoi")
    assert page.get_by_text("Không tìm thấy đơn vị nào.").is_visible()  # nothing imported

    page.goto("/admin/units")
    upload(page, GOOD)
    # post, redirect, get: the result is a page of its own, and reloading it imports nothing
    assert page.url.endswith("/admin/units?imported=2"), page.url
    assert page.get_by_role("status").inner_text() == "Đã nhập 2 đơn vị."
    screens.take(page, "imported")
    page.reload()
    assert page.get_by_role("status").inner_text() == "Đã nhập 2 đơn vị."
    assert page.locator("#import-errors").count() == 0  # a second import would refuse the codes
    page.get_by_label("Tên hoặc mã đơn vị").fill("lac vien")  # without diacritics
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Công đoàn cơ sở Trường THPT Lạc Viên").click()
    page.wait_for_url("**/admin/units/thpt-lacvien")
    measured = horizontal_overflow(page)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    no_serious_violations(page, axe_script)

    rename = page.locator("form[action$='/rename']")
    rename.get_by_label("Tên đầy đủ").fill("Công đoàn cơ sở Trường THPT Lạc Viên Bến Tre")
    rename.get_by_label("Tên ngắn").fill("CĐCS THPT Lạc Viên BT")
    submit(page, "rename")
    assert page.locator("#action-done").inner_text() == "Đã đổi tên đơn vị."
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Công đoàn cơ sở Trường THPT Lạc Viên Bến Tre"
    )
    screens.take(page, "renamed")

    page.locator("form[action$='/move']").get_by_label("Mã đơn vị cấp trên mới").fill("khong-co")
    submit(page, "move")
    error = page.locator("#action-error")
    assert error.is_visible() and "khong-co" in error.inner_text(), error.inner_text()
    screens.take(page, "move-refused")
    page.locator("form[action$='/move']").get_by_label("Mã đơn vị cấp trên mới").fill("bentre-kcn")
    submit(page, "move")
    assert page.locator("#action-done").inner_text() == "Đã chuyển đơn vị sang cấp trên mới."
    facts = page.locator("dl.facts").inner_text()
    assert "Công đoàn các Khu công nghiệp tỉnh Bến Tre" in facts, facts
    screens.take(page, "moved")

    register = page.locator("form[action$='/register-mode']")
    register.get_by_label("Mỗi loại văn bản một sổ").check()
    submit(page, "register-mode")
    assert page.locator("#action-done").inner_text() == "Đã lưu cách lập sổ."
    assert "Mỗi loại văn bản một sổ" in page.locator("dl.facts").inner_text()
    screens.take(page, "register-set")

    page.goto("/admin/units/cty-dua-bentre")
    page.locator("form[action$='/merge']").get_by_label("Mã đơn vị nhận (cùng cấp)").fill(
        "thpt-lacvien"
    )
    submit(page, "merge")
    assert page.locator("#action-done").inner_text() == "Đã hợp nhất đơn vị."
    assert "Đã hợp nhất" in page.locator("dl.facts").inner_text()
    assert page.locator("form[action$='/rename']").count() == 0  # a merged unit is not reorganised
    screens.take(page, "merged")
    no_serious_violations(page, axe_script)

    page.goto("/lang/en")
    page.goto("/admin/units/thpt-lacvien")
    assert page.get_by_role("heading", name="Reorganise the unit").is_visible()
    assert "One register per document type" in page.locator("dl.facts").inner_text()
    screens.take(page, "unit-english")
    page.goto("/lang/vi")
    page.context.close()
