"""The union hierarchy: a ``Unit`` (tổ chức công đoàn) and the ``UnitTree`` read from units."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class UnitLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    UPPER_GRASSROOTS = "upper_grassroots"
    GRASSROOTS = "grassroots"


LEVEL_LABELS = {
    UnitLevel.NATIONAL: "Trung ương",
    UnitLevel.PROVINCIAL: "Tỉnh, thành phố / ngành trung ương",
    UnitLevel.UPPER_GRASSROOTS: "Cấp trên trực tiếp cơ sở",
    UnitLevel.GRASSROOTS: "Cơ sở",
}


class RegisterMode(StrEnum):
    """How a unit numbers its outgoing documents: one register, or one per document type."""

    SINGLE = "single"
    PER_TYPE = "per_type"


SIGNATURE_LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
"""The PAdES baseline levels a unit may choose for its signatures (mức chữ ký số)."""


class UnitStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"
    DISSOLVED = "dissolved"


class Unit(Aggregate):
    """A union organisation, identified for ever by its ``code``.

    Reorganisations are events: ``Renamed``, ``Moved``, ``MergedInto``, ``Dissolved``. Nothing is
    deleted: documents keep the names they were issued under, and a merged unit's records stay
    reachable from the unit it merged into.
    """

    @staticmethod
    def create_id(code: str) -> UUID:
        return unit_id_for(code)

    @event("Registered")
    def __init__(
        self,
        code: str,
        name: str,
        short_name: str,
        abbreviation: str,
        level: str,
        parent_id: UUID | None,
        place: str,
    ) -> None:
        self.code = code
        self.name = name
        self.short_name = short_name
        self.abbreviation = abbreviation
        self.level = level
        self.parent_id = parent_id
        self.place = place
        self.status = UnitStatus.ACTIVE
        self.merged_into: UUID | None = None
        self.register_mode: str = RegisterMode.SINGLE
        self.signature_level: str | None = None  # None: the configured defaults

    @event("RegisterModeSet")
    def set_register_mode(self, mode: str) -> None:
        self.register_mode = mode

    @event("SignatureLevelSet")
    def set_signature_level(self, level: str | None) -> None:
        """The PAdES level of the unit's signatures (its leaders', its seal, its incoming stamp
        and copies): one of ``SIGNATURE_LEVELS``, or None for the configured defaults."""
        self.signature_level = level

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    @event("Renamed")
    def rename(self, name: str, short_name: str, abbreviation: str) -> None:
        self.name = name
        self.short_name = short_name
        self.abbreviation = abbreviation

    @event("Moved")
    def move(self, parent_id: UUID) -> None:
        self.parent_id = parent_id

    @event("MergedInto")
    def merge_into(self, target_id: UUID) -> None:
        self.status = UnitStatus.MERGED
        self.merged_into = target_id

    @event("Dissolved")
    def dissolve(self, reason: str) -> None:
        self.status = UnitStatus.DISSOLVED


def unit_id_for(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/units/{code}")


@dataclass(frozen=True)
class UnitInfo:
    """What the rest of the system reads about a unit (a row of the units read model)."""

    id: UUID
    code: str
    name: str
    short_name: str
    abbreviation: str
    level: str
    parent_id: UUID | None
    place: str
    status: str = UnitStatus.ACTIVE
    merged_into: UUID | None = None

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE


class UnitTree:
    """Parent links of every unit, for relations (own, parent, child, ...) and subtrees."""

    def __init__(self, units: Iterable[UnitInfo]) -> None:
        self._units = {unit.id: unit for unit in units}
        self._children: dict[UUID, list[UUID]] = {}
        self._absorbed: dict[UUID, list[UUID]] = {}
        for unit in self._units.values():
            if unit.parent_id is not None and unit.is_active:
                self._children.setdefault(unit.parent_id, []).append(unit.id)
            if unit.merged_into is not None:
                self._absorbed.setdefault(unit.merged_into, []).append(unit.id)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def __len__(self) -> int:
        return len(self._units)

    def get(self, unit_id: UUID) -> UnitInfo:
        return self._units[unit_id]

    def all(self) -> list[UnitInfo]:
        return list(self._units.values())

    def children(self, unit_id: UUID) -> list[UnitInfo]:
        """The active units directly under this one."""
        return [self._units[c] for c in self._children.get(unit_id, [])]

    def absorbed(self, unit_id: UUID) -> list[UUID]:
        """The unit itself and every unit merged into it, directly or through earlier merges:
        whose inboxes, registers and archives are now this unit's."""
        found = [unit_id]
        for merged in self._absorbed.get(unit_id, []):
            found.extend(self.absorbed(merged))
        return found

    def merge_chain(self, unit_id: UUID) -> list[UUID]:
        """The unit, the unit it merged into, the one that merged into next, ... — the units
        whose people hold this unit's documents, the surviving unit last."""
        chain = [unit_id]
        unit = self._units.get(unit_id)
        while unit is not None and unit.merged_into is not None and unit.merged_into not in chain:
            chain.append(unit.merged_into)
            unit = self._units.get(unit.merged_into)
        return chain

    def successor(self, unit_id: UUID) -> UUID:
        """The unit that holds this one's inbox, registers and archive now: the unit itself
        unless it merged, else the end of its merge chain (merged into a unit that merged in
        turn, ...)."""
        return self.merge_chain(unit_id)[-1]

    def descendants(self, unit_id: UUID) -> list[UUID]:
        found: list[UUID] = []
        for child in self._children.get(unit_id, []):
            found.append(child)
            found.extend(self.descendants(child))
        return found

    def ancestors(self, unit_id: UUID) -> list[UUID]:
        """Parent, grandparent, ... up to the root (the unit itself excluded)."""
        chain: list[UUID] = []
        parent = self._units[unit_id].parent_id
        while parent is not None and parent in self._units:
            chain.append(parent)
            parent = self._units[parent].parent_id
        return chain

    def is_in_subtree(self, unit_id: UUID, root_id: UUID) -> bool:
        return unit_id == root_id or root_id in self.ancestors(unit_id)

    def issuer_header(self, unit_id: UUID) -> tuple[str | None, str]:
        """The issuer lines printed on a document: the direct parent's short name, then the unit."""
        unit = self._units[unit_id]
        parent = self._units.get(unit.parent_id) if unit.parent_id else None
        parent_line = parent.short_name.upper() if parent else None
        return parent_line, unit.name.upper()
