"""Registers (sổ văn bản): gap-free yearly number sequences, outgoing per issuer, incoming per unit.

A ``Register`` is one aggregate per (unit, kind, year). Every number taken is an event at the next
version of that aggregate, so two concurrent takers collide in the event store (optimistic
concurrency) and the loser retries with the next number: unique and gap-free without a lock.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Register(Aggregate):
    @staticmethod
    def create_id(unit_id: UUID, kind: str, year: int) -> UUID:
        return register_id_for(unit_id, kind, year)

    @event("Opened")
    def __init__(self, unit_id: UUID, kind: str, year: int) -> None:
        self.unit_id = unit_id
        self.kind = kind
        self.year = year
        self.last_number = 0

    @property
    def next_number(self) -> int:
        return self.last_number + 1

    @event("NumberTaken")
    def take_number(self, number: int, entry_id: UUID) -> None:
        assert number == self.last_number + 1, "register numbers are gap-free"
        self.last_number = number


OUTGOING = "outgoing"
INCOMING = "incoming"
COPIES = "copies"
"""Electronic copies (bản sao): one yearly sequence per unit, common to SAO Y, SAO LỤC and
TRÍCH SAO (Nghị định 30/2020)."""


def outgoing_register_kind(register_mode: str, doc_type: str) -> str:
    """The outgoing register a document takes its number from, by the issuer's setting."""
    return OUTGOING if register_mode == "single" else f"{OUTGOING}:{doc_type}"


def register_id_for(unit_id: UUID, kind: str, year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"/registers/{kind}/{unit_id}/{year}")


def format_number(number: int) -> str:
    """Numbers below 10 are written 01…09 (Nghị định 30)."""
    return f"{number:02d}"
