"""The figures of a report form over periods, and the roll-up's exports, in the browser: the city
federation of Bến Tre ran the same form for two quarters (through the API, so that the test is
about the pages); its leader opens the chart of the figures over the periods, on a desktop and on
a phone, downloads the roll-up as Excel and CSV, and reads it all in English too."""

from __future__ import annotations

import csv
import io
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from documents.units import unit_id_for
from tests.browser.ui import (
    PHONE,
    SERIOUS,
    Screens,
    axe_violations,
    describe,
    horizontal_overflow,
    sign_in,
)
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CITY = "bentre-tp"
UNITS = ("thcs-phutan", "may-viettien")
QUARTERS = (
    ("Quý III/2026", "2026-07-01", "2026-09-30", {"thcs-phutan": 100, "may-viettien": 200}),
    ("Quý IV/2026", "2026-10-01", "2026-12-31", {"thcs-phutan": 150, "may-viettien": 250}),
)
TITLE = "Báo cáo chuyển đổi số của thành phố ({period})"


def figures(members: int) -> dict[str, Any]:
    return {
        "members": members,
        "members_in_database": members - 10,
        "officers_with_signature": 1,
        "members_with_signature": 10,
        "work_files": 20,
        "online_share": 50,
        "trainings": 1,
        "cashless_guided": 5,
    }


def accepted_round(stack: Stack, period: str, start: str, end: str, members: dict[str, int]) -> str:
    """A round of the city federation for its grassroots unions, each report submitted and
    accepted; returns its id."""
    with closing(stack.client(f"{CITY}.lanhdao")) as city:
        opened = city.post(
            "/api/v1/report-rounds",
            json={
                "title": TITLE.format(period=period),
                "form": "chuyen-doi-so",
                "period_label": period,
                "period_start": start,
                "period_end": end,
                "due_date": (date.today() + timedelta(days=10)).isoformat(),
                "target_levels": ["grassroots"],
            },
        )
        assert opened.status_code == 201, opened.text
        round_id: str = opened.json()["id"]
        for unit in UNITS:
            with closing(stack.client(f"{unit}.lanhdao")) as leader:
                path = f"/api/v1/report-rounds/{round_id}/submission"
                for _ in range(120):  # 404 until the round's workflow has asked the unit
                    sent = leader.post(path, json={"values": figures(members[unit])})
                    if sent.status_code != 404:
                        break
                    time.sleep(0.5)
                assert sent.status_code == 200, sent.text
            accepted = city.post(
                f"/api/v1/report-rounds/{round_id}/units/{unit_id_for(unit)}/accept"
            )
            assert accepted.status_code == 200, accepted.text
    return round_id


@pytest.fixture(scope="module")
def two_quarters(stack: Stack) -> str:
    """Both quarters' rounds, oldest first; returns the latest one's id."""
    return [accepted_round(stack, *quarter) for quarter in QUARTERS][-1]


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def test_the_chart_shows_the_figures_of_both_quarters(
    browser: Browser, stack: Stack, two_quarters: str, axe_script: Path, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, f"{CITY}.lanhdao")
    page.goto(f"/reports/{two_quarters}")
    assert page.locator("#periods").count() == 0  # computed only when asked
    page.get_by_role("link", name="Xem số liệu qua các kỳ").click()
    page.wait_for_url("**periods=1*")
    section = page.locator("section#periods")
    assert section.get_by_role("heading", name="Số liệu qua các kỳ").is_visible()
    members = section.get_by_role("img", name="Tổng số đoàn viên", exact=False)
    label = members.get_attribute("aria-label") or ""
    assert label == "Tổng số đoàn viên: Quý III/2026 300; Quý IV/2026 400", label
    bars = members.locator("rect")
    assert bars.count() == 2
    heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(2)]
    assert heights == [67.5, 90.0], heights  # 300 and 400: three quarters of the tallest
    # the tallest bar's figure is inside the chart, not cut off at its top edge
    top_figure = members.locator("text").filter(has_text="400").bounding_box()
    frame = members.bounding_box()
    assert top_figure is not None and frame is not None
    assert top_figure["y"] >= frame["y"], (top_figure, frame)
    screens.take(page, "chart-desktop")
    no_serious_violations(page, axe_script)
    page.context.close()

    phone = sign_in(browser, stack.api_url, f"{CITY}.lanhdao", PHONE)
    phone.goto(f"/reports/{two_quarters}?periods=1#periods")
    measured = horizontal_overflow(phone)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    chart = phone.locator("section#periods svg").first.bounding_box()
    assert chart is not None and chart["width"] <= PHONE["width"], chart
    screens.take(phone, "chart-phone")
    no_serious_violations(phone, axe_script)

    phone.goto("/lang/en")
    phone.goto(f"/reports/{two_quarters}?periods=1")
    assert phone.get_by_role("heading", name="Figures over periods").is_visible()
    assert phone.get_by_role("link", name="Download as Excel (.xlsx)").is_visible()
    screens.take(phone, "chart-english")
    phone.goto("/lang/vi")
    phone.context.close()


def test_the_roll_up_downloads_as_excel_and_csv(
    browser: Browser, stack: Stack, two_quarters: str, screens: Screens
) -> None:
    page = sign_in(browser, stack.api_url, f"{CITY}.lanhdao")
    page.goto(f"/reports/{two_quarters}")
    screens.take(page, "roll-up")
    with page.expect_download() as excel:
        page.get_by_role("link", name="Tải tệp Excel (.xlsx)").click()
    assert excel.value.suggested_filename.endswith(".xlsx"), excel.value.suggested_filename
    workbook = io.BytesIO(Path(excel.value.path()).read_bytes())  # saved without a suffix
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    header = next(row for row in rows if row[0] == "Đơn vị")
    members = next(i for i, title in enumerate(header) if str(title).startswith("Tổng số đoàn"))
    total = rows[-1]
    assert total[0] == "Tổng cộng: Liên đoàn Lao động thành phố Bến Tre", total
    assert total[members] == 400, total

    with page.expect_download() as comma_separated:
        page.get_by_role("link", name="Tải bảng tổng hợp (CSV, mở bằng Excel)").click()
    text = Path(comma_separated.value.path()).read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[-1][0] == "Tổng cộng: Liên đoàn Lao động thành phố Bến Tre"
    assert lines[-1][3] == "400"
    page.context.close()
