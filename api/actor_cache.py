"""A short-lived cache of who a session token is: the revocation check and the account/actor
load of a request (two event-store reads, a fifth of a page's time) done once per token and
``EOFFICE_SESSION_CACHE_SECONDS`` (default 2 s) instead of on every request.

What the cache can delay, and by how much:
- a sign-out, a password change or reset, a role granted or revoked **in this process** drops
  the account's entries the moment its events are saved (``observe``), so this process never
  serves a stale actor after it;
- the same done **in another process** (another web process, the CLI) is seen here within the
  TTL at the latest: a signed-out token may still open pages for up to that long, with the roles
  the account had. Set the TTL to 0 to check the event store on every request.

Only answers that let a request in are kept (a refused token is checked again each time), and
the token is still verified (MAC, expiry) on every request before the cache is asked.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from documents.accounts import Account
from documents.policy import Actor
from documents.sessions import RevokedSession

DEFAULT_SECONDS = 2.0
MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class _Entry:
    actor: Actor
    until: float


class ActorCache:
    def __init__(
        self,
        seconds: float = DEFAULT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._tokens_of: dict[UUID, set[str]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Actor | None:
        """The actor cached for ``token`` if its entry is still fresh, else None."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            if entry.until <= self._clock():
                self._drop(token)
                return None
            return entry.actor

    def put(self, token: str, actor: Actor) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._drop(token)
            self._entries[token] = _Entry(actor, self._clock() + self.seconds)
            self._tokens_of.setdefault(actor.account_id, set()).add(token)
            while len(self._entries) > self._max_entries:  # the oldest first
                self._drop(next(iter(self._entries)))

    def forget_account(self, account_id: UUID) -> None:
        """Drops every entry of the account (its sessions are checked afresh next time)."""
        with self._lock:
            for token in list(self._tokens_of.get(account_id, ())):
                self._drop(token)

    def observe(self, events: Iterable[Any]) -> None:
        """Called with the events this process has just saved: any change of an account (password,
        roles, key) or a session's revocation drops the account's entries at once."""
        for event in events:
            if isinstance(event, Account.Event):
                self.forget_account(event.originator_id)
            elif isinstance(event, RevokedSession.Event):
                account_id = getattr(event, "account_id", None)
                if isinstance(account_id, UUID):
                    self.forget_account(account_id)

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, token: str) -> None:
        entry = self._entries.pop(token, None)
        if entry is None:
            return
        tokens = self._tokens_of.get(entry.actor.account_id)
        if tokens is not None:
            tokens.discard(token)
            if not tokens:
                del self._tokens_of[entry.actor.account_id]
