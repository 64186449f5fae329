"""Stored events built from a template (acknowledgements in bulk).

A group of acknowledgements (``Receipt.Acknowledged``: a receipt id, a version, a time and who)
differs only in those four values, so their stored state is the mapper's JSON with two values
put in: ``{"timestamp":{…"_data_":"<ISO time>"},"by":{…"_data_":"<hex>"}}``. The template is
taken from the application's own mapper when the application starts and checked against it on
probes; if the mapper encodes differently (compression, encryption, another transcoder), the
mapper encodes every event, as before. Chaining (``ChainingMapper.chain``) is the same for both,
so the stored events are byte for byte those of the normal path (tests/documents/
test_event_templates.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from documents.integrity import ChainingMapper
from documents.receipts import Receipt

_PROBES = (
    (
        UUID("6f1c1f0e-0000-4000-8000-000000000001"),
        datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC),
        UUID("6f1c1f0e-0000-4000-8000-0000000000b1"),
    ),
    (  # isoformat() drops the microseconds when they are zero
        UUID("6f1c1f0e-0000-4000-8000-000000000002"),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        UUID("6f1c1f0e-0000-4000-8000-0000000000b2"),
    ),
)


ACKNOWLEDGED: type[Any] = vars(Receipt)["Acknowledged"]
"""``Receipt.Acknowledged``, the event class made by ``@event`` (unknown to type checkers)."""


def acknowledged_event(receipt_id: UUID, version: int, timestamp: datetime, by: UUID) -> Any:
    """The domain event ``Receipt.acknowledge`` records, built directly."""
    return ACKNOWLEDGED(
        originator_id=receipt_id, originator_version=version, timestamp=timestamp, by=by
    )


class StoredEventEncoder:
    """Encodes domain events for the event store: ``Receipt.Acknowledged`` from its template,
    any other event with the mapper; then chains them (``ChainingMapper.chain``)."""

    def __init__(self, mapper: ChainingMapper) -> None:
        self._mapper = mapper
        self._topic = get_topic(ACKNOWLEDGED)
        self._parts = self._template()

    @property
    def templated(self) -> bool:
        """Whether acknowledgements are encoded from the template (else by the mapper)."""
        return self._parts is not None

    def _template(self) -> tuple[bytes, bytes, bytes] | None:
        receipt_id, timestamp, by = _PROBES[0]
        state = self._mapper.encode(acknowledged_event(receipt_id, 2, timestamp, by)).state
        moment, who = timestamp.isoformat().encode(), by.hex.encode()
        if state.count(moment) != 1 or state.count(who) != 1:
            return None
        prefix, rest = state.split(moment)
        if who not in rest:
            return None  # ``by`` before the time: not the layout this template expects
        middle, suffix = rest.split(who)
        parts = (prefix, middle, suffix)
        for receipt_id, timestamp, by in _PROBES:
            event = acknowledged_event(receipt_id, 3, timestamp, by)
            if self._fill(parts, event) != self._mapper.encode(event).state:
                return None
        return parts

    @staticmethod
    def _fill(parts: tuple[bytes, bytes, bytes], event: Any) -> bytes:
        prefix, middle, suffix = parts
        return b"".join(
            (prefix, event.timestamp.isoformat().encode(), middle, event.by.hex.encode(), suffix)
        )

    def unchained(self, event: Any) -> StoredEvent:
        if self._parts is not None and type(event) is ACKNOWLEDGED:
            return StoredEvent(
                originator_id=event.originator_id,
                originator_version=event.originator_version,
                topic=self._topic,
                state=self._fill(self._parts, event),
            )
        return self._mapper.encode(event)

    def stored(self, events: Any) -> list[StoredEvent]:
        """The stored events of ``events`` (in order), chained as the mapper chains them."""
        return [self._mapper.chain(self.unchained(event)) for event in events]
