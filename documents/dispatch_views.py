"""Read model of dispatch follow-up: progress counts per document, each receipt's follow-up
state, how far forwarded copies travelled (per level and per forwarding unit).

Part of the one SQLite projection of ``documents.views`` (same position, same transaction). Counts
are kept per document as events arrive, so reading the progress of a 126,000-unit dispatch is one
row, never a count over its receipts. Handlers are named ``_follow_<event>`` and run after the
read model's own ``_on_<event>`` handler of the same event.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from uuid import UUID

from documents.delivered_rows import DeliveredRow

DISPATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS dispatch_progress (
    document_id TEXT PRIMARY KEY, deadline TEXT, remind_days_before INTEGER DEFAULT 1,
    delivered INTEGER DEFAULT 0, acknowledged INTEGER DEFAULT 0, reminded INTEGER DEFAULT 0,
    overdue INTEGER DEFAULT 0, forwarded INTEGER DEFAULT 0, reminders_done INTEGER,
    overdue_done INTEGER);
CREATE INDEX IF NOT EXISTS dispatch_progress_deadline ON dispatch_progress (deadline);
CREATE TABLE IF NOT EXISTS receipt_follow_up (
    receipt_id TEXT PRIMARY KEY, document_id TEXT, unit_id TEXT, via_unit_id TEXT, level TEXT,
    answered INTEGER DEFAULT 0, reminded INTEGER DEFAULT 0, overdue INTEGER DEFAULT 0);
CREATE INDEX IF NOT EXISTS receipt_follow_up_unit ON receipt_follow_up (document_id, unit_id);
CREATE TABLE IF NOT EXISTS dispatch_travel (
    document_id TEXT, level TEXT, direct INTEGER DEFAULT 0, forwarded INTEGER DEFAULT 0,
    PRIMARY KEY (document_id, level));
CREATE TABLE IF NOT EXISTS dispatch_follow_ups (id TEXT PRIMARY KEY, document_id TEXT);
CREATE TABLE IF NOT EXISTS dispatch_forwarders (
    document_id TEXT, via_unit_id TEXT, units INTEGER DEFAULT 0,
    PRIMARY KEY (document_id, via_unit_id));
"""
DISPATCH_TABLES = (
    "dispatch_progress",
    "receipt_follow_up",
    "dispatch_travel",
    "dispatch_follow_ups",
    "dispatch_forwarders",
)
OPEN_STATUSES = ("delivered", "registered")  # delivered or registered, not answered: reminded
LEVELS = ("national", "provincial", "upper_grassroots", "grassroots")


def _bump(db: sqlite3.Connection, document_id: str, column: str, by: int = 1) -> None:
    db.execute("INSERT OR IGNORE INTO dispatch_progress (document_id) VALUES (?)", (document_id,))
    db.execute(
        f"UPDATE dispatch_progress SET {column}={column}+? WHERE document_id=?",
        (by, document_id),
    )


def _select_in(
    db: sqlite3.Connection, sql: str, values: Iterable[str], chunk: int = 500
) -> Iterator[Any]:
    """Rows of ``sql … IN (values)``, asked ``chunk`` values at a time."""
    listed = list(values)
    for start in range(0, len(listed), chunk):
        part = listed[start : start + chunk]
        yield from db.execute(f"{sql} ({', '.join('?' * len(part))})", part)


