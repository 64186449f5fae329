"""``DispatchFollowUp`` (đôn đốc trả lời): the reminders and the overdue list of one dispatched
document with a response deadline.

One aggregate per document (derived id). Each batch of at most 1,000 units reminded (or listed
overdue) is one event naming them, so 126,000 recipients are 126 events of a kind, never one
giant event; ``cursor`` (the last unit id recorded) lets a retried activity resume after the last
saved batch, and ``Finished`` records the kind's total once.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class FollowUpKind(StrEnum):
    REMINDER = "reminder"  # before the deadline, to units that have not acknowledged
    OVERDUE = "overdue"  # after it, the list of those units to the sender


def follow_up_id_for(document_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"/follow-ups/{document_id}")


class DispatchFollowUp(Aggregate):
    @staticmethod
    def create_id(document_id: UUID) -> UUID:
        return follow_up_id_for(document_id)

    @event("Started")
    def __init__(self, document_id: UUID, issuer_unit_id: UUID) -> None:
        self.document_id = document_id
        self.issuer_unit_id = issuer_unit_id
        self.cursor: dict[str, str] = {}
        self.sent: dict[str, int] = {}
        self.finished: dict[str, int] = {}

    def record_batch(self, kind: FollowUpKind, unit_ids: list[UUID]) -> None:
        """Units (sorted by id, after ``cursor``) reminded or listed overdue in one batch."""
        if not unit_ids or kind.value in self.finished:
            return
        self._sent(kind=kind.value, unit_ids=unit_ids)

    @event("RemindersSent")
    def _sent(self, kind: str, unit_ids: list[UUID]) -> None:
        self.cursor[kind] = str(unit_ids[-1])
        self.sent[kind] = self.sent.get(kind, 0) + len(unit_ids)

    def finish(self, kind: FollowUpKind) -> int:
        if kind.value not in self.finished:
            self._finished(kind=kind.value, count=self.sent.get(kind.value, 0))
        return self.finished[kind.value]

    @event("Finished")
    def _finished(self, kind: str, count: int) -> None:
        self.finished[kind] = count
