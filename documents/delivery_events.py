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
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from documents.dispatch_list import DispatchList
from documents.integrity import GENESIS, TRAILER, first_link_digests, link_digest
from documents.receipts import Receipt, receipt_ids_for

_RECIPIENT = UUID("d1e1a1e5-0000-4000-8000-7e3b1a7e0001")
"""Placeholder recipient while encoding the template (never a real unit: not a uuid5)."""
_TIME = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
"""Placeholder timestamp while encoding the template."""


class BuiltDelivery(NamedTuple):
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
        timestamped ``timestamp`` (now by default: the time of the batch's save).

        Per recipient only what differs is made: its receipt id, the state with its id put in,
        the chain digest over what is common hashed once (``first_link_digests``)."""
        moment = timestamp or self._event_class.create_timestamp()
        before, after = self._around_recipient(moment)
        compressor, cipher = self._mapper.compressor, self._mapper.cipher
        receipt_ids = receipt_ids_for(self._document_id, unit_ids)
        states: list[bytes] = []
        for unit_id in unit_ids:
            state = before + unit_id.hex.encode() + after
            if compressor:
                state = compressor.compress(state)
            if cipher:
                state = cipher.encrypt(state)
            states.append(state)
        digests = first_link_digests(
            self._topic,
            zip([str(receipt_id) for receipt_id in receipt_ids], states, strict=True),
        )
        # the event as the mapper decodes it: the template's state, the recipient's values
        decoded = dict(self._state)
        decoded["timestamp"] = moment
        decoded["originator_id"] = None
        decoded["originator_version"] = 1
        event_class, topic, new = self._event_class, self._topic, object.__new__
        built: list[BuiltDelivery] = []
        for unit_id, receipt_id, state, digest in zip(
            unit_ids, receipt_ids, states, digests, strict=True
        ):
            event = new(event_class)
            event_state = decoded.copy()
            event_state["recipient_unit_id"] = unit_id
            event_state["originator_id"] = receipt_id
            object.__setattr__(event, "__dict__", event_state)
            stored = StoredEvent(
                originator_id=receipt_id,
                originator_version=1,
                topic=topic,
                state=state + TRAILER + digest.encode("ascii"),
            )
            built.append(BuiltDelivery(stored, event))
        return built

    def _around_recipient(self, moment: datetime) -> tuple[bytes, bytes]:
        """The encoded state before and after the recipient's id, with ``moment`` put in."""
        values = {"time": self._encode(moment)}
        pieces: list[list[bytes]] = [[self._parts[0]]]
        for slot, part in zip(self._slots, self._parts[1:], strict=True):
            if slot == "recipient":
                pieces.append([])
            else:
                pieces[-1].append(values[slot])
            pieces[-1].append(part)
        before, after = (b"".join(piece) for piece in pieces)
        return before, after


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
