"""Signed session tokens (cookie for pages, bearer for API clients) and CSRF tokens for forms.

A token names the account, the account's ``credentials`` count when it was issued, and when it
expires; a password change or reset raises the count, which ends every older token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from uuid import UUID

SESSION_SECONDS = 8 * 3600


class SessionSigner:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(secret_key.encode()).digest()

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, account_id: UUID, credentials: int, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        payload = f"{account_id}.{credentials}.{expires}"
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: float | None = None) -> tuple[UUID, int] | None:
        """The account and its credentials count, if the token is genuine and unexpired."""
        try:
            account, credentials, expires, mac = token.rsplit(".", 3)
            payload = f"{account}.{credentials}.{expires}"
            if not hmac.compare_digest(mac, self._mac(payload)):
                return None
            if int(expires) < (now or time.time()):
                return None
            return UUID(account), int(credentials)
        except ValueError:
            return None

    def csrf_token(self, session_token: str) -> str:
        return self._mac("csrf:" + session_token)

    def check_csrf(self, session_token: str, csrf_token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session_token), csrf_token)
