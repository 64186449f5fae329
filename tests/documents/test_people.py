"""People and access in the domain: sign-in with lock-out (per username, existing or not, from
the read model so every process agrees), password change and reset, roles granted and revoked
by an admin of the unit, and the sign-in history read within the reader's scope."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from api.passwords import ARGON2
from documents.accounts import Role
from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.signins import ClientInfo, LockoutPolicy, SignInLockedError, SignInRefusedError
from tests.documents.builders import actor, office, with_tree

CLIENT = ClientInfo("203.0.113.7", "Mozilla/5.0 (kiểm thử)")
PASSWORD = "mật khẩu ban đầu 2026"


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    app = office(tmp_path)
    with_tree(app)
    admin = actor(app, "root.admin")
    for username in ("prov-a.clerk", "prov-b.clerk", "upper-a1.admin"):
        app.reset_password(admin, username, PASSWORD, CLIENT, ARGON2)
    return app


def fail(app: OfficeApplication, username: str, times: int) -> list[type[Exception]]:
    raised = []
    for _ in range(times):
        with pytest.raises((SignInRefusedError, SignInLockedError)) as error:
            app.authenticate(username, "sai mật khẩu", CLIENT, ARGON2)
        raised.append(error.type)
    return raised


def test_five_failures_lock_a_username_whether_or_not_it_exists(app: OfficeApplication) -> None:
    assert app.authenticate("Prov-A.Clerk ", PASSWORD, CLIENT, ARGON2).username == "prov-a.clerk"
    assert fail(app, "prov-a.clerk", 5) == [SignInRefusedError] * 4 + [SignInLockedError]
    assert fail(app, "khong-co-ai", 5) == [SignInRefusedError] * 4 + [SignInLockedError]
    # locked: even the right password is refused, with the same message as for nobody
    with pytest.raises(SignInLockedError) as locked:
        app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)
    with pytest.raises(SignInLockedError) as nobody:
        app.authenticate("khong-co-ai", PASSWORD, CLIENT, ARGON2)
    assert locked.value.message_vi == nobody.value.message_vi
    assert "15 phút" in locked.value.message_vi
    # another username is not affected
    assert app.authenticate("prov-b.clerk", PASSWORD, CLIENT, ARGON2)


def test_a_second_process_sees_the_first_ones_failures(
    app: OfficeApplication, tmp_path: Path
) -> None:
    """Two applications on one event store, each with its own read model (two API workers)."""
    (tmp_path / "other").mkdir()
    other = OfficeApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "ev.db")},
        type(app.views)(tmp_path / "other" / "views.db"),
        app.blobs,
    )
    fail(app, "prov-a.clerk", 3)
    assert fail(other, "prov-a.clerk", 2) == [SignInRefusedError, SignInLockedError]
    with pytest.raises(SignInLockedError):
        app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)


def test_a_lock_ends_by_itself_or_when_an_admin_unlocks(app: OfficeApplication) -> None:
    app.lockout = LockoutPolicy(3, timedelta(minutes=15), timedelta(seconds=1))
    fail(app, "prov-a.clerk", 3)
    with pytest.raises(SignInLockedError):
        app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)
    time.sleep(1.1)
    assert app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)
    app.lockout = LockoutPolicy(3, timedelta(minutes=15), timedelta(minutes=15))
    fail(app, "prov-a.clerk", 3)
    with pytest.raises(ForbiddenError):
        app.unlock(actor(app, "prov-b.admin"), "prov-a.clerk", CLIENT)
    app.unlock(actor(app, "prov-a.admin"), "prov-a.clerk", CLIENT)
    assert app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)


def test_changing_a_password_checks_the_current_one_and_the_rules(app: OfficeApplication) -> None:
    clerk = actor(app, "prov-a.clerk")
    before = app.account("prov-a.clerk").credentials
    with pytest.raises(InvalidInputError, match="hiện tại không đúng"):
        app.change_own_password(clerk, "sai", "một mật khẩu mới dài", CLIENT, ARGON2)
    with pytest.raises(InvalidInputError, match="ít nhất 10"):
        app.change_own_password(clerk, PASSWORD, "ngắn", CLIENT, ARGON2)
    with pytest.raises(InvalidInputError, match="khác mật khẩu hiện tại"):
        app.change_own_password(clerk, PASSWORD, PASSWORD, CLIENT, ARGON2)
    with pytest.raises(InvalidInputError, match="tên đăng nhập"):
        app.change_own_password(clerk, PASSWORD, "x-prov-a.clerk-2026", CLIENT, ARGON2)
    # the same password with decomposed diacritics is the same password
    decomposed = "Mật khẩu mới của tôi".replace("ậ", "a\u0323\u0302")
    app.change_own_password(clerk, PASSWORD, decomposed, CLIENT, ARGON2)
    assert app.account("prov-a.clerk").credentials == before + 1
    assert app.authenticate("prov-a.clerk", "Mật khẩu mới của tôi", CLIENT, ARGON2)
    with pytest.raises(SignInRefusedError):
        app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)


def test_an_admin_manages_accounts_of_their_subtree_only(app: OfficeApplication) -> None:
    admin_a = actor(app, "prov-a.admin")
    units = {u.code: u.id for u in app.tree().all()}
    app.create_account(
        admin_a,
        "nguyen.van.a",
        "Nguyễn Văn A",
        units["upper-a1"],
        ["drafter"],
        "",
        PASSWORD,
        ARGON2,
    )
    with pytest.raises(ConflictError):
        app.create_account(
            admin_a, "Nguyen.Van.A", "B", units["upper-a1"], ["drafter"], "", PASSWORD, ARGON2
        )
    with pytest.raises(ForbiddenError):
        app.create_account(
            admin_a, "nguoi.b", "Người B", units["prov-b"], ["clerk"], "", PASSWORD, ARGON2
        )
    with pytest.raises(InvalidInputError, match="Vai trò"):
        app.grant_role(admin_a, "nguyen.van.a", "chief")
    app.grant_role(admin_a, "nguyen.van.a", Role.LEADER)
    app.revoke_role(admin_a, "nguyen.van.a", Role.DRAFTER)
    assert app.account("nguyen.van.a").roles == ["leader"]
    rows = {row["username"]: row for row in app.views.accounts()}
    assert rows["nguyen.van.a"]["roles"] == "leader"
    with pytest.raises(ForbiddenError):
        app.grant_role(admin_a, "prov-b.clerk", Role.ADMIN)
    with pytest.raises(ForbiddenError):  # an admin below cannot reach above
        app.reset_password(actor(app, "upper-a1.admin"), "prov-a.clerk", PASSWORD, CLIENT, ARGON2)
    with pytest.raises(ConflictError):
        app.revoke_role(admin_a, "prov-a.admin", Role.ADMIN)
    with pytest.raises(ForbiddenError):  # a clerk administers nothing
        app.accounts_of_unit(actor(app, "prov-a.clerk"), units["prov-a"])


def test_the_history_records_everything_within_the_readers_scope(app: OfficeApplication) -> None:
    app.authenticate("prov-a.clerk", PASSWORD, CLIENT, ARGON2)
    fail(app, "prov-b.clerk", 1)
    fail(app, "khong-co-ai", 1)
    national = app.sign_in_history(actor(app, "root.auditor"))
    kinds = {(r["username"], r["kind"]) for r in national}
    assert {
        ("prov-a.clerk", "signed_in"),
        ("prov-b.clerk", "wrong_password"),
        ("khong-co-ai", "unknown_user"),
        ("prov-a.clerk", "password_reset"),
    } <= kinds
    signed_in = next(r for r in national if r["kind"] == "signed_in")
    assert (signed_in["ip"], signed_in["user_agent"]) == (CLIENT.ip, CLIENT.user_agent)
    reset = next(r for r in national if r["kind"] == "password_reset")
    assert reset["by_username"] == "root.admin"
    province_a = app.sign_in_history(actor(app, "prov-a.auditor"))
    assert {r["username"] for r in province_a} == {"prov-a.clerk", "upper-a1.admin"}
    with pytest.raises(ForbiddenError):
        app.sign_in_history(actor(app, "prov-a.clerk"))
    only_failures = app.sign_in_history(actor(app, "root.admin"), kind="wrong_password")
    assert [r["username"] for r in only_failures] == ["prov-b.clerk"]
