"""People who use the platform: an ``Account`` with roles in one unit."""

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

    @event("PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash


def account_id_for(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/accounts/{username.lower()}")
