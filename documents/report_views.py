"""Read model of report rounds: rounds, one row per asked unit with its status and figures.

Part of the one SQLite projection of ``documents.views`` (same position, same transaction): the
tables are created from ``REPORT_SCHEMA`` and the handlers below are found by event name. Each
submission row carries the unit's path from the root (``/root/…/parent/unit/``), so a subtree's
roll-up and its missing units are one indexed query, never a walk of the tree.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

REPORT_SCHEMA = """
CREATE TABLE IF NOT EXISTS report_rounds (
    id TEXT PRIMARY KEY, requester_unit_id TEXT, title TEXT, form TEXT, period_label TEXT,
    period_start TEXT, period_end TEXT, due_date TEXT, target_levels TEXT, status TEXT,
    target_count INTEGER, opened_at TEXT, opened_by TEXT, closed_at TEXT, summary_sha256 TEXT,
    schedule_id TEXT, reminders_sent INTEGER DEFAULT 0, overdue_notified INTEGER DEFAULT 0);
CREATE INDEX IF NOT EXISTS report_rounds_requester ON report_rounds (requester_unit_id);
CREATE TABLE IF NOT EXISTS report_submissions (
    id TEXT PRIMARY KEY, round_id TEXT, unit_id TEXT, path TEXT, status TEXT, due_date TEXT,
    figures TEXT, revision INTEGER DEFAULT 0, submitted_at TEXT, submitted_by TEXT,
    signer_name TEXT, file_sha256 TEXT, reviewed_at TEXT, reviewed_by TEXT,
    return_reason TEXT);
