"""Plumbing shared by every use case: the event store, the mapper, read models, errors."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    Recording,
    Transcoding,
)
from eventsourcing.utils import get_topic

from documents.blobs import BlobStore
from documents.delivery_events import BuiltDelivery
from documents.dispatch_list import DispatchList
from documents.errors import InvalidInputError, NotFoundError
from documents.event_templates import StoredEventEncoder
from documents.group_save import GroupSaver
from documents.integrity import ChainingMapper, IntegrityReport, verify_event_store
from documents.receipts import Receipt, receipt_id_for
from documents.recipient_lists import RecipientLists
from documents.registers import Register, register_id_for
from documents.units import UnitTree
from documents.views import ReadModel

MAX_SUBJECT_LENGTH = 500
MAX_NUMBERING_ATTEMPTS = 100


class DateAsISO(Transcoding):
    """Calendar dates (deadlines) in events, stored as ``YYYY-MM-DD``."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _NotificationSource:
    """The event log as the read models follow it. Events this process has just recorded can be
    remembered by their notification id, so the catch-up that follows a large save applies them
    as they are instead of decoding them again (JSON and hash chain: ~40% of a receipt's
    catch-up). A notification not remembered (another process's, or evicted) is decoded."""

    REMEMBERED = 20_000

    def __init__(self, app: Application[UUID]) -> None:
        self._app = app
        self._recorded: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, recordings: Sequence[Recording[UUID]]) -> None:
        self.remember_events(
            (recording.notification.id, recording.domain_event) for recording in recordings
        )

    def remember_events(self, events: Iterable[tuple[int, Any]]) -> None:
        """(notification id, domain event) pairs this process has just recorded, as the
        catch-up will apply them."""
        with self._lock:
            self._recorded.update(events)
            while len(self._recorded) > self.REMEMBERED:
                self._recorded.popitem(last=False)

    def select_notifications(self, start: int, limit: int) -> Sequence[Any]:
        """The log from ``start``. Positions this process recorded itself, from ``start`` on
        without a gap, are not read back (a delivery batch's 1,000 states): nothing else can
        sit between two consecutive notification ids."""
        with self._lock:
            known: list[Any] = []
            while (
                len(known) < limit and (event := self._recorded.get(start + len(known))) is not None
            ):
                known.append(_Remembered(start + len(known), event))
        end = start + len(known)
        if len(known) == limit:
            return known
        return known + list(self._app.recorder.select_notifications(end, limit - len(known)))

    def to_domain_event(self, notification: Any) -> Any:
        with self._lock:
            recorded = self._recorded.pop(notification.id, None)
        if isinstance(notification, _Remembered):
            return notification.domain_event
        if recorded is not None:
            return recorded
        return self._app.mapper.to_domain_event(notification)


@dataclass(frozen=True)
class _Remembered:
    """A position whose event this process recorded and still holds: the notification's id,
    aggregate id, version and topic, as a reader that only looks at those (the search
    projection) finds them in a stored notification, and the event itself."""

    id: int
    domain_event: Any

    @property
    def originator_id(self) -> UUID:
        return cast(UUID, self.domain_event.originator_id)

    @property
    def originator_version(self) -> int:
        return cast(int, self.domain_event.originator_version)

    @property
    def topic(self) -> str:
        return get_topic(type(self.domain_event))


