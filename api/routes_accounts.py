"""JSON API of people and access: password change and sign-out for everyone; accounts, roles,
password resets and unlocking for administrators of the account's unit or above; the sign-in
history for auditors and administrators within their subtree."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, BeforeValidator, Field

from api.actions import in_thread, parse_unit_ref
from api.deps import Client, Context, CurrentActor, session_claims
from api.passwords import ARGON2
from api.routes_v1 import Accepted, Created, TokenResponse
from documents.accounts import Role
from documents.signins import SignInKind
from workflow.signing_keys import provide_signing_keys

router = APIRouter(prefix="/api/v1")
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_only(value: object) -> object:
    """Pydantic also reads numbers as Unix times; the API takes ISO 8601 date-times only."""
    if isinstance(value, str) and not ISO_DATE_TIME.match(value):
        raise ValueError("an ISO 8601 date-time is expected, e.g. 2026-03-05T08:00:00+07:00")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(
        max_length=1000, description="at least 10 characters, not containing the username"
    )


class PasswordReset(BaseModel):
    new_password: str = Field(max_length=1000)


class NewAccount(BaseModel):
    username: str = Field(max_length=64, description="3–64: a-z, 0-9, '.', '_', '-'")
    full_name: str = Field(max_length=200)
    unit: str = Field(max_length=200, description="id or code of the account's unit")
    roles: list[Role] = Field(min_length=1, max_length=5)
    title: str = Field(default="", max_length=200)
    password: str = Field(max_length=1000, description="the first password (≥ 10 characters)")


class RoleChange(BaseModel):
    role: Role


class AccountRow(BaseModel):
    id: str
    username: str
    full_name: str
    unit_id: str
    roles: list[str]
    title: str
    locked_until: str | None


class SignInRow(BaseModel):
    at: str
    kind: SignInKind
    username: str
    account_id: str | None
    unit_id: str | None
    unit_name: str | None
    ip: str
    user_agent: str
    by_username: str | None
    until: str | None


@router.post("/auth/password", response_model=TokenResponse, tags=["auth"])
async def change_password(
    body: PasswordChange, actor: CurrentActor, context: Context, client: Client
) -> TokenResponse:
    """Changes the signed-in person's password; every other session of theirs ends, and the
    answer carries a new token for this one."""
    account = await in_thread(
        context.services.app.change_own_password,
        actor,
        body.current_password,
        body.new_password,
        client,
        ARGON2,
    )
    return TokenResponse(access_token=context.sessions.issue(account.id, account.credentials))


@router.post("/auth/sign-out", response_model=Accepted, tags=["auth"])
def sign_out(request: Request, actor: CurrentActor, context: Context, client: Client) -> Accepted:
    """Ends this session for good: its token is refused from now on, by every API process;
    recorded in the sign-in history."""
    claims = session_claims(request, context)
    assert claims is not None  # CurrentActor had a valid session
    context.services.app.record_sign_out(actor, client, claims.session_id)
    return Accepted(id=str(actor.account_id))


@router.get("/units/{unit}/accounts", response_model=list[AccountRow], tags=["accounts"])
def accounts(unit: str, actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """The accounts of one unit, by id or code (administrators of it or above)."""
    return context.services.app.accounts_of_unit(actor, parse_unit_ref(unit))


@router.post("/accounts", status_code=201, response_model=Created, tags=["accounts"])
async def create_account(body: NewAccount, actor: CurrentActor, context: Context) -> Created:
    account_id = await in_thread(
        context.services.app.create_account,
        actor,
        body.username,
        body.full_name,
        parse_unit_ref(body.unit),
        [role.value for role in body.roles],
        body.title,
        body.password,
        ARGON2,
    )
    await in_thread(provide_signing_keys, context.services, actor, body.username.strip().lower())
    return Created(id=str(account_id))


@router.post("/accounts/{username}/roles", response_model=Accepted, tags=["accounts"])
async def grant_role(
    username: str, body: RoleChange, actor: CurrentActor, context: Context
) -> Accepted:
    """Grants a role; a new leader or clerk gets the certificates the role signs with."""
    await in_thread(context.services.app.grant_role, actor, username, body.role.value)
    await in_thread(provide_signing_keys, context.services, actor, username)
    return Accepted(id=username)


@router.delete("/accounts/{username}/roles/{role}", response_model=Accepted, tags=["accounts"])
def revoke_role(username: str, role: Role, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.revoke_role(actor, username, role.value)
    return Accepted(id=username)


@router.post("/accounts/{username}/password", response_model=Accepted, tags=["accounts"])
async def reset_password(
    username: str, body: PasswordReset, actor: CurrentActor, context: Context, client: Client
) -> Accepted:
    """Sets a new password for someone (their sessions end); tell it to them in person."""
    await in_thread(
        context.services.app.reset_password, actor, username, body.new_password, client, ARGON2
    )
    return Accepted(id=username)


@router.post("/accounts/{username}/unlock", response_model=Accepted, tags=["accounts"])
def unlock(username: str, actor: CurrentActor, context: Context, client: Client) -> Accepted:
    context.services.app.unlock(actor, username, client)
    return Accepted(id=username)


@router.get("/audit/sign-ins", response_model=list[SignInRow], tags=["audit"])
def sign_ins(
    actor: CurrentActor,
    context: Context,
    username: Annotated[str | None, Query(max_length=200)] = None,
    unit: Annotated[
        str | None, Query(max_length=200, description="id or code: its subtree")
    ] = None,
    kind: SignInKind | None = None,
    since: IsoDateTime | None = None,
    before: IsoDateTime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Sign-ins, sign-outs, refusals, lock-outs, unlocks and password changes, newest first,
    within the reader's scope (auditors and administrators: their unit and below; attempts on
    unknown usernames at the national level only)."""
    return context.services.app.sign_in_history(
        actor,
        username=username,
        unit_id=parse_unit_ref(unit) if unit else None,
        kind=kind.value if kind else None,
        since=since,
        before=before,
        limit=limit,
    )
