"""The approval chain through the web pages in headless Chromium: the drafter picks a reviewer
when submitting, the reviewer finds it in the to-do and approves with a comment, the leader sees
the chain and signs. Each page is checked with axe-core. (Thanh Hóa, so that the other browser
tests' Bến Tre accounts stay as the demo made them.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.ui import (
    PASSWORD,
    SERIOUS,
    Screens,
    act,
    axe_violations,
    describe,
    sign_in,
    status_text,
)
from tests.e2e.flow import draft_plan
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SUBJECT = "Kế hoạch tập huấn nghiệp vụ văn thư năm 2027"
REVIEWER = "thanhhoa.truongphong"


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def test_a_reviewer_approves_from_the_to_do_then_the_leader_signs(
    browser: Browser, stack: Stack, screens: Screens, axe_script: Path
) -> None:
    opened = stack.client("quantri").post(
        "/api/v1/accounts",
        json={
            "username": REVIEWER,
            "full_name": "Lê Văn Duyệt",
            "unit": "thanhhoa",
            "roles": ["drafter"],
            "title": "Trưởng ban Tổ chức",
            "password": PASSWORD,
        },
    )
    assert opened.status_code == 201, opened.text
    created = draft_plan(
        stack.client("thanhhoa.chuyenvien"),
        subject=SUBJECT,
        recipients=["yendinh"],
        signer="thanhhoa.lanhdao",
    )
    assert created.status_code == 201, created.text
    document_path = f"/documents/{created.json()['id']}"

    drafter = sign_in(browser, stack.api_url, "thanhhoa.chuyenvien")
    drafter.goto(document_path)
    # the PDF is on the page, folded away (no file fetched) for whoever has nothing to decide
    assert drafter.locator("#pdf-view").get_attribute("open") is None
    assert drafter.locator("#pdf-frame").get_attribute("src") is None
    drafter.locator("select[name=reviewers]").first.select_option(REVIEWER)
    no_serious_violations(drafter, axe_script)
    screens.take(drafter, "drafter-chooses-a-reviewer")
    act(drafter, "submit")
    assert status_text(drafter) == "Đã trình ký"
    assert "Lê Văn Duyệt" in drafter.locator("#review-chain").inner_text()
    assert drafter.locator("#step-withdraw").count() == 1

    reviewer = sign_in(browser, stack.api_url, REVIEWER)
    reviewer.get_by_role("link", name=re.compile(re.escape(SUBJECT))).first.click()
    reviewer.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    assert reviewer.locator("#action-sign").count() == 0
    # the reviewer reads the PDF on the page itself
    assert reviewer.locator("#pdf-view").get_attribute("open") is not None
    frame = reviewer.get_by_title("Nội dung văn bản (PDF)")
    source = frame.get_attribute("src") or ""
    assert source == f"/api/v1/documents/{created.json()['id']}/file#view=FitH", source
    pdf = reviewer.request.get(source.split("#")[0])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline")
    no_serious_violations(reviewer, axe_script)
    screens.take(reviewer, "reviewer-document")
    reviewer.locator("form[action$='/step/approve'] textarea").fill("Đồng ý, đề nghị ký")
    with reviewer.expect_navigation():
        reviewer.locator("#step-approve").click()
    assert reviewer.locator("#step-approve").count() == 0
    assert "đã đồng ý" in reviewer.locator("#review-chain").inner_text()

    leader = sign_in(browser, stack.api_url, "thanhhoa.lanhdao")
    leader.goto(document_path)
    assert leader.locator("#pdf-view").get_attribute("open") is not None  # the signer reads it
    screens.take(leader, "leader-after-review")
    act(leader, "sign")
    assert status_text(leader) == "Lãnh đạo đã ký"
    history = leader.locator("table").last.inner_text()
    assert "Người duyệt đồng ý" in history
