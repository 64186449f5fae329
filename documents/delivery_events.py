"""The ``Delivered`` events of a delivery batch, built from one pre-encoded template.

Delivering a document to 126,000 units creates 126,000 ``Receipt`` aggregates whose first events
differ only in the recipient (and the receipt id derived from it). Creating each through the
aggregate machinery and encoding it through the mapper cost ~0.5 ms per receipt; here the
event's state is encoded once per batch with placeholders for the recipient and the time, and
each stored event is that template with the two values put in, chained by the same SHA-256 as
``ChainingMapper`` gives a first event (``documents/integrity.py``). Same event class, topic,
state bytes and digest as the normal path: a receipt replayed from these events equals one
created by ``Receipt(...)`` (tests/documents/test_delivery_events.py compares both paths).

The domain events handed to the read-model catch-up are built the way the mapper decodes them
(``object.__new__`` and the state as ``__dict__``), without the JSON round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from documents.dispatch_list import DispatchList
from documents.integrity import GENESIS, TRAILER, link_digest
from documents.receipts import Receipt, receipt_id_for

_RECIPIENT = UUID("d1e1a1e5-0000-4000-8000-7e3b1a7e0001")
"""Placeholder recipient while encoding the template (never a real unit: not a uuid5)."""
_TIME = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
"""Placeholder timestamp while encoding the template."""


@dataclass(frozen=True)
class BuiltDelivery:
    """One recipient's ``Delivered`` event: as stored, and as the read model applies it."""

    stored: StoredEvent
    event: Aggregate.Event
    """A ``Receipt.Delivered``."""


class DeliveryTemplate:
    """Builds the stored ``Delivered`` events of one document's receipts (one per recipient).

    ``fields`` are the ``Receipt`` constructor's arguments except ``recipient_unit_id``.
    """

    def __init__(self, mapper: Mapper[UUID], fields: dict[str, Any]) -> None:
        self._mapper = mapper
        self._document_id: UUID = fields["document_id"]
        prototype = Receipt(recipient_unit_id=_RECIPIENT, **fields)
        (event,) = prototype.collect_events()
        state = dict(vars(event))
        state.pop("originator_id")
        state.pop("originator_version")
        state["timestamp"] = _TIME
        self._event_class: type[Aggregate.Event] = type(event)  # type: ignore[assignment]
        self._topic = get_topic(self._event_class)
        self._state = state  # the decoded state, in the order the mapper encodes it
        encoded = mapper.transcoder.encode(state)
        self._parts, self._slots = _split(
            encoded,
            {"time": self._encode(_TIME), "recipient": self._encode(_RECIPIENT)},
        )
        self._check(fields)

    def _check(self, fields: dict[str, Any]) -> None:
        """Refuses a template that would not store what the mapper stores (another transcoder,
        a changed event): one receipt built both ways must give the same bytes."""
        probe = UUID(int=_RECIPIENT.int + 1)
        (event,) = Receipt(recipient_unit_id=probe, **fields).collect_events()
        (built,) = self.build([probe], event.timestamp)
        expected = Mapper.to_stored_event(self._mapper, event)
        digest = link_digest(GENESIS, expected).encode("ascii")
        if built.stored.state != expected.state + TRAILER + digest or built.stored.topic != (
            expected.topic
        ):
            raise ValueError("the delivery template does not match the mapper's encoding")

    @classmethod
    def for_dispatch(
        cls, mapper: Mapper[UUID], dispatch: DispatchList, via_unit_id: UUID | None = None
    ) -> DeliveryTemplate:
        return cls(
            mapper,
            {
                "document_id": dispatch.document_id,
                "issuer_unit_id": dispatch.issuer_unit_id,
                "number_symbol": dispatch.number_symbol,
                "subject": dispatch.subject,
                "doc_type": dispatch.doc_type,
                "urgency": dispatch.urgency,
                "file_sha256": dispatch.file_sha256,
                "via_unit_id": via_unit_id,
            },
        )

    def _encode(self, value: UUID | datetime) -> bytes:
        """A value as the transcoder writes it inside the JSON (the string's characters)."""
        transcoding = self._mapper.transcoder.types[type(value)]  # type: ignore[attr-defined]
        text = str(transcoding.encode(value))
        if not text.isascii() or '"' in text or "\\" in text:  # never for hex or ISO 8601
            raise ValueError(f"value needs escaping in JSON: {text!r}")
        return text.encode("ascii")

    def build(
        self, unit_ids: Sequence[UUID], timestamp: datetime | None = None
    ) -> list[BuiltDelivery]:
        """The events delivering the document to ``unit_ids`` (one per unit, version 1), all
        timestamped ``timestamp`` (now by default: the time of the batch's save)."""
        moment = timestamp or self._event_class.create_timestamp()
        values = {"time": self._encode(moment)}
        compressor, cipher = self._mapper.compressor, self._mapper.cipher
        built: list[BuiltDelivery] = []
        for unit_id in unit_ids:
            receipt_id = receipt_id_for(self._document_id, unit_id)
            values["recipient"] = unit_id.hex.encode("ascii")
            pieces = [self._parts[0]]
            for slot, part in zip(self._slots, self._parts[1:], strict=True):
                pieces.append(values[slot])
                pieces.append(part)
            state = b"".join(pieces)
            if compressor:
                state = compressor.compress(state)
            if cipher:
                state = cipher.encrypt(state)
            stored = StoredEvent(
                originator_id=receipt_id, originator_version=1, topic=self._topic, state=state
            )
            digest = link_digest(GENESIS, stored).encode("ascii")
            event = object.__new__(self._event_class)
            event_state = dict(self._state)
            event_state["timestamp"] = moment
            event_state["recipient_unit_id"] = unit_id
            event_state["originator_id"] = receipt_id
            event_state["originator_version"] = 1
            object.__setattr__(event, "__dict__", event_state)
            built.append(
                BuiltDelivery(
                    StoredEvent(
                        originator_id=receipt_id,
                        originator_version=1,
                        topic=self._topic,
                        state=state + TRAILER + digest,
                    ),
                    event,
                )
            )
        return built


def _split(encoded: bytes, placeholders: dict[str, bytes]) -> tuple[list[bytes], list[str]]:
    """Cuts ``encoded`` around each placeholder (each must occur exactly once): the constant
    parts, and the slot names between them in order."""
    found: list[tuple[int, str, bytes]] = []
    for name, value in placeholders.items():
        if encoded.count(value) != 1:
            raise ValueError(f"placeholder {name} occurs {encoded.count(value)} times")
        found.append((encoded.index(value), name, value))
    found.sort()
    parts: list[bytes] = []
    slots: list[str] = []
    start = 0
    for index, name, value in found:
        parts.append(encoded[start:index])
        slots.append(name)
        start = index + len(value)
    parts.append(encoded[start:])
    return parts, slots
