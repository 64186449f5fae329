"""The numberer (cấp số): concurrent numbering requests of one process, batched per issuer.

Every number is an event at the next version of its ``Register`` aggregate, so issuers that take
numbers at once collide in the event store and all but one must retry. With 32 issuers that race
is the limit, not the work of one attempt: each save refused is a round trip wasted. So inside one
process the requests of the same issuer do not race each other: the first caller becomes the
*drainer* and takes, in one ``save()``, a number for every request waiting at that moment (and
again for those that arrived meanwhile, until none is left); the other callers wait for their
result. The short mutex below only guards the waiting lists. Uniqueness and gap-freeness are still
the event store's: numberers of other processes (other workers) race on the register's version,
and a drainer whose save is refused reloads and takes its whole batch again.

Across processes the race is avoided, not only survived: an event recorder that can serialise
work by key (``SerialisingRecorder``, e.g. the PostgreSQL recorder with an advisory lock) is asked
to hold one issuer's numbering at a time, so the drainers of several workers take turns instead of
refusing each other's saves (with 32 worker processes, almost every save was refused). A drainer
picks its batch only once its turn has come, so the requests that arrived while it waited go into
the same save. The turn is only an optimisation: a recorder without it, or a lock lost with its
connection, still leaves uniqueness and gap-freeness to the event store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable
from uuid import UUID

T = TypeVar("T")
MAX_BATCH = 500  # requests numbered in one save


@runtime_checkable
class SerialisingRecorder(Protocol):
    """An event recorder that can make work under one key wait for work under the same key in
    any process using the same store (held until the context exits, released if the process
    dies)."""

    def serialised(self, key: UUID) -> AbstractContextManager[None]: ...


@dataclass
class _Request(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None


class Numberer(Generic[T]):
    """Batches ``take`` calls per key into calls of ``number_batch``.

    ``number_batch(key, items)`` numbers them all in one save and returns, per item id, the
    numbered item or the refusal (an exception) for that item alone; ``turn(key)``, if given, is
    held around picking and numbering each batch (other processes' turns at the same key)."""

    def __init__(
        self,
        number_batch: Callable[[Hashable, Sequence[T]], dict[UUID, T | BaseException]],
        item_id: Callable[[T], UUID],
        turn: Callable[[Hashable], AbstractContextManager[None]] | None = None,
    ) -> None:
        self._number_batch = number_batch
        self._item_id = item_id
        self._turn = turn or (lambda key: nullcontext())
        self._mutex = threading.Lock()
        self._waiting: dict[Hashable, list[_Request[T]]] = {}
        self._draining: set[Hashable] = set()
        self.batches = 0  # saves made, for the benchmark's report

    def take(self, key: Hashable, item: T) -> T:
        request: _Request[T] = _Request(item)
        with self._mutex:
            self._waiting.setdefault(key, []).append(request)
            drainer = key not in self._draining
            self._draining.add(key)
        if drainer:
            self._drain(key)
        request.done.wait()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _drain(self, key: Hashable) -> None:
        """Numbers the key's waiting requests batch by batch until none is left. If the turn
        cannot be had (e.g. the database connection for the lock fails), every request waiting
        for the key gets that error and the next caller drains afresh: nobody is left waiting
        for a drainer that has gone."""
        try:
            self._drain_batches(key)
        except BaseException as error:
            with self._mutex:
                waiting = self._waiting.pop(key, [])
                self._draining.discard(key)
            for request in waiting:
                request.error = error
                request.done.set()

    def _drain_batches(self, key: Hashable) -> None:
        while True:
            with self._mutex:
                if not self._waiting.get(key):
                    self._waiting.pop(key, None)
                    self._draining.discard(key)
                    return
            with self._turn(key):  # only this drainer takes from the list meanwhile
                with self._mutex:
                    waiting = self._waiting.pop(key)
                    batch, rest = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
                    if rest:
                        self._waiting[key] = rest
                self._run(key, batch)

    def _run(self, key: Hashable, batch: list[_Request[T]]) -> None:
        try:
            self.batches += 1
            results = self._number_batch(key, [request.item for request in batch])
            for request in batch:
                outcome = results[self._item_id(request.item)]
                if isinstance(outcome, BaseException):
                    request.error = outcome
                else:
                    request.result = outcome
        except BaseException as error:  # the whole batch failed: every caller gets the error
            for request in batch:
                request.error = error
        finally:
            for request in batch:
                request.done.set()