class DispatchViews:
    """Mixed into ``ReadModel``: follow-up handlers and queries."""

    # provided by ReadModel
    _rows: Callable[..., list[dict[str, Any]]]
    _history: Callable[..., None]

    # -- handlers ---------------------------------------------------------------------------
    def _follow_OutgoingDocument_ResponseDeadlineSet(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        document_id = str(e.originator_id)
        db.execute(
            "INSERT OR IGNORE INTO dispatch_progress (document_id) VALUES (?)", (document_id,)
        )
        db.execute(
            "UPDATE dispatch_progress SET deadline=?, remind_days_before=? WHERE document_id=?",
            (e.deadline.isoformat(), e.remind_days_before, document_id),
        )
        self._history(db, pos, e.originator_id, e, e.by, deadline=e.deadline.isoformat())

    def _follow_many_Receipt_Delivered(
        self, db: sqlite3.Connection, run: list[DeliveredRow]
    ) -> None:
        """A delivery batch: the follow-up rows in one ``executemany``, the counts raised once
        per document, level and forwarding unit. A receipt counted before is not counted again."""
        receipts: dict[str, DeliveredRow] = {}
        for row in run:
            receipts.setdefault(row.receipt_id, row)
        known = set(
            _select_in(db, "SELECT receipt_id FROM receipt_follow_up WHERE receipt_id IN", receipts)
        )
        new = [row for receipt_id, row in receipts.items() if receipt_id not in known]
        if not new:
            return
        units = {row.unit_id for row in new}
        levels = dict(_select_in(db, "SELECT id, level FROM units WHERE id IN", units))
        rows: list[tuple[str, str, str, str | None, str]] = []
        progress: Counter[tuple[str, str]] = Counter()
        travel: Counter[tuple[str, str, str]] = Counter()
        forwarders: Counter[tuple[str, str]] = Counter()
        for row in new:
            via, document_id = row.via_unit_id, row.document_id
            level = levels.get(row.unit_id, "")
            rows.append((row.receipt_id, document_id, row.unit_id, via, level))
            progress[document_id, "delivered" if via is None else "forwarded"] += 1
            travel[document_id, level, "direct" if via is None else "forwarded"] += 1
            if via is not None:
                forwarders[document_id, via] += 1
        db.executemany(
            "INSERT OR IGNORE INTO receipt_follow_up (receipt_id, document_id, unit_id, "
            "via_unit_id, level) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        for (document_id, column), count in progress.items():
            _bump(db, document_id, column, count)
        for (document_id, level, column), count in travel.items():
            db.execute(
                "INSERT OR IGNORE INTO dispatch_travel (document_id, level) VALUES (?, ?)",
                (document_id, level),
            )
            db.execute(
                f"UPDATE dispatch_travel SET {column}={column}+? WHERE document_id=? AND level=?",
                (count, document_id, level),
            )
        for (document_id, via_id), count in forwarders.items():
            db.execute(
                "INSERT INTO dispatch_forwarders VALUES (?, ?, ?) ON CONFLICT(document_id, "
                "via_unit_id) DO UPDATE SET units=units+excluded.units",
                (document_id, via_id, count),
            )

    def _answered(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        """The first answer of a receipt (acknowledged, or handled without it) counts once."""
        changed = db.execute(
            "UPDATE receipt_follow_up SET answered=1 WHERE receipt_id=? AND answered=0",
            (str(e.originator_id),),
        ).rowcount
        if changed:
            row = db.execute(
                "SELECT document_id, via_unit_id FROM receipt_follow_up WHERE receipt_id=?",
                (str(e.originator_id),),
            ).fetchone()
            if row[1] is None:
                _bump(db, row[0], "acknowledged")

    def _answered_all(self, db: sqlite3.Connection, receipt_ids: list[str]) -> None:
        """``_answered`` for many receipts (each at most once), with a handful of statements."""
        open_rows: dict[str, tuple[str, str | None]] = {}
        for offset in range(0, len(receipt_ids), 500):
            chunk = receipt_ids[offset : offset + 500]
            marks = ",".join("?" * len(chunk))
            for receipt_id, document_id, via in db.execute(
                "SELECT receipt_id, document_id, via_unit_id FROM receipt_follow_up "
                f"WHERE answered=0 AND receipt_id IN ({marks})",
                chunk,
            ):
                open_rows[receipt_id] = (document_id, via)
        db.executemany(
            "UPDATE receipt_follow_up SET answered=1 WHERE receipt_id=?",
            [(receipt_id,) for receipt_id in open_rows],
        )
        counts = Counter(document for document, via in open_rows.values() if via is None)
        for document_id, count in counts.items():
            _bump(db, document_id, "acknowledged", count)

    _follow_Receipt_Acknowledged = _answered

    def _follow_many_Receipt_Acknowledged(
        self, db: sqlite3.Connection, events: list[tuple[int, Any]]
    ) -> None:
        self._answered_all(db, [str(e.originator_id) for _, e in events])

    _follow_Receipt_Assigned = _answered
    _follow_Receipt_ProgressReported = _answered
    _follow_Receipt_Completed = _answered

    def _follow_DispatchFollowUp_RemindersSent(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        column = "reminded" if e.kind == "reminder" else "overdue"
        document_id = self._follow_up_document(db, e.originator_id)
        if document_id is None:
            return
        units = [str(u) for u in e.unit_ids]
        marks = ",".join("?" * len(units))
        db.execute(
            f"UPDATE receipt_follow_up SET {column}=1 WHERE document_id=? AND via_unit_id IS NULL "
            f"AND unit_id IN ({marks})",
            (document_id, *units),
        )
        _bump(db, document_id, column, len(units))

    def _follow_DispatchFollowUp_Started(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO dispatch_follow_ups VALUES (?, ?)",
            (str(e.originator_id), str(e.document_id)),
        )

    def _follow_DispatchFollowUp_Finished(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        document_id = self._follow_up_document(db, e.originator_id)
        if document_id is not None:
            column = "reminders_done" if e.kind == "reminder" else "overdue_done"
            db.execute(
                f"UPDATE dispatch_progress SET {column}=? WHERE document_id=?",
                (e.count, document_id),
            )
            self._history(db, pos, document_id, e, None, kind=e.kind, count=e.count)

    def _follow_Forwarding_Forwarded(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._history(
            db, pos, e.document_id, e, e.by, e.from_unit_id, units=len(e.unit_ids), part=0
        )

    def _follow_Forwarding_ForwardedAgain(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._history(db, pos, e.document_id, e, e.by, e.from_unit_id, units=len(e.unit_ids))

    @staticmethod
    def _follow_up_document(db: sqlite3.Connection, follow_up_id: object) -> str | None:
        row = db.execute(
            "SELECT document_id FROM dispatch_follow_ups WHERE id=?", (str(follow_up_id),)
        ).fetchone()
        return row[0] if row else None

    # -- queries ----------------------------------------------------------------------------
    def dispatch_progress(self, document_id: UUID) -> dict[str, Any]:
        rows = self._rows("SELECT * FROM dispatch_progress WHERE document_id=?", str(document_id))
        if rows:
            return rows[0]
        return {
            "document_id": str(document_id),
            "deadline": None,
            "remind_days_before": 1,
            "delivered": 0,
            "acknowledged": 0,
            "reminded": 0,
            "overdue": 0,
            "forwarded": 0,
            "reminders_done": None,
            "overdue_done": None,
        }

    def travel(self, document_id: UUID) -> list[dict[str, Any]]:
        """Units holding the document per level: from the issuer and by forwarding."""
        rows = {
            r["level"]: r
            for r in self._rows(
                "SELECT level, direct, forwarded FROM dispatch_travel WHERE document_id=?",
                str(document_id),
            )
        }
        return [
            {"level": level, "direct": rows[level]["direct"], "forwarded": rows[level]["forwarded"]}
            for level in (*LEVELS, *(lv for lv in rows if lv not in LEVELS))
            if level in rows
        ]

    def forwarders(self, document_id: UUID) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT f.via_unit_id AS unit_id, u.name AS unit_name, u.level, f.units "
            "FROM dispatch_forwarders f LEFT JOIN units u ON u.id=f.via_unit_id "
            "WHERE f.document_id=? ORDER BY u.rowid",
            str(document_id),
        )

    def unanswered_recipients(self, document_id: UUID, after: str, limit: int) -> list[str]:
        """Direct recipients that have not answered (delivered or registered only), by unit id
        after ``after``: a page of the units to remind."""
        rows = self._rows(
            "SELECT f.unit_id FROM receipt_follow_up f JOIN receipts r ON r.id=f.receipt_id "
            "WHERE f.document_id=? AND f.unit_id>? AND f.via_unit_id IS NULL AND f.answered=0 "
            "AND r.status IN ('delivered', 'registered') ORDER BY f.unit_id LIMIT ?",
            str(document_id),
            after,
            limit,
        )
        return [r["unit_id"] for r in rows]

    def holders(self, document_id: UUID, after: str, limit: int) -> list[str]:
        """Every unit holding a copy (from the issuer or forwarded), by unit id after ``after``."""
        rows = self._rows(
            "SELECT unit_id FROM receipt_follow_up WHERE document_id=? AND unit_id>? "
            "ORDER BY unit_id LIMIT ?",
            str(document_id),
            after,
            limit,
        )
        return [r["unit_id"] for r in rows]

    def holders_among(self, document_id: UUID, unit_ids: list[str]) -> list[str]:
        """Which of ``unit_ids`` hold a copy already."""
        marks = ",".join("?" * len(unit_ids))
        rows = self._rows(
            f"SELECT unit_id FROM receipt_follow_up WHERE document_id=? AND unit_id IN ({marks})",
            str(document_id),
            *unit_ids,
        )
        return [r["unit_id"] for r in rows]

    def overdue_recipients(self, document_id: UUID, limit: int) -> list[dict[str, Any]]:
        """Units listed overdue (at most ``limit``), with their status now."""
        return self._rows(
            "SELECT r.id AS receipt_id, r.unit_id, u.name AS unit_name, r.status, "
            "r.acknowledged_at FROM receipt_follow_up f JOIN receipts r ON r.id=f.receipt_id "
            "LEFT JOIN units u ON u.id=r.unit_id WHERE f.document_id=? AND f.overdue=1 "
            "ORDER BY u.rowid LIMIT ?",
            str(document_id),
            limit,
        )

    def overdue_dispatches(self, unit_ids: list[str], now: str) -> list[dict[str, Any]]:
        """Documents the units issued whose response deadline passed (or whose overdue list was
        sent) while some direct recipients have not answered: the sender's to-do."""
        marks = ",".join("?" * len(unit_ids))
        return self._rows(
            "SELECT d.id, d.number_symbol, d.subject, p.deadline, p.delivered, p.acknowledged, "
            "p.delivered-p.acknowledged AS unanswered FROM dispatch_progress p "
            "JOIN documents d ON d.id=p.document_id "
            f"WHERE d.issuer_unit_id IN ({marks}) AND p.deadline IS NOT NULL "
            "AND (p.deadline<? OR p.overdue_done IS NOT NULL) "
            "AND d.status='dispatched' AND p.acknowledged<p.delivered ORDER BY p.deadline",
            *unit_ids,
            now,
        )


def _s(value: object) -> str | None:
    return None if value is None else str(value)
