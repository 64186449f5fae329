"""``RevokedSession``: a session (phiên đăng nhập) ended by signing out, before its expiry.

A session token carries a random session id; signing out stores one ``Revoked`` event under an
id derived from that session id, so every API process refuses the token from then on with one
look-up in the event store (no read model to catch up). Only a digest of the session id is
stored: the event store never holds anything that would rebuild a token."""

from __future__ import annotations

import hashlib
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def revoked_session_id(session_id: str) -> UUID:
    return _revocation_id(session_digest(session_id))


def _revocation_id(digest: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/sessions/{digest}/revoked")


class RevokedSession(Aggregate):
    @staticmethod
    def create_id(session_digest: str, account_id: UUID) -> UUID:
        del account_id
        return _revocation_id(session_digest)

    @event("Revoked")
    def __init__(self, session_digest: str, account_id: UUID) -> None:
        self.session_digest = session_digest
        self.account_id = account_id