CREATE INDEX IF NOT EXISTS report_submissions_round ON report_submissions (round_id, status);
CREATE INDEX IF NOT EXISTS report_submissions_unit ON report_submissions (unit_id, status);
CREATE TABLE IF NOT EXISTS report_history (
    position INTEGER PRIMARY KEY, round_id TEXT, unit_id TEXT, at TEXT, actor_id TEXT,
    event TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS report_history_round ON report_history (round_id, unit_id);
"""
REPORT_TABLES = ("report_rounds", "report_submissions", "report_history")


def unit_path(ancestor_ids: list[Any], unit_id: object) -> str:
    return "/" + "".join(f"{a}/" for a in ancestor_ids) + f"{unit_id}/"


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


class ReportViews:
    """Mixed into ``ReadModel``: report-round handlers and queries."""

    # provided by ReadModel
    _connect: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _rows: Callable[..., list[dict[str, Any]]]

    # -- handlers ---------------------------------------------------------------------------
    def _report_history(
        self,
        db: sqlite3.Connection,
        position: int,
        e: Any,
        round_id: object,
        unit_id: object,
        actor_id: object,
        **detail: object,
    ) -> None:
        db.execute(
            "INSERT OR IGNORE INTO report_history VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                str(round_id),
                None if unit_id is None else str(unit_id),
                _iso(e.timestamp),
                None if actor_id is None else str(actor_id),
                type(e).__qualname__,
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )

    def _on_ReportRound_Opened(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO report_rounds (id, requester_unit_id, title, form, "
            "period_label, period_start, period_end, due_date, target_levels, status, "
            "opened_at, opened_by, schedule_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                str(e.originator_id),
                str(e.requester_unit_id),
                e.title,
                json.dumps(e.form, ensure_ascii=False),
                e.period_label,
                e.period_start.isoformat(),
                e.period_end.isoformat(),
                e.due_date.isoformat(),
                ",".join(e.target_levels),
                _iso(e.timestamp),
                str(e.opened_by),
                e.schedule_id,
            ),
        )
        self._report_history(db, pos, e, e.originator_id, None, e.opened_by, title=e.title)

    def _on_ReportRound_TargetsAsked(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE report_rounds SET target_count=? WHERE id=?", (e.count, str(e.originator_id))
        )

    def _on_ReportRound_RemindersSent(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        column = "overdue_notified" if e.overdue else "reminders_sent"
        db.execute(
            f"UPDATE report_rounds SET {column}={column}+? WHERE id=?",
            (e.count, str(e.originator_id)),
        )
        self._report_history(
            db, pos, e, e.originator_id, None, None, count=e.count, overdue=e.overdue
        )

    def _on_ReportRound_Closed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE report_rounds SET status='closed', closed_at=?, summary_sha256=? WHERE id=?",
            (_iso(e.timestamp), e.summary_sha256, str(e.originator_id)),
        )
        self._report_history(
            db,
            pos,
            e,
            e.originator_id,
            None,
            e.by,
            accepted=e.accepted,
            missing=e.missing,
            file_sha256=e.summary_sha256,
        )

    def _on_ReportSubmission_Asked(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO report_submissions (id, round_id, unit_id, path, status, "
            "due_date) VALUES (?, ?, ?, ?, 'asked', ?)",
            (
                str(e.originator_id),
                str(e.round_id),
                str(e.unit_id),
                unit_path(e.ancestor_ids, e.unit_id),
                e.due_date.isoformat(),
            ),
        )

    def _submission_keys(self, db: sqlite3.Connection, submission_id: object) -> tuple[str, str]:
        row = db.execute(
            "SELECT round_id, unit_id FROM report_submissions WHERE id=?", (str(submission_id),)
        ).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def _on_ReportSubmission_Submitted(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE report_submissions SET status='submitted', figures=?, revision=revision+1, "
            "submitted_at=?, submitted_by=?, signer_name=?, file_sha256=?, reviewed_at=NULL, "
            "reviewed_by=NULL, return_reason=NULL WHERE id=?",
            (
                json.dumps(e.values, ensure_ascii=False),
                _iso(e.submitted_at),
                str(e.by),
                e.signer_name,
                e.file_sha256,
                str(e.originator_id),
            ),
        )
        round_id, unit_id = self._submission_keys(db, e.originator_id)
        self._report_history(
            db,
            pos,
            e,
            round_id,
            unit_id,
            e.by,
            signer=e.signer_name,
            certificate_sha256=e.certificate_sha256,
            file_sha256=e.file_sha256,
            replaces=e.replaces,
        )

    def _on_ReportSubmission_Accepted(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._reviewed(db, pos, e, "accepted", None)

    def _on_ReportSubmission_Returned(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._reviewed(db, pos, e, "returned", e.reason)

    def _reviewed(
        self, db: sqlite3.Connection, pos: int, e: Any, status: str, reason: str | None
    ) -> None:
        db.execute(
            "UPDATE report_submissions SET status=?, reviewed_at=?, reviewed_by=?, "
            "return_reason=? WHERE id=?",
            (status, _iso(e.timestamp), str(e.by), reason, str(e.originator_id)),
        )
        round_id, unit_id = self._submission_keys(db, e.originator_id)
        self._report_history(db, pos, e, round_id, unit_id, e.by, reason=reason)

    # -- queries ----------------------------------------------------------------------------
    def report_round(self, round_id: UUID) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM report_rounds WHERE id=?", str(round_id))
        return rows[0] if rows else None

    def report_rounds_opened_by(self, unit_id: UUID) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM report_rounds WHERE requester_unit_id=? ORDER BY opened_at DESC",
            str(unit_id),
        )

    def report_rounds_in_subtree_of(self, unit_id: UUID) -> list[dict[str, Any]]:
        """Rounds asking some unit under (or at) this one, opened above it: for intermediate
        levels, which see their own subtree's figures."""
        return self._rows(
            "SELECT r.* FROM report_rounds r WHERE r.requester_unit_id<>? AND EXISTS ("
            "SELECT 1 FROM report_submissions s WHERE s.round_id=r.id AND s.path LIKE ?) "
            "ORDER BY r.opened_at DESC",
            str(unit_id),
            f"%/{unit_id}/%",
        )

    def reports_asked_of(self, unit_id: UUID) -> list[dict[str, Any]]:
        """The unit's own reports in every round, newest round first, with the round's title."""
        return self._rows(
            "SELECT s.*, r.title, r.period_label, r.status AS round_status "
            "FROM report_submissions s JOIN report_rounds r ON r.id=s.round_id "
            "WHERE s.unit_id=? ORDER BY r.opened_at DESC",
            str(unit_id),
        )

    def submission_row(self, submission_id: UUID) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM report_submissions WHERE id=?", str(submission_id))
        return rows[0] if rows else None

    def submissions_under(
        self,
        round_id: UUID,
        root_id: UUID,
        statuses: tuple[str, ...] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Rows of the units at or under ``root_id``, with the unit's name and level."""
        status_filter = f" AND s.status IN ({','.join('?' * len(statuses))})" if statuses else ""
        paging = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        return self._rows(
            "SELECT s.*, u.name AS unit_name, u.code AS unit_code, u.level AS unit_level "
            "FROM report_submissions s LEFT JOIN units u ON u.id=s.unit_id "
            f"WHERE s.round_id=? AND s.path LIKE ?{status_filter} "
            f"ORDER BY u.name, s.unit_id{paging}",
            str(round_id),
            f"%/{root_id}/%",
            *statuses,
        )

    def iter_submissions_under(self, round_id: UUID, root_id: UUID) -> Iterator[sqlite3.Row]:
        """Every row at or under the root (status, path; figures of accepted ones only)."""
        with self._connect() as db:
            yield from db.execute(
                "SELECT s.unit_id, s.path, s.status, "
                "CASE WHEN s.status='accepted' THEN s.figures END AS figures, "
                "u.name AS unit_name "
                "FROM report_submissions s LEFT JOIN units u ON u.id=s.unit_id "
                "WHERE s.round_id=? AND s.path LIKE ?",
                (str(round_id), f"%/{root_id}/%"),
            )

    def submission_counts_under(self, round_id: UUID, root_id: UUID) -> dict[str, int]:
        rows = self._rows(
            "SELECT status, COUNT(*) AS n FROM report_submissions WHERE round_id=? AND path LIKE ? "
            "GROUP BY status",
            str(round_id),
            f"%/{root_id}/%",
        )
        return {row["status"]: int(row["n"]) for row in rows}

    def reports_to_review(self, unit_id: UUID) -> list[dict[str, Any]]:
        """Submitted reports of the units directly under this one, waiting for its review
        (any unit higher up may review them too)."""
        return self._rows(
            "SELECT s.*, u.name AS unit_name, u.code AS unit_code, r.title "
            "FROM report_submissions s "
            "JOIN report_rounds r ON r.id=s.round_id LEFT JOIN units u ON u.id=s.unit_id "
            "WHERE s.status='submitted' AND s.path LIKE '%/' || ? || '/' || s.unit_id || '/' "
            "AND r.status='open' ORDER BY s.submitted_at",
            str(unit_id),
        )

    def report_history(self, round_id: UUID, unit_id: UUID | None = None) -> list[dict[str, Any]]:
        if unit_id is None:
            return self._rows(
                "SELECT * FROM report_history WHERE round_id=? ORDER BY position", str(round_id)
            )
        return self._rows(
            "SELECT * FROM report_history WHERE round_id=? AND unit_id=? ORDER BY position",
            str(round_id),
            str(unit_id),
        )
