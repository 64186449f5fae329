"""A `SearchIndex` whose server did not answer when the process started: each call tries to open
it (at most once every few seconds) and raises `SearchUnavailableError` until it opens, so the
office starts and works without search until the search server is up, instead of refusing to
start. Once open, every call goes to the opened index; `on_open` is told first (the projection
replays every event when the index was rebuilt for a newer schema on opening)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from search.port import (
    IndexedDocument,
    SearchHit,
    SearchIndex,
    SearchResult,
    SearchScope,
    SearchUnavailableError,
)
from search.query import SearchQuery

__all__ = ["RETRY_SECONDS", "DeferredSearchIndex"]

RETRY_SECONDS = 5.0
"""The least time between two tries to open the index."""


class DeferredSearchIndex:
    def __init__(
        self,
        open_index: Callable[[], SearchIndex],
        on_open: Callable[[SearchIndex], None] = lambda index: None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self._open_index = open_index
        self.on_open = on_open
        self._retry_seconds = retry_seconds
        self._opened: SearchIndex | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    @property
    def opened(self) -> SearchIndex | None:
        return self._opened

    def _index(self) -> SearchIndex:
        with self._lock:
            if self._opened is not None:
                return self._opened
            now = time.monotonic()
            if self._tried_at is not None and now - self._tried_at < self._retry_seconds:
                raise SearchUnavailableError("the search index has not opened yet")
            self._tried_at = now
            opened = self._open_index()  # SearchUnavailableError while its server is down
            self.on_open(opened)
            self._opened = opened
            return opened

    def upsert(self, documents: Sequence[IndexedDocument]) -> None:
        self._index().upsert(documents)

    def delete(self, document_id: str) -> None:
        self._index().delete(document_id)

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        return self._index().search(query, scope, limit)

    def find(self, query: SearchQuery, scope: SearchScope) -> SearchResult:
        return self._index().find(query, scope)

    def scan(self, query: SearchQuery, scope: SearchScope) -> Iterator[SearchHit]:
        return self._index().scan(query, scope)

    def count(self) -> int:
        return self._index().count()

    def recorded_position(self) -> int:
        return self._index().recorded_position()

    def record_position(self, position: int) -> None:
        self._index().record_position(position)

    def close(self) -> None:
        opened = self._opened
        close = getattr(opened, "close", None)
        if close is not None:
            close()


if TYPE_CHECKING:
    _implements_port: type[SearchIndex] = DeferredSearchIndex
