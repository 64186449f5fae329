"""Signed session tokens (cookie for pages, bearer for API clients) and CSRF tokens for forms.

A token names the account, the account's ``credentials`` count when it was issued, a random
session id and when it expires; a password change or reset raises the count, which ends every
older token, and signing out revokes the session id (``documents.sessions``). Before a session
exists, the sign-in form is protected by a double-submitted pre-session cookie: the form carries
a MAC of the cookie's random value, which another site can neither read nor forge."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class SessionClaims:
    """What a genuine, unexpired token says."""

    account_id: UUID
    credentials: int
    session_id: str


class SessionSigner:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(secret_key.encode()).digest()

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, account_id: UUID, credentials: int, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        session_id = secrets.token_urlsafe(16)
        payload = f"{account_id}.{credentials}.{session_id}.{expires}"
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: float | None = None) -> SessionClaims | None:
        """The token's claims, if it is genuine and unexpired (revocation is checked by the
        caller against the event store)."""
        try:
            account, credentials, session_id, expires, mac = token.rsplit(".", 4)
            payload = f"{account}.{credentials}.{session_id}.{expires}"
            if not hmac.compare_digest(mac, self._mac(payload)):
                return None
            if int(expires) < (now or time.time()):
                return None
            return SessionClaims(UUID(account), int(credentials), session_id)
        except ValueError:
            return None

    def csrf_token(self, session_token: str) -> str:
        return self._mac("csrf:" + session_token)

    def check_csrf(self, session_token: str, csrf_token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session_token), csrf_token)

    @staticmethod
    def new_login_nonce() -> str:
        """The random value of the pre-session cookie of the sign-in form."""
        return secrets.token_urlsafe(24)

    def login_csrf_token(self, nonce: str) -> str:
        return self._mac("login-csrf:" + nonce)

    def check_login_csrf(self, nonce: str, csrf_token: str) -> bool:
        return bool(nonce) and hmac.compare_digest(self.login_csrf_token(nonce), csrf_token)
