"""People and access over HTTP on the real processes: password change ending other sessions,
lock-out after five failures (seen by a second API process on the same stores), the sign-in
history in each reader's scope, and administration of accounts refused outside the admin's
subtree — on the JSON API and on the administration pages."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import hashes

from signing import ensure_dev_pki
from tests.stack import Stack, free_port, sign_in_page, wait_until_listening

PASSWORD = "congdoan2026"
NEW_PASSWORD = "Hoa sen nở giữa đầm 2026"
ADMIN_BENTRE = "bentre.quantri"


def token(stack: Stack, username: str, password: str = PASSWORD) -> httpx.Response:
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        return client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": password},
            headers={"User-Agent": "kiem-thu/1.0"},
        )


def bearer(stack: Stack, value: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.api_url, timeout=60, headers={"Authorization": f"Bearer {value}"}
    )


def new_account(stack: Stack, username: str, unit: str, roles: list[str]) -> None:
    with closing(stack.client("quantri")) as admin:
        created = admin.post(
            "/api/v1/accounts",
            json={
                "username": username,
                "full_name": "Trần Thị Thử",
                "unit": unit,
                "roles": roles,
                "title": "Chuyên viên",
                "password": PASSWORD + "!x",
            },
        )
    assert created.status_code == 201, created.text


@pytest.fixture(scope="module")
def bentre_admin(stack: Stack) -> str:
    """An administrator of the Bến Tre federation, created through the API by the national one."""
    new_account(stack, ADMIN_BENTRE, "bentre", ["admin"])
    return ADMIN_BENTRE


def test_changing_the_password_ends_the_other_sessions(stack: Stack) -> None:
    new_account(stack, "nguoi.doi.matkhau", "bentre-tp", ["drafter"])
    first = token(stack, "nguoi.doi.matkhau", PASSWORD + "!x").json()["access_token"]
    second = token(stack, "nguoi.doi.matkhau", PASSWORD + "!x").json()["access_token"]
    with closing(bearer(stack, first)) as client:
        wrong = client.post(
            "/api/v1/auth/password",
            json={"current_password": "sai", "new_password": NEW_PASSWORD},
        )
        assert wrong.status_code == 422 and "hiện tại" in wrong.json()["message"]
        short = client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD + "!x", "new_password": "ngan"},
        )
        assert short.status_code == 422 and "10 ký tự" in short.json()["message"]
        changed = client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD + "!x", "new_password": NEW_PASSWORD},
        )
        assert changed.status_code == 200, changed.text
        assert client.get("/api/v1/me").status_code == 401  # this token too: a new one came
    with closing(bearer(stack, second)) as other:
        assert other.get("/api/v1/me").status_code == 401
    with closing(bearer(stack, changed.json()["access_token"])) as renewed:
        assert renewed.get("/api/v1/me").json()["username"] == "nguoi.doi.matkhau"
    assert token(stack, "nguoi.doi.matkhau", PASSWORD + "!x").status_code == 401
    assert token(stack, "nguoi.doi.matkhau", NEW_PASSWORD).status_code == 200


@pytest.fixture
def second_api(stack: Stack) -> Iterator[str]:
    """A second web process on the same event store and read model (another worker)."""
    port = free_port()
    log = (stack.data_dir / "logs" / "api-2.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "eoffice.cli", "api"],
        env={**stack.env, "EOFFICE_API_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(port, process, 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_five_failures_lock_the_username_in_every_process(
    stack: Stack, second_api: str, bentre_admin: str
) -> None:
    statuses = [token(stack, "bentre-kcn.vanthu", "sai-mat-khau").status_code for _ in range(3)]
    with httpx.Client(base_url=second_api, timeout=60) as other:
        for _ in range(2):
            statuses.append(
                other.post(
                    "/api/v1/auth/token",
                    json={"username": "bentre-kcn.vanthu", "password": "sai-mat-khau"},
                ).status_code
            )
        locked_there = other.post(
            "/api/v1/auth/token", json={"username": "bentre-kcn.vanthu", "password": PASSWORD}
        )
    assert statuses == [401, 401, 401, 401, 429]
    assert locked_there.status_code == 429
    locked = token(stack, "bentre-kcn.vanthu")  # the right password, on the first process
    assert locked.status_code == 429 and locked.json()["error"] == "sign_in_locked"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "thử lại sau 15 phút" in locked.json()["message"]
    # a username nobody has locks the same way, with the same message
    nobody = [token(stack, "khong.co.ai", "x").status_code for _ in range(6)]
    assert nobody == [401, 401, 401, 401, 429, 429]
    assert token(stack, "khong.co.ai").json()["message"] == locked.json()["message"]
    # an admin of another province cannot unlock; the unit's admin can
    with closing(stack.client(bentre_admin, PASSWORD + "!x")) as admin:
        assert admin.post("/api/v1/accounts/thanhhoa.vanthu/unlock").status_code == 403
        listed = admin.get("/api/v1/units/bentre-kcn/accounts").json()
        row = next(a for a in listed if a["username"] == "bentre-kcn.vanthu")
        assert row["locked_until"] is not None
        assert admin.post("/api/v1/accounts/bentre-kcn.vanthu/unlock").status_code == 200
    assert token(stack, "bentre-kcn.vanthu").status_code == 200


def test_the_sign_in_history_is_read_within_scope(stack: Stack, bentre_admin: str) -> None:
    assert token(stack, "thanhhoa.vanthu").status_code == 200
    assert token(stack, "bentre.vanthu", "sai").status_code == 401
    assert token(stack, "ai.do.khong.ton.tai", "sai").status_code == 401
    with closing(stack.client("kiemtra")) as auditor:
        rows = auditor.get("/api/v1/audit/sign-ins", params={"limit": 1000}).json()
        failures = auditor.get(
            "/api/v1/audit/sign-ins", params={"kind": "wrong_password", "unit": "bentre"}
        ).json()
    seen = {(r["username"], r["kind"]) for r in rows}
    assert {
        ("thanhhoa.vanthu", "signed_in"),
        ("bentre.vanthu", "wrong_password"),
        ("ai.do.khong.ton.tai", "unknown_user"),
    } <= seen
    signed_in = next(r for r in rows if r["username"] == "thanhhoa.vanthu")
    assert signed_in["ip"] == "127.0.0.1" and signed_in["user_agent"] == "kiem-thu/1.0"
    assert "bentre.vanthu" in {r["username"] for r in failures}
    assert {r["kind"] for r in failures} == {"wrong_password"}
    assert not any(r["username"].startswith("thanhhoa") for r in failures)
    with closing(stack.client(bentre_admin, PASSWORD + "!x")) as admin:
        mine = admin.get("/api/v1/audit/sign-ins").json()
        assert admin.get("/api/v1/audit/sign-ins", params={"unit": "thanhhoa"}).status_code == 404
    assert ("bentre.vanthu", "wrong_password") in {(r["username"], r["kind"]) for r in mine}
    assert not {r["username"] for r in mine} & {"thanhhoa.vanthu", "ai.do.khong.ton.tai"}
    with closing(stack.client("bentre.vanthu")) as clerk:
        assert clerk.get("/api/v1/audit/sign-ins").status_code == 403


def test_accounts_are_administered_only_within_the_admins_subtree(
    stack: Stack, bentre_admin: str
) -> None:
    with closing(stack.client("bentre.vanthu")) as clerk:
        assert clerk.get("/api/v1/units/bentre/accounts").status_code == 403
        assert (
            clerk.post(
                "/api/v1/accounts/bentre.chuyenvien/roles", json={"role": "leader"}
            ).status_code
            == 403
        )
    with closing(stack.client(bentre_admin, PASSWORD + "!x")) as admin:
        foreign = {
            "username": "nguoi.thanh.hoa",
            "full_name": "Lê Văn Hóa",
            "unit": "thanhhoa",
            "roles": ["clerk"],
            "password": NEW_PASSWORD,
        }
        assert admin.post("/api/v1/accounts", json=foreign).status_code == 403
        reset_foreign = admin.post(
            "/api/v1/accounts/thanhhoa.vanthu/password", json={"new_password": NEW_PASSWORD}
        )
        assert reset_foreign.status_code == 403
        assert (
            admin.post(
                "/api/v1/units/thanhhoa/rename",
                json={"name": "X", "short_name": "X", "abbreviation": "X"},
            ).status_code
            == 403
        )
        own = {**foreign, "username": "nguoi.ben.tre", "unit": "bentre-tp"}
        assert admin.post("/api/v1/accounts", json=own).status_code == 201
        assert admin.post("/api/v1/accounts", json=own).status_code == 409
        assert admin.post("/api/v1/accounts", json={**own, "username": "Có Dấu"}).status_code == 422
        assert (
            admin.post("/api/v1/accounts/nguoi.ben.tre/roles", json={"role": "leader"}).status_code
            == 200
        )
        assert admin.delete("/api/v1/accounts/nguoi.ben.tre/roles/clerk").status_code == 200
        assert (
            admin.post(
                "/api/v1/accounts/nguoi.ben.tre/password",
                json={"new_password": "mật khẩu đặt lại 1"},
            ).status_code
            == 200
        )
        assert admin.delete(f"/api/v1/accounts/{bentre_admin}/roles/admin").status_code == 409
    signed_in = token(stack, "nguoi.ben.tre", "mật khẩu đặt lại 1")
    assert signed_in.status_code == 200
    with closing(bearer(stack, signed_in.json()["access_token"])) as person:
        assert person.get("/api/v1/me").json()["roles"] == ["leader"]


def page_client(stack: Stack, username: str, password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=stack.api_url, timeout=60)
    signed = sign_in_page(client, username, password)
    assert signed.status_code == 303, signed.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_the_administration_pages_act_through_the_same_policy(
    stack: Stack, bentre_admin: str
) -> None:
    with closing(page_client(stack, "bentre.vanthu")) as clerk:
        assert clerk.get("/admin/units").status_code == 403
        assert clerk.get("/admin/units/bentre").status_code == 403
    with closing(page_client(stack, bentre_admin, PASSWORD + "!x")) as admin:
        listing = admin.get("/admin/units", params={"q": "thanh pho ben tre"})
        assert listing.status_code == 200 and "Liên đoàn Lao động thành phố Bến Tre" in listing.text
        assert "Thanh Hóa" not in admin.get("/admin/units", params={"q": "thanh"}).text
        assert admin.get("/admin/units/thanhhoa").status_code == 403
        page = admin.get("/admin/units/bentre-tp")
        assert page.status_code == 200 and "bentre-tp.vanthu" in page.text
        csrf = csrf_of(page.text)
        weak = admin.post(
            "/admin/units/bentre-tp/create-account",
            data={
                "csrf_token": csrf,
                "username": "nguoi.moi",
                "full_name": "Phạm Thị Mới",
                "roles": ["clerk"],
                "password": "ngan",
            },
        )
        assert weak.status_code == 422 and "ít nhất 10 ký tự" in weak.text
        granted = admin.post(
            "/admin/accounts/bentre-tp.vanthu/grant", data={"csrf_token": csrf, "role": "drafter"}
        )
        assert granted.status_code == 303
        shown = admin.get(granted.headers["location"])
        assert "Đã cấp vai trò." in shown.text
        bad_csv = (
            "code,name,short_name,abbreviation,level,parent_code,place\n"
            "x,Tên,T,X,grassroots,khong-co,Huế\n"
        )
        imported = admin.post(
            "/admin/units/import",
            data={"csrf_token": csrf},
            files={"file": ("u.csv", bad_csv.encode(), "text/csv")},
        )
        assert imported.status_code == 422 and "Dòng 2" in imported.text
        still_has_children = admin.post(
            "/admin/units/bentre-tp/dissolve", data={"csrf_token": csrf, "reason": "Sáp nhập"}
        )
        assert still_has_children.status_code == 409
        assert "hãy chuyển hoặc giải thể chúng trước" in still_has_children.text
        per_type = admin.post(
            "/admin/units/bentre-kcn/register-mode", data={"csrf_token": csrf, "mode": "per_type"}
        )
        assert per_type.status_code == 303
        assert "Mỗi loại văn bản một sổ" in admin.get(per_type.headers["location"]).text
        forged = admin.post(
            "/admin/accounts/bentre-tp.vanthu/grant", data={"csrf_token": "x", "role": "leader"}
        )
        assert forged.status_code == 403


def test_the_sign_in_form_needs_its_own_csrf_token(stack: Stack) -> None:
    with httpx.Client(base_url=stack.api_url, timeout=60) as browser:
        credentials = {"username": "bentre-kcn.chuyenvien", "password": PASSWORD}
        without = browser.post("/login", data=credentials)  # a forged post: no form, no cookie
        form = browser.get("/login")
        wrong = browser.post("/login", data={**credentials, "csrf_token": "gia-mao"})
        for refused in (without, wrong):
            assert refused.status_code == 403
            assert "Phiên biểu mẫu không hợp lệ (CSRF)" in refused.text
            assert "eoffice_session" not in refused.headers.get("set-cookie", "")
        # the token of one browser's cookie is worth nothing with another browser's cookie
        with httpx.Client(base_url=stack.api_url, timeout=60) as other:
            other.get("/login")
            stolen = other.post("/login", data={**credentials, "csrf_token": csrf_of(form.text)})
            assert stolen.status_code == 403
        with httpx.Client(base_url=stack.api_url, timeout=60, cookies={"lang": "en"}) as en:
            assert "Invalid form session (CSRF)" in en.post("/login", data=credentials).text
        signed = browser.post("/login", data={**credentials, "csrf_token": csrf_of(form.text)})
        assert signed.status_code == 303 and "eoffice_session=" in signed.headers["set-cookie"]
        assert browser.get("/").status_code == 200


def test_signing_out_ends_the_session_in_every_process(stack: Stack, second_api: str) -> None:
    with closing(page_client(stack, "bentre-kcn.lanhdao")) as browser:
        cookie = browser.cookies["eoffice_session"]
        home = browser.get("/")
        forged = browser.post("/logout")  # no token: refused, the session goes on
        assert forged.status_code == 403 and "CSRF" in forged.text
        assert browser.get("/").status_code == 200
        out = browser.post("/logout", data={"csrf_token": csrf_of(home.text)})
        assert out.status_code == 303 and out.headers["location"] == "/login"
    # the cookie, copied before the sign-out, opens nothing any more, on either process
    for url in (stack.api_url, second_api):
        with httpx.Client(base_url=url, timeout=60, cookies={"eoffice_session": cookie}) as copy:
            assert copy.get("/").headers.get("location") == "/login"
            assert copy.get("/api/v1/me").status_code == 401
    # a bearer token signed out on one process is refused by the other; other sessions live on
    first = token(stack, "bentre-kcn.lanhdao").json()["access_token"]
    second = token(stack, "bentre-kcn.lanhdao").json()["access_token"]
    with closing(bearer(stack, first)) as client:
        assert client.get("/api/v1/me").status_code == 200
        assert client.post("/api/v1/auth/sign-out").status_code == 200
        assert client.get("/api/v1/me").status_code == 401
        assert client.post("/api/v1/auth/sign-out").status_code == 401
    with httpx.Client(base_url=second_api, timeout=60) as other:
        refused = other.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
        assert refused.status_code == 401 and refused.json()["error"] == "not_authenticated"
        alive = other.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"})
        assert alive.status_code == 200
    with closing(stack.client("kiemtra")) as auditor:
        history = auditor.get(
            "/api/v1/audit/sign-ins", params={"username": "bentre-kcn.lanhdao"}
        ).json()
    assert [row["kind"] for row in history].count("signed_out") == 2


def test_a_new_leader_gets_a_certificate_and_signs(stack: Stack) -> None:
    """Accounts opened by an admin get keys as the demo's do: a leader a personal certificate,
    a clerk's unit its seal certificate (here a unit imported without one)."""
    new_account(stack, "bentre.phochutich", "bentre", ["leader"])
    new_account(stack, "bentre.truongban", "bentre", ["drafter"])
    with closing(stack.client("quantri")) as admin:
        csv = "code,name,short_name,abbreviation,level,parent_code,place\n"
        csv += "cdcs-moi,Công đoàn cơ sở Công ty Dừa Mới,CĐCS Dừa Mới,CĐCS,grassroots,bentre-tp,"
        csv += "Bến Tre\n"
        imported = admin.post(
            "/api/v1/units/import", files={"file": ("units.csv", csv.encode(), "text/csv")}
        )
        assert imported.status_code == 200, imported.text
        assert not (stack.pki_dir / "unit-cdcs-moi.p12").exists()
        granted = admin.post("/api/v1/accounts/bentre.truongban/roles", json={"role": "leader"})
        assert granted.status_code == 200, granted.text
    new_account(stack, "cdcs-moi.vanthu", "cdcs-moi", ["clerk"])
    assert (stack.pki_dir / "person-bentre.phochutich.p12").exists()
    assert (stack.pki_dir / "person-bentre.truongban.p12").exists()
    assert (stack.pki_dir / "unit-cdcs-moi.p12").exists()
    with closing(stack.client("bentre.chuyenvien")) as drafter:
        for leader in ("bentre.phochutich", "bentre.truongban"):
            draft = drafter.post(
                "/api/v1/documents",
                data={
                    "subject": "Thông báo lịch họp",
                    "recipients": ["bentre-tp"],
                    "doc_type": "thong_bao",
                    "signer": leader,
                    "body_text": "Kính mời dự họp.",
                },
            )
            assert draft.status_code == 201, draft.text
            document_id = draft.json()["id"]
            assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
            with closing(stack.client(leader, PASSWORD + "!x")) as signer:
                signed = signer.post(f"/api/v1/documents/{document_id}/sign")
                assert signed.status_code == 200, signed.text
            detail = drafter.get(f"/api/v1/documents/{document_id}").json()
            assert detail["status"] == "signed"


