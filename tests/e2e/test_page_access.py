"""No page or download shows what the API refuses: for a dispatched plan of the Bến Tre
federation, each person (its drafter, a recipient's clerk, a unit below that did not receive it,
another province's clerk and leader, the national auditor) gets the same answer from the
document's page as from its API, and a refused page names nothing of the document."""

from __future__ import annotations

from contextlib import closing

import pytest

from tests.e2e.flow import NAVIGATION, PLAN_SUBJECT, issued_plan
from tests.stack import Stack, sign_in_page

# username -> whether the policy lets them read the document
READERS = {
    "bentre.chuyenvien": True,  # drafted it
    "bentre.vanthu": True,  # issued it
    "bentre-tp.vanthu": True,  # a recipient
    "thcs-phutan.vanthu": False,  # below a recipient, not sent to
    "thanhhoa.vanthu": False,  # another province
    "thanhhoa.lanhdao": False,
    "kiemtra": True,  # the national auditor
}


@pytest.fixture(scope="module")
def plan(stack: Stack) -> str:
    return issued_plan(stack)


@pytest.mark.parametrize(("username", "allowed"), READERS.items(), ids=list(READERS))
def test_the_page_answers_as_the_api_does(
    stack: Stack, plan: str, username: str, allowed: bool
) -> None:
    with closing(stack.client(username)) as person:
        api = person.get(f"/api/v1/documents/{plan}")
        page = person.get(f"/documents/{plan}")
        downloads = [
            person.get(f"/api/v1/documents/{plan}/file"),
            person.get(f"/api/v1/documents/{plan}/validation"),
        ]
    expected = 200 if allowed else 403
    assert api.status_code == expected, api.text
    assert page.status_code == expected, page.text[:500]
    assert [d.status_code for d in downloads] == [expected, expected]
    if allowed:
        assert PLAN_SUBJECT in page.text
    else:
        assert PLAN_SUBJECT not in page.text
        assert "Không thực hiện được (403)" in page.text
        assert not downloads[0].content.startswith(b"%PDF")


def test_a_role_without_tasks_is_shown_where_to_go(stack: Stack) -> None:
    with closing(stack.client()) as auditor:
        assert sign_in_page(auditor, "kiemtra").status_code in (200, 303)
        home = auditor.get("/")
        assert home.status_code == 200
        assert 'id="no-tasks"' in home.text
        for link in ('href="/search"', 'href="/archive"', 'href="/audit/sign-ins"'):
            assert home.text.count(link) == 2, link  # the menu's and the hint's
    with closing(stack.client()) as clerk:
        sign_in_page(clerk, "bentre.vanthu")
        assert 'id="no-tasks"' not in clerk.get("/").text  # the clerk's lists instead


@pytest.mark.parametrize(
    ("username", "drafts"),
    [
        ("bentre.chuyenvien", True),
        ("bentre.lanhdao", False),
        ("bentre.vanthu", False),
        ("kiemtra", False),
    ],
)
def test_only_drafters_are_offered_the_compose_form(
    stack: Stack, username: str, drafts: bool
) -> None:
    with closing(stack.client()) as browser:
        sign_in_page(browser, username)
        assert ('href="/compose"' in browser.get("/").text) is drafts
        compose = browser.get("/compose")
        assert compose.status_code == (200 if drafts else 403)
        if not drafts:  # said before the form is filled in, not after
            assert "không có quyền soạn thảo văn bản" in compose.text


def test_a_file_link_refused_to_a_browser_is_a_page_and_to_a_program_json(
    stack: Stack, plan: str
) -> None:
    with closing(stack.client()) as browser:
        sign_in_page(browser, "thanhhoa.vanthu")  # another province: may not read the plan
        for path in (f"/api/v1/documents/{plan}/file", "/api/v1/folders/unknown/export.zip"):
            opened = browser.get(path, headers={"Accept": NAVIGATION})
            assert opened.status_code in (403, 422), opened.text[:300]
            assert opened.headers["content-type"].startswith("text/html"), path
            assert 'id="error-page"' in opened.text and PLAN_SUBJECT not in opened.text
            asked = browser.get(path)  # a program: */*
            assert asked.status_code == opened.status_code
            assert asked.json()["message"] and "message_en" in asked.json()
    with closing(stack.client()) as stranger:  # not signed in: to the sign-in page
        opened = stranger.get(f"/api/v1/documents/{plan}/file", headers={"Accept": NAVIGATION})
        assert opened.status_code == 303 and opened.headers["location"] == "/login"
