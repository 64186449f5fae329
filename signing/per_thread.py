"""A bounded map kept per thread, for caches of parsed asn1crypto objects.

asn1crypto parses lazily and remembers what it parsed on the object itself (a sequence's
children, a certificate's extensions), in several steps that are not atomic: an object shared
by two threads can be seen half-parsed by one of them ("No field numbered 1 is present in this
NameTypeAndValue"). ``signing.certificate_cache`` and ``signing.path_cache`` therefore keep
their objects per thread (the web app's thread pool and the worker's threads each warm their
own copy), never handing one thread an object another thread may be parsing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["PerThreadMap"]

K = TypeVar("K")
V = TypeVar("V")


class PerThreadMap(Generic[K, V]):
    """At most ``max_entries`` entries per thread, the least recently used dropped first;
    ``clear`` empties every thread's map."""

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._local = threading.local()
        self._generation = 0
        self._lock = threading.Lock()

    def _entries(self) -> OrderedDict[K, V]:
        local = self._local
        entries: OrderedDict[K, V] | None = getattr(local, "entries", None)
        if entries is None or local.generation != self._generation:
            entries = local.entries = OrderedDict()
            local.generation = self._generation
        return entries

    def get(self, key: K) -> V | None:
        entries = self._entries()
        value = entries.get(key)
        if value is not None:
            entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        entries = self._entries()
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > self._max_entries:
            entries.popitem(last=False)

    def pop(self, key: K) -> None:
        self._entries().pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
