"""People and access in the browser: a person changes their password (a wrong current password
is explained on the page; their other session ends), and an administrator works in the
administration pages (a refusal says what to do; a role is granted). Screenshots of each step;
axe-core finds no serious violation on the pages shown."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.ui import (
    PASSWORD,
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
    from playwright.sync_api import Browser, Page

NEW_PASSWORD = "Trăng rằm tháng Tám 2026"


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def create_account(stack: Stack, username: str, unit: str, roles: list[str]) -> None:
    with closing(stack.client("quantri")) as admin:
        created = admin.post(
            "/api/v1/accounts",
            json={
                "username": username,
                "full_name": "Võ Thị Thu Hà",
                "unit": unit,
                "roles": roles,
                "password": PASSWORD,
            },
        )
    assert created.status_code == 201, created.text


def test_a_person_changes_their_password(
    browser: Browser, stack: Stack, axe_script: Path, screens: Screens
) -> None:
    create_account(stack, "vo.thi.thu.ha", "bentre-tp", ["drafter"])
    other_device = sign_in(browser, stack.api_url, "vo.thi.thu.ha")
    page = sign_in(browser, stack.api_url, "vo.thi.thu.ha", PHONE)
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.wait_for_url("**/account/password")
    screens.take(page, "password-form")
    no_serious_violations(page, axe_script)

    page.get_by_label("Mật khẩu hiện tại").fill("không phải mật khẩu")
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Mật khẩu hiện tại không đúng."
    screens.take(page, "wrong-current-password")

    page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đổi mật khẩu").click()
    assert page.url.endswith("/account/password?done=1"), page.url  # post, redirect, get
    assert "Đã đổi mật khẩu" in page.locator("#password-changed").inner_text()
    screens.take(page, "password-changed")
    measured = horizontal_overflow(page)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    no_serious_violations(page, axe_script)
    # this browser keeps its session; the other device is signed out
    page.goto("/")
    assert page.get_by_role("heading", name="Việc cần làm").is_visible()
    other_device.goto("/")
    other_device.wait_for_url("**/login")
    screens.take(other_device, "other-session-ended")
    # the new password signs in; the old one no longer does
    fresh = new_context(browser, stack.api_url).new_page()
    fresh.goto("/login")
    fresh.locator("input[name=username]").fill("vo.thi.thu.ha")
    fresh.locator("input[name=password]").fill(PASSWORD)
    fresh.locator("form[action='/login'] button[type=submit]").click()
    assert fresh.get_by_role("alert").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    fresh.locator("input[name=password]").fill(NEW_PASSWORD)
    fresh.locator("form[action='/login'] button[type=submit]").click()
    fresh.wait_for_url(f"{stack.api_url}/")


def test_an_administrator_manages_a_units_accounts(
    browser: Browser, stack: Stack, axe_script: Path, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, "quantri")
    page.get_by_role("link", name="Quản trị").click()
    page.get_by_label("Tên hoặc mã đơn vị").fill("phu tan")  # without diacritics
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Công đoàn cơ sở Trường THCS Phú Tân").click()
    page.wait_for_url("**/admin/units/thcs-phutan")
    screens.take(page, "unit-page")
    no_serious_violations(page, axe_script)

    form = page.locator("#create-account")
    form.get_by_label("Tên đăng nhập").fill("le.van.tam")
    form.get_by_label("Họ và tên").fill("Lê Văn Tâm")
    form.get_by_label("Văn thư").check()
    form.get_by_label("Mật khẩu ban đầu").fill("ngắn quá")
    form.get_by_label("Mật khẩu ban đầu").evaluate("input => input.removeAttribute('minlength')")
    form.get_by_role("button", name="Tạo tài khoản").click()
    error = page.locator("#action-error")
    assert error.inner_text() == "Mật khẩu mới phải có ít nhất 10 ký tự."
    screens.take(page, "refused-with-reason")

    form = page.locator("#create-account")
    form.get_by_label("Tên đăng nhập").fill("le.van.tam")
    form.get_by_label("Họ và tên").fill("Lê Văn Tâm")
    form.get_by_label("Văn thư").check()
    form.get_by_label("Mật khẩu ban đầu").fill("Mật khẩu đầu tiên")
    form.get_by_role("button", name="Tạo tài khoản").click()
    assert page.locator("#action-done").inner_text() == "Đã tạo tài khoản."
    row = page.locator("#account-le\\.van\\.tam")
    row.get_by_label("Vai trò cấp thêm cho le.van.tam").select_option("drafter")
    row.get_by_role("button", name="Cấp vai trò").click()
    assert page.locator("#action-done").inner_text() == "Đã cấp vai trò."
    row = page.locator("#account-le\\.van\\.tam")
    assert "Chuyên viên" in row.inner_text() and "Văn thư" in row.inner_text()
    screens.take(page, "role-granted")
    no_serious_violations(page, axe_script)

    page.get_by_role("link", name="Lịch sử đăng nhập").click()
    page.get_by_label("Tên đăng nhập", exact=True).fill("vo.thi.thu.ha")
    page.get_by_role("button", name="Lọc").click()
    screens.take(page, "sign-in-history")
    no_serious_violations(page, axe_script)

    # in English too
    page.goto("/lang/en")
    page.goto("/admin/units/thcs-phutan")
    assert page.get_by_role("heading", name="Accounts of the unit").is_visible()
    screens.take(page, "unit-page-english")
    page.goto("/lang/vi")
