"""Group commit for small use cases: the events of concurrent callers of one process (the web
app's thread pool) recorded in one ``save()`` — one transaction, one fsync, one read-model
catch-up — instead of one each.

The first caller to arrive while no save is running leads: it takes every event waiting (its own
and those of callers that arrived meanwhile, up to ``max_batch`` callers), records them, catches
the read model up and wakes the callers it served; the next waiting caller then leads the next
group. If the group's save is refused (one caller's aggregate was changed concurrently: the
derived version collides), each caller's events are recorded alone, so only that caller gets the
``IntegrityError`` — exactly what it would have got saving alone. A caller returns only after its
events are recorded and visible in the read model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError


@dataclass
class _Caller:
    events: Sequence[Any]
    wake: threading.Event = field(default_factory=threading.Event)
    served: bool = False
    error: BaseException | None = None


class GroupSaver:
    def __init__(
        self, save: Callable[..., object], after: Callable[[], None], max_batch: int = 200
    ) -> None:
        self._save = save
        self._after = after
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Caller] = []
        self._leading = False

    def save(self, events: Sequence[Any]) -> None:
        """Records ``events`` (one caller's, e.g. ``aggregate.collect_events()``) atomically."""
        caller = _Caller(events)
        with self._lock:
            self._waiting.append(caller)
            leads = not self._leading
            self._leading = True
        if not leads:
            caller.wake.wait()  # served by a leader, or handed the lead
        if not caller.served:
            self._lead()  # the caller is first in line, so in the group it records
        if caller.error is not None:
            raise caller.error

    def _lead(self) -> None:
        with self._lock:
            group = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
        try:
            self._record(group)
        finally:
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                self._leading = following is not None
            if following is not None:
                following.wake.set()  # not served: it leads the next group

    def _record(self, group: list[_Caller]) -> None:
        try:
            self._save(*(event for caller in group for event in caller.events))
        except IntegrityError:
            for caller in group:
                try:
                    self._save(*caller.events)
                except Exception as error:  # noqa: BLE001 — handed to that caller
                    caller.error = error
        except Exception as error:  # noqa: BLE001 — the whole group failed alike
            for caller in group:
                caller.error = error
        try:
            self._after()
        except Exception as error:  # noqa: BLE001
            for caller in group:
                caller.error = caller.error or error
        for caller in group:
            caller.served = True
            caller.wake.set()
