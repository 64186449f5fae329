"""Pages of one's own access and of its history: changing one's password, and the sign-in
history (auditors and administrators, within their subtree)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.actions import in_thread, parse_unit_ref
from api.deps import Client, Context, check_csrf
from api.errors import status_for
from api.pages import _base, render, set_session_cookie
from api.passwords import ARGON2
from documents.clock import VIETNAM_TZ, to_vietnam
from documents.errors import DomainError, InvalidInputError
from documents.signins import SIGN_IN_LABELS, SignInKind

router = APIRouter(include_in_schema=False)


@router.get("/account/password")
def password_page(request: Request, context: Context, done: bool = False) -> Response:
    """The form; ``done`` after a change (which redirects here)."""
    return render(request, "password.html", done=done, **_base(request, context))


@router.post("/account/password")
async def change_password(
    request: Request,
    context: Context,
    client: Client,
    csrf_token: Annotated[str, Form()],
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    new_password_again: Annotated[str, Form(max_length=1000)],
) -> Response:
    base = _base(request, context)  # before the change, which ends the current session
    actor = base["actor"]
    check_csrf(request, context, csrf_token)
    try:
        if new_password != new_password_again:
            raise InvalidInputError(
                "Hai lần nhập mật khẩu mới không giống nhau.",
                "The two entries of the new password differ.",
            )
        account = await in_thread(
            context.services.app.change_own_password,
            actor,
            current_password,
            new_password,
            client,
            ARGON2,
        )
    except DomainError as error:
        return render(request, "password.html", status_for(error), error=error, **base)
    token = context.sessions.issue(account.id, account.credentials)
    # post, redirect, get: the page that says so is rendered for the new session's cookie
    response = RedirectResponse("/account/password?done=1", status_code=303)
    set_session_cookie(request, response, token)
    return response


def _day(value: str, what_vi: str, what_en: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"{what_vi} không hợp lệ (dạng năm-tháng-ngày).", f"Invalid {what_en} (YYYY-MM-DD)."
        ) from None


@router.get("/audit/sign-ins")
def sign_ins_page(
    request: Request,
    context: Context,
    username: str = "",
    unit: str = "",
    kind: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """The sign-in history with filters; dates are Vietnam's calendar days, both inclusive."""
    base = _base(request, context)
    filters = {"username": username, "unit": unit, "kind": kind, "since": since, "until": until}
    rows: list[dict[str, Any]] = []
    error: DomainError | None = None
    try:
        first = _day(since, "Ngày bắt đầu", "start date")
        last = _day(until, "Ngày kết thúc", "end date")
        rows = context.services.app.sign_in_history(
            base["actor"],
            username=username.strip() or None,
            unit_id=parse_unit_ref(unit) if unit.strip() else None,
            kind=kind or None,
            since=datetime.combine(first, time(), VIETNAM_TZ) if first else None,
            before=datetime.combine(last, time.max, VIETNAM_TZ) if last else None,
            limit=500,
        )
    except DomainError as failure:
        error = failure
    for row in rows:
        row["at_local"] = to_vietnam(datetime.fromisoformat(row["at"])).strftime(
            "%d/%m/%Y %H:%M:%S"
        )
        row["label"] = SIGN_IN_LABELS[SignInKind(row["kind"])]
    status = status_for(error) if error else 200
    kinds = [(k.value, SIGN_IN_LABELS[k]) for k in SignInKind]
    return render(
        request,
        "audit_signins.html",
        status,
        rows=rows,
        error=error,
        filters=filters,
        kinds=kinds,
        **base,
    )
