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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")
MAX_BATCH = 500  # requests numbered in one save


@dataclass
class _Request(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None


class Numberer(Generic[T]):
    """Batches ``take`` calls per key into calls of ``number_batch``.

    ``number_batch(key, items)`` numbers them all in one save and returns, per item id, the
    numbered item or the refusal (an exception) for that item alone."""

    def __init__(
        self,
        number_batch: Callable[[Hashable, Sequence[T]], dict[UUID, T | BaseException]],
        item_id: Callable[[T], UUID],
    ) -> None:
        self._number_batch = number_batch
        self._item_id = item_id
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
        while True:
            with self._mutex:
                waiting = self._waiting.get(key, [])
                batch, rest = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
                if rest:
                    self._waiting[key] = rest
                else:
                    self._waiting.pop(key, None)
                if not batch:
                    self._draining.discard(key)
                    return
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
