"""Request dependencies: the context, the signed-in actor, CSRF checks for cookie sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.context import WebContext
from api.errors import NotAuthenticatedError
from api.sessions import SessionClaims
from documents.errors import ForbiddenError, NotFoundError
from documents.policy import Actor
from documents.signins import ClientInfo

SESSION_COOKIE = "eoffice_session"
LOGIN_COOKIE = "eoffice_login"  # the sign-in form's pre-session CSRF cookie


def get_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.context
    return context


Context = Annotated[WebContext, Depends(get_context)]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def session_token(request: Request) -> str | None:
    return bearer_token(request) or request.cookies.get(SESSION_COOKIE)


def session_claims(request: Request, context: WebContext) -> SessionClaims | None:
    """The claims of the request's token if it is genuine, unexpired and not signed out (the
    revocation is looked up in the event store, so a sign-out in any process counts)."""
    token = session_token(request)
    claims = context.sessions.verify(token) if token else None
    if claims is None or context.services.app.is_session_revoked(claims.session_id):
        return None
    return claims


def check_api_csrf(request: Request, context: WebContext) -> None:
    """An unsafe JSON API call authenticated by the session cookie (a browser) must carry the
    page's CSRF token in ``X-CSRF-Token``; a bearer token is not sent by browsers on their own."""
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    if not request.url.path.startswith("/api/"):
        return  # pages check the token posted with their forms
    cookie = request.cookies.get(SESSION_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not header or not context.sessions.check_csrf(cookie, header):
        raise csrf_refused()


def optional_actor(request: Request, context: Context) -> Actor | None:
    """The signed-in person, or None. A token's answer (not revoked, the account as it is, the
    same credentials) is kept a moment per token (``api/actor_cache.py``); the token itself is
    verified every time."""
    token = session_token(request)
    claims = context.sessions.verify(token) if token else None
    if token is None or claims is None:
        return None
    cached = context.actor_cache.get(token)
    if cached is not None:
        check_api_csrf(request, context)
        return cached
    if context.services.app.is_session_revoked(claims.session_id):
        return None
    check_api_csrf(request, context)
    try:
        account = context.services.app.account_by_id(claims.account_id)
    except NotFoundError:
        return None
    if account.credentials != claims.credentials:  # the password changed: the session ended
        return None
    actor = context.services.app.actor_of(account)
    context.actor_cache.put(token, actor)
    return actor


def client_info(request: Request) -> ClientInfo:
    """The caller's address (as the server sees it) and browser, for the sign-in history."""
    return ClientInfo(
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )


Client = Annotated[ClientInfo, Depends(client_info)]


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise NotAuthenticatedError()
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def csrf_refused() -> ForbiddenError:
    return ForbiddenError(
        "Phiên biểu mẫu không hợp lệ (CSRF). Tải lại trang rồi thử lại.",
        "Invalid form session (CSRF). Reload the page and try again.",
    )


def check_csrf(request: Request, context: WebContext, csrf_token: str) -> None:
    """Forms posted with the session cookie must carry the page's CSRF token."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or not context.sessions.check_csrf(token, csrf_token):
        raise csrf_refused()


def check_login_csrf(request: Request, context: WebContext, csrf_token: str) -> None:
    """The sign-in form carries the MAC of its pre-session cookie (double submit)."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not context.sessions.check_login_csrf(nonce, csrf_token):
        raise csrf_refused()
