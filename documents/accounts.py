"""People who use the platform: an ``Account`` with roles in one unit.

``credentials`` counts password changes and resets: a session token carries the count it was
issued under, so changing or resetting a password ends every older session of that person."""

from __future__ import annotations

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Role(StrEnum):
    CLERK = "clerk"  # văn thư
    DRAFTER = "drafter"  # chuyên viên
    LEADER = "leader"  # lãnh đạo
    AUDITOR = "auditor"  # ủy ban kiểm tra
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CLERK: "Văn thư",
    Role.DRAFTER: "Chuyên viên",
    Role.LEADER: "Lãnh đạo",
    Role.AUDITOR: "Kiểm tra",
    Role.ADMIN: "Quản trị",
}


class Account(Aggregate):
    """A person's account. ``key_id`` names their signing key in the key store."""

    @staticmethod
    def create_id(username: str) -> UUID:
        return account_id_for(username)

    @event("Opened")
    def __init__(
        self,
        username: str,
        full_name: str,
        unit_id: UUID,
        roles: list[str],
        title: str,
        password_hash: str,
        key_id: str | None,
    ) -> None:
        self.username = username
        self.full_name = full_name
        self.unit_id = unit_id
        self.roles = roles
        self.title = title
        self.password_hash = password_hash
        self.key_id = key_id
        self.credentials = 0

    @event("PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        """The person changed their own password (after giving the current one)."""
        self.password_hash = password_hash
        self.credentials = getattr(self, "credentials", 0) + 1

    @event("PasswordReset")
    def reset_password(self, password_hash: str, by: UUID) -> None:
        """An administrator of the person's unit set a new password."""
        self.password_hash = password_hash
        self.credentials = getattr(self, "credentials", 0) + 1

    @event("SigningKeyAssigned")
    def assign_signing_key(self, key_id: str, by: UUID | None) -> None:
        """The person's signing key (chứng thư số cá nhân) was issued after the account opened."""
        self.key_id = key_id

    @event("RoleGranted")
    def grant_role(self, role: str, by: UUID) -> None:
        self.roles = [*self.roles, role]

    @event("RoleRevoked")
    def revoke_role(self, role: str, by: UUID) -> None:
        self.roles = [r for r in self.roles if r != role]


def account_id_for(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/accounts/{username.lower()}")