def test_the_certificates_page_marks_expired_and_expiring_ones(
    stack: Stack, bentre_admin: str
) -> None:
    pki = ensure_dev_pki(stack.pki_dir, [], [])
    now = datetime.now(UTC)
    pki.issue(
        "unit-yendinh",
        "Liên đoàn Lao động huyện Yên Định",
        "Liên đoàn Lao động huyện Yên Định",
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=2),
    )
    pki.issue(
        "person-thanhhoa.lanhdao",
        "Lãnh đạo Thanh Hóa",
        "Liên đoàn Lao động tỉnh Thanh Hóa",
        not_before=now - timedelta(days=300),
        not_after=now + timedelta(days=10),
    )
    with closing(page_client(stack, "quantri")) as admin:
        page = admin.get("/admin/certificates", params={"unit": "thanhhoa"})
    assert page.status_code == 200, page.text[:2000]
    rows = {
        holder: status
        for holder, status in re.findall(
            r'<td role="cell" data-label="[^"]+">(?:<a [^>]+>)?([^<]+)(?:</a>)?</td>\s*'
            r'<td role="cell" data-label="[^"]+"><span class="status cert-(\w+)">',
            page.text,
        )
    }
    assert rows["Liên đoàn Lao động tỉnh Thanh Hóa"] == "valid"
    assert rows["Liên đoàn Lao động huyện Yên Định"] == "expired"
    assert rows["Công đoàn Viên chức tỉnh Thanh Hóa"] == "valid"
    leader = next(h for h in rows if h.endswith("(thanhhoa.lanhdao)"))
    assert rows[leader] == "expiring"
    assert "Sắp hết hạn (trong 30 ngày)" in page.text and "Đã hết hạn" in page.text
    fingerprint = pki.certificate("unit-yendinh").fingerprint(hashes.SHA256()).hex(":").upper()
    assert fingerprint in page.text
    with closing(page_client(stack, bentre_admin, PASSWORD + "!x")) as other:
        refused = other.get("/admin/certificates", params={"unit": "thanhhoa"})
        assert refused.status_code == 403
        assert other.get("/admin/certificates").status_code == 200  # its own unit
    with closing(page_client(stack, "bentre.chuyenvien")) as drafter:
        assert drafter.get("/admin/certificates").status_code == 403


def test_the_json_api_refuses_a_cookie_session_without_the_pages_csrf_token(stack: Stack) -> None:
    """A browser's cookie reaches the API on a forged cross-site post too: unsafe API calls that
    rely on the cookie must carry the page's token in X-CSRF-Token; bearer tokens need none."""
    with closing(page_client(stack, "bentre-kcn.chuyenvien")) as browser:
        page = browser.get("/")
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
        assert meta, page.text[:2000]
        draft = {"subject": "Thử CSRF", "recipients": ["bentre-tp"], "body_text": "Nội dung."}
        forged = browser.post("/api/v1/documents", data=draft)
        wrong = browser.post("/api/v1/documents", data=draft, headers={"X-CSRF-Token": "gia"})
        for refused in (forged, wrong):
            assert refused.status_code == 403, refused.text
            assert "CSRF" in refused.json()["message"] and "CSRF" in refused.json()["message_en"]
        assert browser.get("/api/v1/inbox").status_code == 200  # reading needs no token
        with_token = browser.post(
            "/api/v1/documents", data=draft, headers={"X-CSRF-Token": meta.group(1)}
        )
        assert with_token.status_code == 201, with_token.text
