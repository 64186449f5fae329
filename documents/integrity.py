"""Tamper evidence: every stored event carries a SHA-256 digest chained to its aggregate's
previous event, and ``verify_event_store`` finds any edited, removed or reordered event.

The digest of event *n* covers the digest of event *n−1*, the aggregate id, the version, the
topic and the serialised state; it is appended to the stored state (``…\\n#sha256:<hex>``) by
``ChainingMapper`` and stripped again before the state is decoded. Limits: someone able to write
the database can rewrite a whole chain from the edit onwards; anchoring chain heads outside the
database closes that (later work). Removing an aggregate's newest event is not visible in its
own chain.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

TRAILER = b"\n#sha256:"
GENESIS = "0" * 64
UNKNOWN = ""
_DIGEST_CHARS = 64


class ChainError(Exception):
    """A stored event has no chain digest, or its predecessor cannot be found."""


def link_digest(previous: str, stored: StoredEvent, originator: str | None = None) -> str:
    """The chain digest of ``stored``: SHA-256 over the previous digest, the aggregate id
    (``originator``, its text form, when the caller has it already), the version and the topic,
    each followed by a NUL byte, then the state."""
    if originator is None:
        originator = str(stored.originator_id)
    before, after = _around_id(previous, stored.originator_version, stored.topic)
    digest = hashlib.sha256(before + originator.encode() + after)
    digest.update(stored.state)
    return digest.hexdigest()


def _around_id(previous: str, version: int, topic: str) -> tuple[bytes, bytes]:
    """What a link's digest covers before and after the aggregate id (each part followed by a
    NUL byte); the state follows."""
    return f"{previous}\0".encode(), f"\0{version}\0{topic}\0".encode()


def first_link_digests(topic: str, events: Iterable[tuple[str, bytes]]) -> Iterator[str]:
    """``link_digest`` of the first events (version 1) of new aggregates sharing a topic, each
    given as (aggregate id as text, stored state): the common parts are hashed once."""
    before, after_id = _around_id(GENESIS, 1, topic)
    common = hashlib.sha256(before)
    for originator_id, state in events:
        digest = common.copy()
        digest.update(originator_id.encode() + after_id)
        digest.update(state)
        yield digest.hexdigest()


def split_state(state: bytes) -> tuple[bytes, str]:
    cut = len(TRAILER) + _DIGEST_CHARS
    if len(state) < cut or state[-cut:-_DIGEST_CHARS] != TRAILER:
        raise ChainError("stored event without a chain digest")
    return state[:-cut], state[-_DIGEST_CHARS:].decode("ascii")


class EventReader(Protocol):
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]: ...


class ChainingMapper(Mapper[UUID]):
    """A mapper that chains every stored event to the previous one of its aggregate."""

    CACHE_SIZE = 100_000
    reader: EventReader | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._digests: OrderedDict[tuple[str, int], str] = OrderedDict()

    def _remember(self, stored: StoredEvent, digest: str, originator: str | None = None) -> None:
        key = (
            str(stored.originator_id) if originator is None else originator,
            stored.originator_version,
        )
        digests = self._digests
        if key in digests:
            digests.move_to_end(key)
        digests[key] = digest
        if len(digests) > self.CACHE_SIZE:
            digests.popitem(last=False)

    def _previous(self, originator_id: UUID | str, version: int, originator: str) -> str:
        """The digest of event ``version`` (the one before the event being stored) of the
        aggregate whose id is ``originator_id`` (``originator`` in text form)."""
        if version < 1:
            return GENESIS
        cached = self._digests.get((originator, version))
        if cached is not None:
            return cached
        if self.reader is None:
            raise ChainError("no event reader to find the previous event")
        found = self.reader.select_events(originator_id, lte=version, desc=True, limit=1)
        if not found or found[0].originator_version != version:
            raise ChainError(f"event {version} of {originator_id} not found")
        return split_state(found[0].state)[1]

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return self.chain(self.encode(domain_event))

    def encode(self, domain_event: Any) -> StoredEvent:
        """The stored event as eventsourcing's mapper makes it, not yet chained."""
        return super().to_stored_event(domain_event)

    def chain(self, stored: StoredEvent) -> StoredEvent:
        """``stored`` (unchained, from ``encode`` or built otherwise) with its chain digest."""
        originator = str(stored.originator_id)
        previous = self._previous(stored.originator_id, stored.originator_version - 1, originator)
        digest = link_digest(previous, stored, originator)
        # Remembered at once so a second event of the same aggregate in the same save chains
        # to it; a save that fails is always followed by re-reading the aggregate, which
        # replaces the entry with the digest actually stored.
        self._remember(stored, digest, originator)
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=stored.state + TRAILER + digest.encode("ascii"),
        )

    def note(self, stored_event: StoredEvent) -> None:
        """Remembers the digest of a stored event read without decoding it (the next event of
        its aggregate chains to it)."""
        self._remember(stored_event, split_state(stored_event.state)[1])

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state, digest = split_state(stored_event.state)
        self._remember(stored_event, digest)
        return super().to_domain_event(replace(stored_event, state=state))


@dataclass(frozen=True)
class IntegrityProblem:
    position: int
    originator_id: str
    version: int
    topic: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return (
            f"#{self.position} {self.topic} {self.originator_id} v{self.version}: "
            f"{self.message_vi} / {self.message_en}"
        )


@dataclass(frozen=True)
class IntegrityReport:
    events: int
    aggregates: int
    problems: list[IntegrityProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_event_store(notifications: Iterator[Any]) -> IntegrityReport:
    """Checks every chain; ``notifications`` are stored events with an ``id``, in log order."""
    heads: dict[str, tuple[int, str]] = {}
    problems: list[IntegrityProblem] = []
    events = 0
    for stored in notifications:
        events += 1
        key = str(stored.originator_id)
        last_version, previous = heads.get(key, (0, GENESIS))
        try:
            state, recorded = split_state(stored.state)
        except ChainError:
            problems.append(_problem(stored, "sự kiện không có mã chuỗi băm", "no chain digest"))
            heads[key] = (max(stored.originator_version, last_version), UNKNOWN)
            continue
        found = _check_link(stored, state, recorded, last_version, previous)
        if found:
            problems.append(_problem(stored, *found))
        heads[key] = (max(stored.originator_version, last_version), recorded)
    return IntegrityReport(events=events, aggregates=len(heads), problems=problems)


def _check_link(
    stored: Any, state: bytes, recorded: str, last_version: int, previous: str
) -> tuple[str, str] | None:
    version = stored.originator_version
    if version > last_version + 1:
        return (
            f"thiếu sự kiện {last_version + 1}–{version - 1} (đã bị xóa)",
            f"events {last_version + 1}–{version - 1} are missing (removed)",
        )
    if version <= last_version:
        return "sự kiện sai thứ tự", "event out of order"
    if previous == UNKNOWN:
        return None  # the predecessor's digest is unreadable (reported there)
    if link_digest(previous, replace(stored_event(stored), state=state)) != recorded:
        return "nội dung đã bị sửa hoặc đảo thứ tự", "content edited or reordered"
    return None


def _problem(stored: Any, message_vi: str, message_en: str) -> IntegrityProblem:
    return IntegrityProblem(
        stored.id,
        str(stored.originator_id),
        stored.originator_version,
        stored.topic,
        message_vi,
        message_en,
    )


def stored_event(notification: Any) -> StoredEvent:
    return StoredEvent(
        originator_id=notification.originator_id,
        originator_version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
    )
