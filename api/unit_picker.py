"""The recipient picker's look-ups in the union tree: units found by name or code (with or
without diacritics), or the children of one unit, a page at a time — the tree has some 126,000
units in production, so it is never sent whole. Folded names are kept per tree version."""

from __future__ import annotations

import threading
from typing import Any

from documents.units import UnitInfo, UnitLevel, UnitTree
from search.normalize import fold

LEVEL_ORDER = {level.value: rank for rank, level in enumerate(UnitLevel)}
MAX_RESULTS = 200

_lock = threading.Lock()
_folded: tuple[UnitTree, list[tuple[str, UnitInfo]]] | None = None


def _folded_names(tree: UnitTree) -> list[tuple[str, UnitInfo]]:
    """``(folded name and code, unit)`` of every unit, computed once per tree version."""
    global _folded
    with _lock:
        if _folded is None or _folded[0] is not tree:
            names = [(f"{fold(u.name)} {u.code}", u) for u in tree.all()]
            _folded = (tree, names)
        return _folded[1]


def find_units(tree: UnitTree, query: str, limit: int) -> list[UnitInfo]:
    """Active units whose name or code holds every word of ``query``: higher levels and names
    that start with the query first."""
    words = fold(query).split()
    if not words:
        return []
    whole = " ".join(words)
    found = [u for text, u in _folded_names(tree) if u.is_active and all(w in text for w in words)]
    found.sort(key=lambda u: (not fold(u.name).startswith(whole), LEVEL_ORDER[u.level], u.name))
    return found[:limit]


def units_named(tree: UnitTree, query: str) -> list[str] | None:
    """Ids of the units (merged and dissolved ones too) whose name or code holds every word of
    ``query``, with or without diacritics; None when the query has no words (no filter)."""
    words = fold(query).split()
    if not words:
        return None
    return [str(u.id) for text, u in _folded_names(tree) if all(w in text for w in words)]


def child_units(tree: UnitTree, parent: UnitInfo, limit: int) -> list[UnitInfo]:
    return sorted(tree.children(parent.id), key=lambda u: u.name)[:limit]


def unit_row(tree: UnitTree, unit: UnitInfo) -> dict[str, Any]:
    """What the picker shows of a unit: names, level, parent, and how many units are under it."""
    return {
        "id": str(unit.id),
        "code": unit.code,
        "name": unit.name,
        "abbreviation": unit.abbreviation,
        "level": unit.level,
        "parent_id": str(unit.parent_id) if unit.parent_id else None,
        "children": len(tree.children(unit.id)),
    }
