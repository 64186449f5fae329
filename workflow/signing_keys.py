"""Signing keys for accounts opened after the demo data: a new leader gets a personal
certificate (chứng thư số cá nhân) and a clerk's unit its seal certificate, issued the way the
demo's are (``eoffice.demo``), when the key store can issue them (the development PKI)."""

from __future__ import annotations

from documents.accounts import Role
from documents.errors import ForbiddenError
from documents.policy import Actor
from signing import KeyMaterial, PersonIdentity, UnitIdentity
from workflow.services import KeyIssuer, OfficeServices, person_key_id, unit_key_id

NO_CERTIFICATE = (
    "Tài khoản chưa có chứng thư số để ký. Nhờ quản trị đơn vị cấp chứng thư số "
    "(hoặc cấu hình khóa ký số) cho tài khoản này.",
    "This account has no signing certificate. Ask your unit's administrator to issue one "
    "(or configure a signing key) for it.",
)


def provide_signing_keys(services: OfficeServices, actor: Actor, username: str) -> None:
    """Issues what the account's roles sign with and it still lacks: a leader's personal
    certificate (recorded on the account), a clerk's or leader's unit seal certificate."""
    if not isinstance(services.keys, KeyIssuer):
        return  # keys come from the CA: a leader without one is told so when signing
    app = services.app
    account = app.account(username)
    unit = app.unit(account.unit_id)
    people: list[PersonIdentity] = []
    if Role.LEADER in account.roles and not account.key_id:
        key_id = person_key_id(account.username)
        email = f"{account.username}@congdoan.vn"
        people.append(PersonIdentity(key_id, account.full_name, email, unit.name))
    units: list[UnitIdentity] = []
    if Role.LEADER in account.roles or Role.CLERK in account.roles:
        units.append(UnitIdentity(unit_key_id(unit.code), unit.name))
    if not people and not units:
        return
    services.keys.provide(people, units)
    for person in people:
        app.assign_signing_key(actor, account.username, person.key_id)


def signing_key(services: OfficeServices, key_id: str | None) -> KeyMaterial:
    """The key to sign with, or a clear refusal when there is none."""
    try:
        if key_id:
            return services.keys.key(key_id)
    except KeyError:
        pass
    raise ForbiddenError(*NO_CERTIFICATE)
