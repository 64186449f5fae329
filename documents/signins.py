"""``SignInRecord``: one sign-in, sign-out, refusal, password change, lock-out or unlock — who,
when, from which address and browser. Read by auditors (kiểm tra) and administrators.

One aggregate per record (a single event), as for ``DocumentAccess``: concurrent sign-ins never
contend. Attempts on usernames that have no account are recorded too (without an account), and
lock-out counts failures per username, so a lock-out says nothing about whether an account exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from documents.errors import DomainError

MAX_USERNAME_LENGTH = 100
MAX_USER_AGENT_LENGTH = 300


class SignInKind(StrEnum):
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    WRONG_PASSWORD = "wrong_password"
    UNKNOWN_USER = "unknown_user"
    REFUSED_LOCKED = "refused_locked"  # an attempt while the username was locked out
    LOCKED_OUT = "locked_out"  # too many failures: sign-in refused until ``until``
    UNLOCKED = "unlocked"  # by an administrator
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_CHANGE_REFUSED = "password_change_refused"  # wrong current password
    PASSWORD_RESET = "password_reset"  # by an administrator


FAILURES = (SignInKind.WRONG_PASSWORD, SignInKind.UNKNOWN_USER)

SIGN_IN_LABELS = {
    SignInKind.SIGNED_IN: ("Đăng nhập", "Signed in"),
    SignInKind.SIGNED_OUT: ("Đăng xuất", "Signed out"),
    SignInKind.WRONG_PASSWORD: ("Sai mật khẩu", "Wrong password"),
    SignInKind.UNKNOWN_USER: ("Tên đăng nhập không tồn tại", "Unknown username"),
    SignInKind.REFUSED_LOCKED: ("Từ chối: đang tạm khóa", "Refused: locked out"),
    SignInKind.LOCKED_OUT: ("Tạm khóa do sai nhiều lần", "Locked out after failures"),
    SignInKind.UNLOCKED: ("Mở khóa", "Unlocked"),
    SignInKind.PASSWORD_CHANGED: ("Đổi mật khẩu", "Password changed"),
    SignInKind.PASSWORD_CHANGE_REFUSED: (
        "Đổi mật khẩu bị từ chối (sai mật khẩu hiện tại)",
        "Password change refused (wrong current password)",
    ),
    SignInKind.PASSWORD_RESET: ("Quản trị đặt lại mật khẩu", "Password reset by an admin"),
}


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from: the address and the browser's own description."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class LockoutPolicy:
    """``max_failures`` failed sign-ins of one username within ``window`` lock it for
    ``duration`` (settings ``EOFFICE_SIGNIN_*``)."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)


class SignInRecord(Aggregate):
    @event("Recorded")
    def __init__(
        self,
        kind: str,
        username: str,
        account_id: UUID | None,
        unit_id: UUID | None,
        ip: str,
        user_agent: str,
        by: UUID | None,
        until: datetime | None,
    ) -> None:
        self.kind = kind
        self.username = username
        self.account_id = account_id
        self.unit_id = unit_id
        self.ip = ip
        self.user_agent = user_agent
        self.by = by
        self.until = until


def normalise_username(username: str) -> str:
    return username.strip().lower()[:MAX_USERNAME_LENGTH]


class SignInRefusedError(DomainError):
    """Wrong username or password: the same answer whether or not the account exists."""

    code = "wrong_credentials"

    def __init__(self) -> None:
        super().__init__("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")


class SignInLockedError(DomainError):
    """Too many failed sign-ins: given for any username, existing or not."""

    code = "sign_in_locked"

    def __init__(self, until: datetime, now: datetime) -> None:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        super().__init__(
            "Đăng nhập tạm thời bị khóa vì nhập sai quá nhiều lần. "
            f"Hãy thử lại sau {minutes} phút, hoặc nhờ quản trị đơn vị mở khóa.",
            "Sign-in is temporarily locked after too many failed attempts. "
            f"Try again in {minutes} minute(s), or ask your unit's administrator to unlock it.",
        )
        self.until = until
        self.retry_after = max(1, int((until - now).total_seconds()))