class ServiceBase(Application[UUID]):
    def __init__(self, env: dict[str, str], views: ReadModel, blobs: BlobStore) -> None:
        super().__init__(env)
        self.dispatch_lists: OrderedDict[UUID, DispatchList] = OrderedDict()
        assert isinstance(self.mapper, ChainingMapper)
        self.mapper.reader = self.recorder
        self.views = views
        self.blobs = blobs
        self.recipient_lists = RecipientLists(blobs)
        self.notifications = _NotificationSource(self)
        self.encoder = StoredEventEncoder(self.mapper)
        self.group_saver = GroupSaver(self.record_events, self.refresh_views)
        self.save_observers: list[Callable[[list[Any]], None]] = []
        """Called with the domain events of every save of this process (``save`` and
        ``record_events``), once recorded (e.g. the web app's session cache drops an account
        changed here)."""

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_mapper(self) -> Mapper[UUID]:
        """Every stored event is chained by hash to its aggregate's previous one."""
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=ChainingMapper
        )

    def verify_integrity(self, batch_size: int = 1000) -> IntegrityReport:
        def notifications() -> Iterator[Any]:
            start = 1
            while batch := self.recorder.select_notifications(start, batch_size):
                yield from batch
                start = batch[-1].id + 1

        return verify_event_store(notifications())

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """``Application.save``, collecting the events of our own aggregates directly: the
        generic path checks every object against runtime protocols (``isinstance`` on a
        ``Protocol`` inspects each member, ~30 µs per aggregate on a batch of receipts)."""
        if not all(isinstance(obj, Aggregate) for obj in objs):  # a class, not a protocol
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            processing_event.events.extend(obj.collect_events())
            processing_event.aggregates[obj.id] = obj
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # eventsourcing's deprecated hook, kept
        return recordings

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        super()._notify(recordings)
        if self.save_observers:
            events = [recording.domain_event for recording in recordings]
            for observer in self.save_observers:
                observer(events)

    # -- plumbing -------------------------------------------------------------------------
    def refresh_views(self) -> None:
        self.views.catch_up(self.notifications)

    def save_remembered(self, *objs: Any) -> None:
        """Saves; the catch-up that follows applies these events as recorded (not decoded)."""
        self.notifications.remember(self.save(*objs))

    def record_events(self, *events: Any) -> None:
        """Records domain events (not aggregates) straight into the event store, as ``save``
        would but without its generic machinery (snapshots, which no aggregate here takes;
        protocol checks): stored events from ``encoder`` (templates), one insert, and the
        events remembered for the catch-up. A collision with a recorded version raises
        ``IntegrityError`` and records nothing."""
        stored = self.encoder.stored(events)
        notification_ids = self.recorder.insert_events(stored)
        if notification_ids:
            self.notifications.remember_events(zip(notification_ids, events, strict=True))
        for observer in self.save_observers:
            observer(list(events))

    def record_deliveries(self, deliveries: Sequence[BuiltDelivery]) -> None:
        """Stores receipts' ``Delivered`` events built from a template (one insert, as one
        ``save()`` of those receipts would), then catches the read model up with them as built.
        Raises ``IntegrityError`` when a receipt exists already (its id is derived)."""
        ids = self.recorder.insert_events([delivery.stored for delivery in deliveries])
        if ids:
            self.notifications.remember_events(
                zip(ids, (delivery.event for delivery in deliveries), strict=True)
            )
        self.refresh_views()

    def save_and_refresh(self, *aggregates: Aggregate) -> None:
        self.save(*aggregates)
        self.refresh_views()

    def _get(self, aggregate_id: UUID, kind: type, what_vi: str, what_en: str) -> Any:
        try:
            aggregate: Any = self.repository.get(aggregate_id, projector_func=_replayed)
        except AggregateNotFoundError:
            raise NotFoundError(f"Không tìm thấy {what_vi}.", f"No such {what_en}.") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"Không tìm thấy {what_vi}.", f"No such {what_en}.")
        return aggregate

    def tree(self) -> UnitTree:
        self.refresh_views()
        return self.views.unit_tree()

    def receipt(self, receipt_id: UUID) -> Receipt:
        return cast(Receipt, self._get(receipt_id, Receipt, "văn bản đến", "incoming document"))

    def receipt_for(self, document_id: UUID, unit_id: UUID) -> Receipt:
        return self.receipt(receipt_id_for(document_id, unit_id))

    def _register(self, unit_id: UUID, kind: str, year: int) -> Register:
        try:
            return cast(Register, self.repository.get(register_id_for(unit_id, kind, year)))
        except AggregateNotFoundError:
            return Register(unit_id=unit_id, kind=kind, year=year)


REQUIRED_FIELDS = {
    "comment": ("ý kiến", "comment"),
    "reason": ("lý do", "reason"),
    "code": ("ký hiệu hồ sơ", "folder code"),
    "title": ("tiêu đề", "title"),
    "direction": ("ý kiến chỉ đạo", "direction"),
    "note": ("nội dung", "note"),
}


def required_text(value: str, field: str) -> str:
    if not value or not value.strip():
        vi, en = REQUIRED_FIELDS[field]
        raise InvalidInputError(f"Cần nhập {vi}.", f"A {en} is required.")
    return value.strip()


def _replayed(aggregate: Any, events: Iterable[Any]) -> Any:
    """eventsourcing's `project_aggregate` without its per-event `isinstance` check against a
    runtime Protocol (a sixth of the time of replaying a document's events)."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate
