"""A report round through the web pages only, in headless Chromium: the Bến Tre federation's
leader opens a round for its grassroots unions, two of them fill, sign and submit the form, the
city federation returns one and accepts both in the end, and the roll-up shows the totals of
each level with the missing units. Each screen is kept under test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.browser.ui import ACTION_SECONDS, Screens, sign_in
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

TITLE = "Báo cáo chuyển đổi số quý IV/2026 (thử trên trình duyệt)"


def fill_report(page: Page, members: int, website: bool) -> None:
    form = page.locator("#report-form")
    for key, value in (
        ("members", members),
        ("members_in_database", members - 10),
        ("officers_with_signature", 2),
        ("members_with_signature", 20),
        ("work_files", 50),
        ("online_share", "80,5"),
        ("trainings", 1),
        ("cashless_guided", 30),
    ):
        form.locator(f"input[name=v_{key}]").fill(str(value))
    if website:
        form.locator("input[name=v_has_website]").check()
    form.locator("textarea[name=v_difficulties]").fill("Cần thêm máy tính cho văn phòng")


def click_and_wait(page: Page, selector: str) -> None:
    with page.expect_navigation(timeout=ACTION_SECONDS * 1000):
        page.locator(selector).click()


def open_round_page(page: Page) -> None:
    page.goto("/reports")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(re.compile(r"/reports/[0-9a-f-]{36}"))


def test_a_round_is_opened_filled_by_two_units_and_rolled_up(
    browser: Browser, stack: Stack, screens: Screens
) -> None:
    leader = sign_in(browser, stack.api_url, "bentre.lanhdao")
    leader.get_by_role("link", name="Báo cáo").first.click()
    leader.wait_for_url(re.compile(r"/reports$"))
    form = leader.locator("#open-round")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=period_label]").fill("Quý IV/2026")
    form.locator("input[name=period_start]").fill("2026-10-01")
    form.locator("input[name=period_end]").fill("2026-12-31")
    form.locator("input[name=due_date]").fill((date.today() + timedelta(days=14)).isoformat())
    screens.take(leader, "leader-opens-round")
    click_and_wait(leader, "#open-round-button")
    round_url = leader.url
    assert leader.locator("h1").inner_text() == TITLE
    screens.take(leader, "leader-round-opened")

    # two grassroots unions fill, sign and submit; the to-do page points them to the form
    for unit, members, website in (("thcs-phutan", 120, True), ("may-viettien", 300, False)):
        unit_leader = sign_in(browser, stack.api_url, f"{unit}.lanhdao")
        unit_leader.get_by_role("link", name=TITLE).first.click()
        unit_leader.wait_for_url(re.compile(r"/reports/[0-9a-f-]{36}"))
        fill_report(unit_leader, members, website)
        screens.take(unit_leader, f"{unit}-fills")
        click_and_wait(unit_leader, "#submit-report")
        status = unit_leader.locator("#own-report .status").inner_text()
        assert status == "Đã nộp, chờ duyệt", unit_leader.locator("main").inner_text()
        screens.take(unit_leader, f"{unit}-submitted")

    # the city federation returns one with a reason, then accepts both after the fix
    city = sign_in(browser, stack.api_url, "bentre-tp.lanhdao")
    open_round_page(city)
    screens.take(city, "city-reviews")
    viettien_review = city.locator("article", has=city.locator("#return-may-viettien"))
    viettien_review.get_by_label("Lý do trả lại").fill("Đề nghị kiểm tra số đoàn viên")
    click_and_wait(city, "#return-may-viettien")
    viettien = sign_in(browser, stack.api_url, "may-viettien.lanhdao")
    open_round_page(viettien)
    assert "Đề nghị kiểm tra số đoàn viên" in viettien.locator("#own-report").inner_text()
    viettien.locator("input[name=v_members]").fill("280")
    viettien.locator("input[name=v_members_in_database]").fill("270")
    screens.take(viettien, "may-viettien-resubmits")
    click_and_wait(viettien, "#submit-report")
    city.reload()
    click_and_wait(city, "#accept-thcs-phutan")
    click_and_wait(city, "#accept-may-viettien")
    assert city.locator("#review").count() == 0
    city_rollup = city.locator("#rollup").inner_text()
    assert "Liên đoàn Lao động thành phố Bến Tre" in city_rollup
    assert "400" in city_rollup
    screens.take(city, "city-rollup")

    # the province sees its totals, the line of each federation below it and the missing units
    leader.goto(round_url)
    rollup = leader.locator("#rollup")
    assert "Đã tiếp nhận 2/4 đơn vị" in rollup.inner_text()
    assert rollup.get_by_role("row", name=re.compile("Tổng số đoàn viên 400")).count() == 1
    assert rollup.get_by_role("link", name="Liên đoàn Lao động thành phố Bến Tre").count() == 1
    missing = leader.locator("#missing").inner_text()
    assert "Công đoàn cơ sở Công ty CP Thủy sản Bến Tre" in missing
    assert "Công đoàn cơ sở Trường THCS Phú Tân" not in missing
    screens.take(leader, "leader-rollup")
    rollup.get_by_role("link", name="Liên đoàn Lao động thành phố Bến Tre").click()
    leader.wait_for_url(re.compile(r"\?unit="))
    assert "Lên cấp trên" in leader.locator("#rollup").inner_text()
    screens.take(leader, "leader-drills-down")
    leader.goto(round_url)
    click_and_wait(leader, "#close-round")
    assert leader.get_by_role("link", name="Bảng tổng hợp đã ký (PDF)").count() == 1
    screens.take(leader, "leader-closed")
