"""Remote signing (ký từ xa) through the web pages in headless Chromium, on a stack set up as
``make run`` sets up the demo (the development CSC service and its phone page): the leader
chooses "Ký từ xa (CSC)", waits on "Đang chờ xác nhận trên điện thoại…", approves on the phone
page in another tab, and the waiting page moves on to the signed document by itself. The
waiting page and the phone page are checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.ui import SERIOUS, Screens, axe_violations, describe, sign_in, status_text
from tests.e2e.flow import draft_plan
from tests.e2e.remote import csc_port_of, remote_signing_stack
from tests.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

LEADER = "bentre.lanhdao"
SUBJECT = "Kế hoạch ký từ xa qua điện thoại"


@pytest.fixture(scope="module")
def remote_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with remote_signing_stack(tmp_path_factory.mktemp("remote-browser-stack")) as stack:
        yield stack


@pytest.fixture(scope="module")
def csc_port(remote_stack: Stack) -> int:
    return csc_port_of(remote_stack)


def no_serious_violations(page: Page, axe_script: Path) -> None:
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert not serious, describe(serious)


def test_the_leader_waits_for_the_phone_then_sees_the_document_signed(
    browser: Browser, remote_stack: Stack, csc_port: int, screens: Screens, axe_script: Path
) -> None:
    drafter = remote_stack.client("bentre.chuyenvien")
    created = draft_plan(drafter, subject=SUBJECT)
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200

    leader = sign_in(browser, remote_stack.api_url, LEADER)
    leader.goto(f"/documents/{document_id}")
    leader.get_by_label("Ký từ xa (CSC)").check()
    with leader.expect_navigation():
        leader.locator("#action-sign").click()

    assert leader.url.endswith(f"/documents/{document_id}/signing")
    state = leader.locator("#signing-state")
    assert state.inner_text().startswith("Đang chờ xác nhận trên điện thoại…")
    no_serious_violations(leader, axe_script)
    screens.take(leader, "waiting-for-the-phone")

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"http://127.0.0.1:{csc_port}/phone")
    request = phone.get_by_role("listitem").filter(has_text=f"Ký số văn bản: {SUBJECT}")
    request.wait_for(timeout=30_000)
    no_serious_violations(phone, axe_script)
    screens.take(phone, "phone-asks")
    with phone.expect_navigation():
        request.get_by_role("button", name="Xác nhận ký").click()
    assert "Đã xác nhận ký" in phone.locator("[role=status]").inner_text()

    leader.wait_for_url(f"**/documents/{document_id}", timeout=90_000)
    assert status_text(leader) == "Lãnh đạo đã ký"
    screens.take(leader, "signed")
