"""Use cases of people and access: sign-in with lock-out, sign-out, password change and reset,
accounts and their roles, unlocking, and the sign-in history (every step recorded)."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from documents.accounts import Account, Role, account_id_for
from documents.clock import VIETNAM_TZ
from documents.credentials import PasswordHasher, check_new_password
from documents.errors import ConflictError, InvalidInputError, NotFoundError
from documents.policy import Actor, require_unit_admin, sign_in_history_scope
from documents.service.copies import CopyService
from documents.sessions import RevokedSession, revoked_session_id, session_digest
from documents.signins import (
    FAILURES,
    MAX_USER_AGENT_LENGTH,
    ClientInfo,
    LockoutPolicy,
    SignInKind,
    SignInLockedError,
    SignInRecord,
    SignInRefusedError,
    normalise_username,
)
from documents.views import SignInQuery

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# A failure count restarts after any of these.
COUNT_RESETS = (SignInKind.SIGNED_IN, SignInKind.UNLOCKED, SignInKind.LOCKED_OUT)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A moment in UTC; one without a time zone is taken as Vietnam time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInputError(
            "Thời điểm nằm ngoài khoảng cho phép.", "The time is out of range."
        ) from None


class PeopleService(CopyService):
    lockout = LockoutPolicy()
    _dummy_hash: str | None = None

    # -- sign-in --------------------------------------------------------------------------
    def authenticate(
        self, username: str, password: str, client: ClientInfo, hasher: PasswordHasher
    ) -> Account:
        """The account if the password is right and the username is not locked out; every
        attempt is recorded. Unknown usernames take as long and lock out the same way."""
        name = normalise_username(username)
        account = self._find_account(name)
        locked_until = self.locked_until(name)
        if locked_until is not None:
            self._record_sign_in(
                SignInKind.REFUSED_LOCKED, name, account, client, until=locked_until
            )
            raise SignInLockedError(locked_until, utc_now())
        if account is None:
            if self._dummy_hash is None:
                PeopleService._dummy_hash = hasher.hash("not-a-password-of-anyone")
            hasher.verify(self._dummy_hash or "", password)  # the same time as a real check
            self._record_sign_in(SignInKind.UNKNOWN_USER, name, None, client)
        elif hasher.verify(account.password_hash, password):
            self._record_sign_in(SignInKind.SIGNED_IN, name, account, client)
            return account
        else:
            self._record_sign_in(SignInKind.WRONG_PASSWORD, name, account, client)
        until = self._lock_if_too_many(name, account, client)
        if until is not None:
            raise SignInLockedError(until, utc_now())
        raise SignInRefusedError()

    def locked_until(self, username: str) -> datetime | None:
        """When the username's lock-out ends, if it is locked out now (from the read model,
        caught up first, so every process sees every other's failures)."""
        self.refresh_views()
        return self._locked_until_now(normalise_username(username))

    def _locked_until_now(self, name: str) -> datetime | None:
        last = self.views.last_sign_in_record(name, [SignInKind.LOCKED_OUT, SignInKind.UNLOCKED])
        if last is None or last["kind"] != SignInKind.LOCKED_OUT or not last["until"]:
            return None
        until = datetime.fromisoformat(last["until"])
        return until if until > utc_now() else None

    def _lock_if_too_many(
        self, username: str, account: Account | None, client: ClientInfo
    ) -> datetime | None:
        policy = self.lockout
        self.refresh_views()
        since = utc_now() - policy.window
        failures = 0
        for row in self.views.recent_sign_in_records(username, policy.max_failures * 4):
            if row["kind"] in COUNT_RESETS or datetime.fromisoformat(row["at"]) < since:
                break
            failures += row["kind"] in FAILURES
        if failures < policy.max_failures:
            return None
        until = utc_now() + policy.duration
        self._record_sign_in(SignInKind.LOCKED_OUT, username, account, client, until=until)
        return until

    def record_sign_out(self, actor: Actor, client: ClientInfo, session_id: str) -> None:
        """Ends the session ``session_id`` for good (every process refuses its token from now
        on) and records the sign-out, in one save."""
        account = self.account_by_id(actor.account_id)
        record = self._new_record(SignInKind.SIGNED_OUT, actor.username, account, client)
        revoked = RevokedSession(session_digest(session_id), account.id)
        with contextlib.suppress(IntegrityError):  # two sign-outs at once: it ended either way
            self.save_and_refresh(record, revoked)

    def is_session_revoked(self, session_id: str) -> bool:
        return revoked_session_id(session_id) in self.repository

    # -- passwords ------------------------------------------------------------------------
    def change_own_password(
        self,
        actor: Actor,
        current: str,
        new: str,
        client: ClientInfo,
        hasher: PasswordHasher,
    ) -> Account:
        """The person's own change: the current password first; then the rules, and the new one
        must differ from it. Every other session of the person ends (``Account.credentials``)."""
        account = self.account_by_id(actor.account_id)
        if not hasher.verify(account.password_hash, current):
            self._record_sign_in(
                SignInKind.PASSWORD_CHANGE_REFUSED, account.username, account, client
            )
            raise InvalidInputError(
                "Mật khẩu hiện tại không đúng.", "The current password is not correct."
            )
        check_new_password(new, account.username)
        if hasher.verify(account.password_hash, new):
            raise InvalidInputError(
                "Mật khẩu mới phải khác mật khẩu hiện tại.",
                "The new password must differ from the current one.",
            )
        account.change_password(password_hash=hasher.hash(new))
        self._save_with_record(account, SignInKind.PASSWORD_CHANGED, client)
        return account

    def reset_password(
        self, actor: Actor, username: str, new: str, client: ClientInfo, hasher: PasswordHasher
    ) -> None:
        """An administrator of the account's unit (or above) sets a new password."""
        account = self._administered_account(actor, username)
        check_new_password(new, account.username)
        account.reset_password(password_hash=hasher.hash(new), by=actor.account_id)
        self._save_with_record(account, SignInKind.PASSWORD_RESET, client, by=actor)

    def unlock(self, actor: Actor, username: str, client: ClientInfo) -> None:
        account = self._administered_account(actor, username)
        self._record_sign_in(SignInKind.UNLOCKED, account.username, account, client, by=actor)

    # -- accounts and roles ---------------------------------------------------------------
    def create_account(
        self,
        actor: Actor,
        username: str,
        full_name: str,
        unit_id: UUID,
        roles: Sequence[str],
        title: str,
        password: str,
        hasher: PasswordHasher,
    ) -> UUID:
        require_unit_admin(actor, unit_id, self.tree())
        name = username.strip().lower()
        if not USERNAME.fullmatch(name):
            raise InvalidInputError(
                "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, «.», «_», «-».",
                "A username has 3–64 characters: lowercase letters, digits, '.', '_', '-'.",
            )
        full = unicodedata.normalize("NFC", full_name.strip())
        if not full or len(full) > 200:
            raise InvalidInputError("Cần nhập họ và tên (≤ 200 ký tự).", "A full name is required.")
        if not roles:
            raise InvalidInputError("Cần chọn ít nhất một vai trò.", "Choose at least one role.")
        for role in roles:
            self._check_role(role)
        unit = self.unit(unit_id)
        if not unit.is_active:
            raise ConflictError(
                f"Đơn vị «{unit.name}» đã hợp nhất hoặc giải thể.",
                f"Unit '{unit.name}' has been merged or dissolved.",
            )
        if account_id_for(name) in self.repository:
            raise ConflictError(
                f"Tên đăng nhập «{name}» đã có người dùng.", f"Username '{name}' is taken."
            )
        check_new_password(password, name)
        return self.open_account(
            name,
            full,
            unit_id,
            list(dict.fromkeys(roles)),
            unicodedata.normalize("NFC", title.strip())[:200],
            hasher.hash(password),
            None,
        )

    def assign_signing_key(self, actor: Actor, username: str, key_id: str) -> None:
        """Records the key a new certificate was issued under, for an account that had none."""
        account = self._administered_account(actor, username)
        if account.key_id == key_id:
            return
        account.assign_signing_key(key_id=key_id, by=actor.account_id)
        self.save_and_refresh(account)

    def grant_role(self, actor: Actor, username: str, role: str) -> None:
        account = self._administered_account(actor, username)
        self._check_role(role)
        if role in account.roles:
            return
        account.grant_role(role=role, by=actor.account_id)
        self.save_and_refresh(account)

    def revoke_role(self, actor: Actor, username: str, role: str) -> None:
        account = self._administered_account(actor, username)
        self._check_role(role)
        if role not in account.roles:
            return
        if account.id == actor.account_id and role == Role.ADMIN:
            raise ConflictError(
                "Không thể tự bỏ quyền quản trị của chính mình; nhờ quản trị cấp trên.",
                "You cannot remove your own administrator role; ask a higher-level admin.",
            )
        account.revoke_role(role=role, by=actor.account_id)
        self.save_and_refresh(account)

    def accounts_of_unit(self, actor: Actor, unit_id: UUID) -> list[dict[str, Any]]:
        """The unit's accounts with their roles and whether each is locked out now."""
        require_unit_admin(actor, unit_id, self.tree())
        rows = self.views.accounts_of_unit(unit_id)
        for row in rows:
            row["roles"] = [r for r in row["roles"].split(",") if r]
            until = self._locked_until_now(row["username"])
            row["locked_until"] = until.isoformat() if until else None
        return rows

    def sign_in_history(
        self,
        actor: Actor,
        username: str | None = None,
        unit_id: UUID | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        before: datetime | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Sign-in records in the reader's scope (auditors and admins: their subtree)."""
        tree = self.tree()
        scope, with_unknown = sign_in_history_scope(actor, tree)
        units = scope
        if unit_id is not None:
            if scope is not None and unit_id not in scope or unit_id not in tree:
                raise NotFoundError(
                    "Không tìm thấy đơn vị trong phạm vi của bạn.", "No such unit in your scope."
                )
            units, with_unknown = [unit_id, *tree.descendants(unit_id)], False
        if kind and kind not in set(SignInKind):
            raise InvalidInputError(
                f"Loại bản ghi không hợp lệ: «{kind}».", f"Invalid kind '{kind}'."
            )
        return self.views.sign_ins(
            SignInQuery(
                unit_ids=None if units is None else [str(u) for u in units],
                with_unknown=with_unknown,
                username=normalise_username(username) if username else None,
                kind=kind or None,
                since=as_utc(since).isoformat() if since else None,
                before=as_utc(before).isoformat() if before else None,
                limit=limit,
            )
        )

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _check_role(role: str) -> None:
        if role not in set(Role):
            allowed = ", ".join(Role)
            raise InvalidInputError(
                f"Vai trò không hợp lệ: «{role}» (chọn: {allowed}).",
                f"Invalid role '{role}' (one of: {allowed}).",
            )

    def _find_account(self, username: str) -> Account | None:
        try:
            return self.account(username)
        except NotFoundError:
            return None

    def _administered_account(self, actor: Actor, username: str) -> Account:
        account = self.account(normalise_username(username))
        require_unit_admin(actor, account.unit_id, self.tree())
        return account

    def _new_record(
        self,
        kind: SignInKind,
        username: str,
        account: Account | None,
        client: ClientInfo,
        by: Actor | None = None,
        until: datetime | None = None,
    ) -> SignInRecord:
        return SignInRecord(
            kind=kind.value,
            username=normalise_username(username),
            account_id=account.id if account else None,
            unit_id=account.unit_id if account else None,
            ip=client.ip[:100],
            user_agent=client.user_agent[:MAX_USER_AGENT_LENGTH],
            by=by.account_id if by else None,
            until=until,
        )

    def _record_sign_in(
        self,
        kind: SignInKind,
        username: str,
        account: Account | None,
        client: ClientInfo,
        by: Actor | None = None,
        until: datetime | None = None,
    ) -> None:
        self.save_and_refresh(self._new_record(kind, username, account, client, by, until))

    def _save_with_record(
        self,
        account: Account,
        kind: SignInKind,
        client: ClientInfo,
        by: Actor | None = None,
    ) -> None:
        """The account's change and its record, in one atomic save."""
        record = self._new_record(kind, account.username, account, client, by)
        self.save_and_refresh(account, record)
