"""Fixtures of the browser suite: Debian's Chromium driven by Playwright for Python (no browser
download: it is launched through `executable_path`), axe-core's script from the npm registry,
and one embedded stack (Temporal dev server, worker, web app) for the whole folder.

`scripts/install-chromium.sh` installs Chromium and axe-core; a missing piece skips locally with
the reason and fails under CI=true (tests/conftest.py)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.ui import REPO, Screens
from tests.e2e.flow import issued_plan
from tests.stack import Stack, running_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CALL_FAILED = pytest.StashKey[bool]()
INSTALL_SCRIPT = REPO / "scripts" / "install-chromium.sh"
# Playwright adds --headless itself (headless=True); a fresh profile comes with every launch().
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> Path | None:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return Path(found) if Path(found).exists() else None


def axe_path() -> Path:
    """.cache/axe/<version>/axe.min.js, the version being the one the install script pins."""
    pinned = re.search(r"^AXE_VERSION=(\S+)$", INSTALL_SCRIPT.read_text(), re.MULTILINE)
    assert pinned, f"no AXE_VERSION in {INSTALL_SCRIPT}"
    return REPO / ".cache" / "axe" / pinned.group(1) / "axe.min.js"


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (PyPI playwright)")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed: run scripts/install-chromium.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="package")
def axe_script() -> Path:
    path = axe_path()
    if not path.exists():
        pytest.skip(f"axe-core is missing ({path}): run scripts/install-chromium.sh")
    return path


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack the browser tests share (tests that reorganise the demo tree start their own)."""
    with running_stack(tmp_path_factory.mktemp("browser-stack")) as running:
        yield running


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Iterator[Screens]:
    """Screenshots of the test's steps; when the test fails, also of every page still open.
    The test's browser contexts (each with a person's cookies) are closed afterwards."""
    taken = Screens.for_test(request.node.name)
    yield taken
    if "browser" not in request.fixturenames:
        return
    browser: Browser = request.getfixturevalue("browser")
    for context in browser.contexts:
        if request.node.stash.get(CALL_FAILED, False):
            for page in context.pages:
                taken.take(page, "failed")
        context.close()


@pytest.fixture(scope="package")
def dispatched_plan(stack: Stack) -> str:
    """A plan of the Bến Tre federation, issued and dispatched through the API (so that the page
    checks have a document with signatures, recipients and history); returns its id."""
    return issued_plan(stack)


@pytest.fixture(scope="package")
def archive_folder(stack: Stack, dispatched_plan: str) -> str:
    """A file folder of the Bến Tre federation holding the dispatched plan, and one of 2020 not
    yet transferred (so the clerk's to-do lists it as due); returns the first one's id."""
    clerk = stack.client("bentre.vanthu")
    folder = {"year": 2026, "code": "01.KH", "title": "Kế hoạch công tác năm 2026"}
    folder_id: str = clerk.post("/api/v1/folders", json=folder).json()["id"]
    filed = clerk.post(f"/api/v1/documents/{dispatched_plan}/file", json={"folder_id": folder_id})
    assert filed.status_code == 200, filed.text
    old = {"year": 2020, "code": "03.TB", "title": "Thông báo năm 2020", "retention_years": 10}
    assert clerk.post("/api/v1/folders", json=old).status_code == 201
    return folder_id


@pytest.fixture(scope="package")
def report_round(stack: Stack) -> str:
    """A report round of the Bến Tre federation for its grassroots unions, opened through the
    API, with one report submitted (so the pages show a form, a review and a roll-up)."""
    from datetime import date, timedelta

    opened = stack.client("bentre.lanhdao").post(
        "/api/v1/report-rounds",
        json={
            "title": "Báo cáo chuyển đổi số (kiểm tra trang)",
            "form": "chuyen-doi-so",
            "period_label": "Quý IV/2026",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "due_date": (date.today() + timedelta(days=10)).isoformat(),
            "target_levels": ["grassroots"],
        },
    )
    opened.raise_for_status()
    round_id: str = opened.json()["id"]
    leader = stack.client("may-viettien.lanhdao")
    for _ in range(120):
        sent = leader.post(
            f"/api/v1/report-rounds/{round_id}/submission",
            json={
                "values": {
                    "members": 50,
                    "members_in_database": 40,
                    "officers_with_signature": 1,
                    "members_with_signature": 5,
                    "work_files": 10,
                    "online_share": 50,
                    "trainings": 0,
                    "cashless_guided": 3,
                }
            },
        )
        if sent.status_code != 404:  # 404 until the workflow has asked the unit
            sent.raise_for_status()
            return round_id
        time.sleep(0.5)
    raise AssertionError("the round never asked the unit")
