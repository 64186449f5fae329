"""Where the pages send the browser after a request, over HTTP on the real processes: the
language switch and a report review go back to the page one came from only when it is a page
of this site (never to another site named by the Referer header: no open redirect); a unit-tree
import and a password change answer their POST with a 303 (post, redirect, get), the result
shown by the page the browser then loads, so that reloading it sends nothing again."""

from __future__ import annotations

from contextlib import closing
from urllib.parse import urlsplit

import httpx
import pytest

from documents.units import unit_id_for
from tests.e2e.test_accounts_api import NEW_PASSWORD, csrf_of, new_account, page_client
from tests.e2e.test_report_rounds_api import open_round, submit, wait_until_asked
from tests.stack import Stack

FOREIGN = [
    "https://evil.example/dang-nhap",
    "http://evil.example",
    "//evil.example/dang-nhap",
    "\\\\evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]

HEADER = "code,name,short_name,abbreviation,level,parent_code,place\n"
UNITS = HEADER + (
    "thpt-chuyen-bentre,Công đoàn cơ sở Trường THPT chuyên Bến Tre,CĐCS THPT chuyên Bến Tre,"
    "CĐCS,grassroots,bentre-tp,Bến Tre\n"
)


def location(response: httpx.Response) -> str:
    return response.headers["location"]


@pytest.mark.parametrize("referer", FOREIGN)
def test_the_language_switch_never_leaves_the_site(stack: Stack, referer: str) -> None:
    with closing(stack.client()) as browser:
        switched = browser.get("/lang/en", headers={"Referer": referer})
        assert switched.status_code == 303 and location(switched) == "/", referer
        assert 'lang="en"' in browser.get("/login").text  # the switch itself still works


def test_the_language_switch_goes_back_to_the_page_of_this_site(stack: Stack) -> None:
    with closing(stack.client()) as browser:
        here = f"{stack.api_url}/search?q=k%E1%BA%BF+ho%E1%BA%A1ch&page=2"
        assert location(browser.get("/lang/en", headers={"Referer": here})) == (
            "/search?q=k%E1%BA%BF+ho%E1%BA%A1ch&page=2"
        )
        assert location(browser.get("/lang/vi", headers={"Referer": "/inbox"})) == "/inbox"
        assert location(browser.get("/lang/vi")) == "/"
        host = urlsplit(stack.api_url).hostname
        elsewhere = f"http://{host}:1/inbox"  # same host, another port: another site
        assert location(browser.get("/lang/vi", headers={"Referer": elsewhere})) == "/"


def test_a_report_review_goes_back_only_to_a_page_of_this_site(stack: Stack) -> None:
    created = open_round(stack, title="Báo cáo kiểm tra chuyển hướng")
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    wait_until_asked(stack.client("bentre.lanhdao"), round_id, 4)
    assert submit(stack, "may-viettien", round_id).status_code == 200
    assert submit(stack, "thcs-phutan", round_id).status_code == 200
    with closing(page_client(stack, "bentre-tp.lanhdao")) as city:
        csrf = csrf_of(city.get(f"/reports/{round_id}").text)
        units = f"/reports/{round_id}/units"
        returned = city.post(
            f"{units}/{unit_id_for('may-viettien')}/return",
            data={"csrf_token": csrf, "reason": "Số đoàn viên chưa khớp"},
            headers={"Referer": "https://evil.example/bao-cao"},
        )
        assert returned.status_code == 303 and location(returned) == f"/reports/{round_id}"
        accepted = city.post(
            f"{units}/{unit_id_for('thcs-phutan')}/accept",
            data={"csrf_token": csrf},
            headers={"Referer": f"{stack.api_url}/reports/{round_id}?periods=true"},
        )
        assert accepted.status_code == 303
        assert location(accepted) == f"/reports/{round_id}?periods=true"


def test_a_unit_import_redirects_to_the_page_that_shows_its_result(stack: Stack) -> None:
    with closing(page_client(stack, "quantri")) as admin:
        csrf = csrf_of(admin.get("/admin/units").text)
        imported = admin.post(
            "/admin/units/import",
            data={"csrf_token": csrf},
            files={"file": ("don-vi.csv", UNITS.encode(), "text/csv")},
        )
        assert imported.status_code == 303, imported.text
        assert location(imported) == "/admin/units?imported=1"
        shown = admin.get(location(imported))
        assert shown.status_code == 200 and "Đã nhập 1 đơn vị." in shown.text
        found = admin.get("/admin/units", params={"q": "chuyen ben tre"})
        assert "Công đoàn cơ sở Trường THPT chuyên Bến Tre" in found.text
        assert admin.get("/admin/units", params={"imported": "-1"}).status_code == 422


def test_a_password_change_redirects_to_the_page_that_says_so(stack: Stack) -> None:
    new_account(stack, "nguoi.doi.matkhau.trang", "bentre-tp", ["drafter"])
    with closing(page_client(stack, "nguoi.doi.matkhau.trang", "congdoan2026!x")) as person:
        old_cookie = person.cookies.get("eoffice_session")
        csrf = csrf_of(person.get("/account/password").text)
        changed = person.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": "congdoan2026!x",
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 303, changed.text
        assert location(changed) == "/account/password?done=1"
        assert person.cookies.get("eoffice_session") not in (None, old_cookie)  # the new session's
        shown = person.get(location(changed))
        assert shown.status_code == 200 and 'id="password-changed"' in shown.text
        assert csrf_of(shown.text) != csrf  # its forms carry the new session's token
