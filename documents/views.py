"""Read models (inbox, outbox with per-recipient status, history, units) as one SQLite projection.

The projection follows the event store's notification log and records its position in the same
transaction as the rows it writes, so a restart neither loses nor repeats an event; deleting the
file and catching up again rebuilds it from the event store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from documents.clock import to_vietnam
from documents.delivered_rows import DeliveredRow, delivered_rows
from documents.dispatch_views import DISPATCH_SCHEMA, DISPATCH_TABLES, DispatchViews
from documents.folders import transfer_due_date
from documents.report_views import REPORT_SCHEMA, REPORT_TABLES, ReportViews
from documents.units import UnitInfo, UnitTree

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS tracking (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id TEXT PRIMARY KEY, code TEXT UNIQUE, name TEXT, short_name TEXT, abbreviation TEXT,
    level TEXT, parent_id TEXT, place TEXT, status TEXT, merged_into TEXT);
CREATE INDEX IF NOT EXISTS units_merged_into ON units (merged_into);
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, username TEXT UNIQUE, full_name TEXT, unit_id TEXT, roles TEXT,
    title TEXT);
CREATE INDEX IF NOT EXISTS accounts_unit ON accounts (unit_id, username);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, issuer_unit_id TEXT, issuer_name TEXT, doc_type TEXT, subject TEXT,
    urgency TEXT,
    status TEXT, number_symbol TEXT, signer_name TEXT, drafted_by TEXT, drafted_at TEXT,
    issued_at TEXT, recipient_count INTEGER, updated_at TEXT, folder_id TEXT, signer_id TEXT);
CREATE INDEX IF NOT EXISTS documents_issuer ON documents (issuer_unit_id, status);
CREATE TABLE IF NOT EXISTS receipts (
    id TEXT PRIMARY KEY, document_id TEXT, unit_id TEXT, issuer_unit_id TEXT, status TEXT,
    number_symbol TEXT, subject TEXT, doc_type TEXT, urgency TEXT, arrival_number INTEGER,
    delivered_at TEXT, registered_at TEXT, acknowledged_at TEXT, handler_id TEXT,
    deadline TEXT, duplicate_of TEXT);
CREATE INDEX IF NOT EXISTS receipts_unit ON receipts (unit_id, status);
CREATE INDEX IF NOT EXISTS receipts_document ON receipts (document_id);
CREATE INDEX IF NOT EXISTS receipts_number ON receipts (unit_id, number_symbol);
CREATE TABLE IF NOT EXISTS history (
    position INTEGER PRIMARY KEY, document_id TEXT, at TEXT, actor_id TEXT, unit_id TEXT,
    event TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS history_document ON history (document_id, position);
CREATE TABLE IF NOT EXISTS access (
    position INTEGER PRIMARY KEY, document_id TEXT, at TEXT, account_id TEXT, unit_id TEXT,
    kind TEXT);
CREATE INDEX IF NOT EXISTS access_document ON access (document_id, position);
CREATE TABLE IF NOT EXISTS copies (
    id TEXT PRIMARY KEY, document_id TEXT, unit_id TEXT, form TEXT, pages TEXT,
    number_symbol TEXT, sha256 TEXT, made_by TEXT, copied_at TEXT);
CREATE INDEX IF NOT EXISTS copies_document ON copies (document_id, unit_id);
CREATE TABLE IF NOT EXISTS sign_ins (
    position INTEGER PRIMARY KEY, at TEXT, kind TEXT, username TEXT, account_id TEXT,
    unit_id TEXT, ip TEXT, user_agent TEXT, by_id TEXT, until TEXT);
CREATE INDEX IF NOT EXISTS sign_ins_username ON sign_ins (username, position);
CREATE INDEX IF NOT EXISTS sign_ins_unit ON sign_ins (unit_id, position);
CREATE TABLE IF NOT EXISTS approvals (
    document_id TEXT PRIMARY KEY, reviewers TEXT, reviews_done INTEGER, holder_id TEXT,
    step TEXT, reminded INTEGER, escalated_to TEXT);
CREATE INDEX IF NOT EXISTS approvals_holder ON approvals (holder_id, step);
CREATE TABLE IF NOT EXISTS folders (
    id TEXT PRIMARY KEY, unit_id TEXT, year INTEGER, code TEXT, title TEXT,
    retention_years INTEGER, closed INTEGER, opened_at TEXT, status TEXT, closed_at TEXT,
    transferred_at TEXT, transfer_due TEXT);
CREATE INDEX IF NOT EXISTS folders_unit ON folders (unit_id, year);
CREATE INDEX IF NOT EXISTS folders_due ON folders (status, transfer_due);
CREATE INDEX IF NOT EXISTS documents_folder ON documents (folder_id);
"""
    + REPORT_SCHEMA
    + DISPATCH_SCHEMA
)

TRACKING_NAME = "views"
SCHEMA_VERSION = 11  # bump when the tables change: the read model is then rebuilt from events
TABLES = (
    "tracking",
    "units",
    "accounts",
    "documents",
    "receipts",
    "history",
    "folders",
    "approvals",
    "access",
    "copies",
    *REPORT_TABLES,
    *DISPATCH_TABLES,
    "sign_ins",
)
UNITS_VERSION = "units_version"  # bumped whenever a unit row changes: the tree cache's key
CATCH_UP_BATCH = 5000
"""Notifications applied per read-model transaction. A delivery batch's rows land on random
pages of the receipts' indexes (ids are uuid5s); one larger transaction writes each such page
to the WAL once per transaction, so fewer, larger transactions write far fewer pages."""
WRITER_CACHE_KIB = 65_536
"""Page cache of the catch-up connection (64 MiB: the indexes of 126,000 receipts stay cached
between transactions; one such connection per process)."""
WAL_AUTOCHECKPOINT = 10_000
"""WAL pages (4 KiB) before a commit checkpoints them into the database (SQLite's default is
1,000): fewer checkpoints, each page of a busy index copied and synced once per 40 MB."""


class NotificationSource(Protocol):
    """What the projection needs from the event store: ordered notifications and their events."""

    def select_notifications(self, start: int, limit: int) -> Sequence[Any]: ...

    def to_domain_event(self, notification: Any) -> Any: ...


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    at: datetime
    actor_id: str | None
    unit_id: str | None
    event: str
    detail: dict[str, Any]


PREFIXES = ("_on_", "_follow_")  # _follow_: dispatch follow-up (dispatch_views.py), after _on_
BATCH_PREFIXES = ("_on_many_", "_follow_many_")


def _kind(event: Any) -> str:
    return type(event).__qualname__.replace(".", "_")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _recipient_count(drafted: Any) -> int:
    """``Drafted`` counts its recipients; drafts recorded before named each one."""
    count = getattr(drafted, "recipient_count", None)
    return int(count) if count is not None else len(drafted.recipient_unit_ids or ())


def _str(value: object) -> str | None:
    return None if value is None else str(value)


class ReadModel(ReportViews, DispatchViews):
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._tree_lock = threading.Lock()
        self._tree: tuple[int, UnitTree] | None = None
        self._local = threading.local()  # each thread's connection (``_connect``)
        # ``catch_up`` writes through one connection per process, taken in turn under a lock:
        # threads of a worker delivering batches at once queue here rather than in SQLite's
        # busy handler (which sleeps up to 100 ms between tries), and the connection's page
        # cache stays valid from one transaction to the next (no other connection of this
        # process writes). Opened on first use.
        self._writer_lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None
        with self._connect() as db:
            db.executescript(SCHEMA)
        # One idle connection held open for the model's life: when the last connection to a
        # WAL database closes, SQLite checkpoints and deletes the WAL (with fsyncs), which made
        # every short-lived ``_connect`` cost ~15 ms instead of ~0.3 ms. It reads once (to open
        # the WAL index) and its statement runs to the end, so it holds no read transaction.
        self._keeper = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._keeper.execute("SELECT COUNT(*) FROM tracking").fetchall()
        with self._connect() as db:
            row = db.execute("SELECT position FROM tracking WHERE name='schema'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            self.reset()

    def reset(self) -> None:
        """Empties every table; the next ``catch_up`` rebuilds them from the event store."""
        with self._writer_lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            for table in TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("COMMIT")
            db.executescript(SCHEMA)
            db.execute("INSERT INTO tracking VALUES ('schema', ?)", (SCHEMA_VERSION,))
        with self._tree_lock:
            self._tree = None

    def _open(self, **options: Any) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, **options)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _writing(self) -> sqlite3.Connection:
        """The catch-up connection (call with ``_writer_lock`` held)."""
        if self._writer is None:
            db = self._open(check_same_thread=False)
            db.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            db.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
            self._writer = db
        return self._writer

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The calling thread's connection, opened on its first use and kept for the thread's
        life (opening one and setting its pragmas cost more than most of the queries a page
        makes). Autocommit: a transaction is only what a caller begins; one left open by an
        error is rolled back when the outermost use ends, so the next use starts clean."""
        local = self._local
        db: sqlite3.Connection | None = getattr(local, "db", None)
        if db is None:
            db = self._open()
            local.db, local.depth = db, 0
        local.depth += 1
        try:
            yield db
        finally:
            local.depth -= 1
            if local.depth == 0 and db.in_transaction:
                db.rollback()

    # -- the projection -------------------------------------------------------------------
    def position(self) -> int:
        with self._connect() as db:
            row = db.execute(
                "SELECT position FROM tracking WHERE name=?", (TRACKING_NAME,)
            ).fetchone()
            return int(row[0]) if row else 0

    def catch_up(self, source: NotificationSource, batch_size: int = CATCH_UP_BATCH) -> int:
        """Applies every notification after the recorded position; returns how many it applied."""
        with self._connect() as db:
            if not self._behind(db, source):
                return 0  # the common case of a read: no lock taken
        applied = 0
        with self._writer_lock:
            db = self._writing()
            while True:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute(
                        "SELECT position FROM tracking WHERE name=?", (TRACKING_NAME,)
                    ).fetchone()
                    position = int(row[0]) if row else 0
                    notifications = source.select_notifications(position + 1, batch_size)
                    events = [(n.id, source.to_domain_event(n)) for n in notifications]
                    for kind, run in groupby(events, key=lambda item: _kind(item[1])):
                        self._apply_run(db, kind, list(run))
                    if notifications:
                        position = notifications[-1].id
                    db.execute(
                        "INSERT INTO tracking (name, position) VALUES (?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET position=excluded.position",
                        (TRACKING_NAME, position),
                    )
                    db.execute("COMMIT")
                finally:
                    if db.in_transaction:
                        db.rollback()
                applied += len(notifications)
                if len(notifications) < batch_size:
                    return applied

    @staticmethod
    def _behind(db: sqlite3.Connection, source: NotificationSource) -> bool:
        """Has the log anything after the recorded position? (read without the write lock; the
        locked transaction reads the position again)."""
        row = db.execute("SELECT position FROM tracking WHERE name=?", (TRACKING_NAME,)).fetchone()
        return bool(source.select_notifications((int(row[0]) if row else 0) + 1, 1))

    def _apply_run(self, db: sqlite3.Connection, kind: str, run: list[tuple[int, Any]]) -> None:
        """Applies consecutive events of one kind. A kind with batch handlers
        (``_on_many_<kind>``, ``_follow_many_<kind>``: a delivery batch's receipts) has its rows
        written by ``executemany``; any other kind is applied event by event."""
        many = [getattr(self, prefix + kind, None) for prefix in BATCH_PREFIXES]
        if not any(many):
            for position, event in run:
                self._apply(db, kind, position, event)
            return
        prepare = getattr(self, "_prepare_many_" + kind, None)  # what both batch handlers take
        batch = run if prepare is None else prepare(run)
        for prefix, handler in zip(PREFIXES, many, strict=True):
            if handler is not None:
                handler(db, batch)
            elif (single := getattr(self, prefix + kind, None)) is not None:
                for position, event in run:
                    single(db, position, event)

    def _apply(self, db: sqlite3.Connection, kind: str, position: int, event: Any) -> None:
        for prefix in PREFIXES:
            handler = getattr(self, prefix + kind, None)
            if handler is not None:
                handler(db, position, event)

    def _history(
        self,
        db: sqlite3.Connection,
        position: int,
        document_id: object,
        event: Any,
        actor_id: object,
        unit_id: object = None,
        **detail: object,
    ) -> None:
        if unit_id is None:  # a step of the issuing unit
            row = db.execute(
                "SELECT issuer_unit_id FROM documents WHERE id=?", (str(document_id),)
            ).fetchone()
            unit_id = row[0] if row else None
        db.execute(
            "INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                str(document_id),
                _iso(event.timestamp),
                _str(actor_id),
                _str(unit_id),
                type(event).__qualname__,
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )

    @staticmethod
    def _units_changed(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO tracking (name, position) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET position=position+1",
            (UNITS_VERSION,),
        )

    def _on_Unit_Registered(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._units_changed(db)
        db.execute(
            "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL)",
            (
                str(e.originator_id),
                e.code,
                e.name,
                e.short_name,
                e.abbreviation,
                e.level,
                _str(e.parent_id),
                e.place,
            ),
        )

    def _update_unit(self, db: sqlite3.Connection, e: Any, **columns: object) -> None:
        self._units_changed(db)
        assignments = ", ".join(f"{name}=?" for name in columns)
        db.execute(
            f"UPDATE units SET {assignments} WHERE id=?", (*columns.values(), str(e.originator_id))
        )

    def _on_Unit_Renamed(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._update_unit(db, e, name=e.name, short_name=e.short_name, abbreviation=e.abbreviation)

    def _on_Unit_Moved(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._update_unit(db, e, parent_id=str(e.parent_id))

    def _on_Unit_MergedInto(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._update_unit(db, e, status="merged", merged_into=str(e.target_id))

    def _on_Unit_Dissolved(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._update_unit(db, e, status="dissolved")

    def _on_Account_Opened(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        db.execute(
            "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                e.username,
                e.full_name,
                str(e.unit_id),
                ",".join(e.roles),
                e.title,
            ),
        )

    def _set_roles(
        self, db: sqlite3.Connection, e: Any, add: str | None, remove: str | None
    ) -> None:
        row = db.execute("SELECT roles FROM accounts WHERE id=?", (str(e.originator_id),))
        found = row.fetchone()
        roles = [r for r in (found[0].split(",") if found and found[0] else []) if r != remove]
        if add is not None and add not in roles:
            roles.append(add)
        db.execute(
            "UPDATE accounts SET roles=? WHERE id=?", (",".join(roles), str(e.originator_id))
        )

    def _on_Account_RoleGranted(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._set_roles(db, e, e.role, None)

    def _on_Account_RoleRevoked(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        self._set_roles(db, e, None, e.role)

    def _on_SignInRecord_Recorded(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO sign_ins VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                _iso(e.timestamp),
                e.kind,
                e.username,
                _str(e.account_id),
                _str(e.unit_id),
                e.ip,
                e.user_agent,
                _str(e.by),
                _iso(e.until),
            ),
        )

    def _on_OutgoingDocument_Drafted(self, db: sqlite3.Connection, position: int, e: Any) -> None:
        issuer = db.execute("SELECT name FROM units WHERE id=?", (str(e.issuer_unit_id),))
        issuer_row = issuer.fetchone()
        db.execute(
            "INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?, ?, ?, 'draft', NULL, NULL, ?, ?, "
            "NULL, ?, ?, NULL, ?)",
            (
                str(e.originator_id),
                str(e.issuer_unit_id),
                issuer_row[0] if issuer_row else None,
                e.doc_type,
                e.subject,
                e.urgency,
                str(e.drafted_by),
                _iso(e.timestamp),
                _recipient_count(e),
                _iso(e.timestamp),
                str(e.signer_id),
            ),
        )
        self._history(
            db,
            position,
            e.originator_id,
            e,
            e.drafted_by,
            e.issuer_unit_id,
            subject=e.subject,
            file_sha256=e.body_sha256,
            source=e.body_source,
        )

    def _set_status(self, db: sqlite3.Connection, e: Any, status: str, **columns: object) -> None:
        assignments = "".join(f", {name}=?" for name in columns)
        db.execute(
            f"UPDATE documents SET status=?, updated_at=?{assignments} WHERE id=?",
            (status, _iso(e.timestamp), *columns.values(), str(e.originator_id)),
        )

    def _on_OutgoingDocument_Submitted(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "submitted")
        reviewers = [str(r) for r in getattr(e, "reviewers", None) or []]
        db.execute(
            "INSERT OR REPLACE INTO approvals VALUES (?, ?, 0, NULL, NULL, 0, NULL)",
            (str(e.originator_id), json.dumps(reviewers)),
        )
        self._next_holder(db, e.originator_id)
        self._history(db, pos, e.originator_id, e, e.by, reviewers=reviewers)

    def _next_holder(self, db: sqlite3.Connection, document_id: object) -> None:
        """The approval row's holder after a step: the next reviewer, else the signer."""
        row = db.execute(
            "SELECT a.reviewers, a.reviews_done, d.signer_id FROM approvals a "
            "JOIN documents d ON d.id=a.document_id WHERE a.document_id=?",
            (str(document_id),),
        ).fetchone()
        if row is None:
            return
        reviewers = json.loads(row[0])
        done = int(row[1])
        holder, step = (reviewers[done], "review") if done < len(reviewers) else (row[2], "sign")
        db.execute(
            "UPDATE approvals SET holder_id=?, step=?, reminded=0, escalated_to=NULL "
            "WHERE document_id=?",
            (holder, step, str(document_id)),
        )

    def _end_approval(self, db: sqlite3.Connection, document_id: object) -> None:
        db.execute("DELETE FROM approvals WHERE document_id=?", (str(document_id),))

    def _on_OutgoingDocument_ReviewApproved(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE approvals SET reviews_done=reviews_done+1 WHERE document_id=?",
            (str(e.originator_id),),
        )
        self._next_holder(db, e.originator_id)
        db.execute(
            "UPDATE documents SET updated_at=? WHERE id=?",
            (_iso(e.timestamp), str(e.originator_id)),
        )
        self._history(db, pos, e.originator_id, e, e.by, comment=e.comment)

    def _on_OutgoingDocument_Withdrawn(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "draft")
        self._end_approval(db, e.originator_id)
        self._history(db, pos, e.originator_id, e, e.by, reason=e.reason)

    def _on_OutgoingDocument_ReminderSent(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute("UPDATE approvals SET reminded=1 WHERE document_id=?", (str(e.originator_id),))
        self._history(db, pos, e.originator_id, e, None, holder_id=e.holder_id, step=e.step)

    def _on_OutgoingDocument_Escalated(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE approvals SET escalated_to=? WHERE document_id=?",
            (_str(e.leader_id), str(e.originator_id)),
        )
        self._history(
            db, pos, e.originator_id, e, None, holder_id=e.holder_id, leader_id=e.leader_id
        )

    def _on_OutgoingDocument_ApprovedAndSigned(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._set_status(db, e, "signed", signer_name=e.signer_name)
        self._end_approval(db, e.originator_id)
        self._history(
            db,
            pos,
            e.originator_id,
            e,
            e.by,
            signer=e.signer_name,
            level=e.level,
            certificate_sha256=e.certificate_sha256,
            file_sha256=e.signed_sha256,
        )

    def _on_OutgoingDocument_IssueRequested(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "issuing")
        self._history(db, pos, e.originator_id, e, e.by)

    def _on_OutgoingDocument_IssueFailed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "signed")
        self._history(db, pos, e.originator_id, e, None, reason=e.reason)

    def _on_OutgoingDocument_NumberedAndIssued(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._set_status(
            db,
            e,
            "issued",
            number_symbol=e.number_symbol,
            issued_at=_iso(e.issued_at),
            issuer_name=e.sealed_by_unit,
        )
        self._history(
            db,
            pos,
            e.originator_id,
            e,
            None,
            number_symbol=e.number_symbol,
            sealed_by=e.sealed_by_unit,
            file_sha256=e.issued_sha256,
        )

    def _on_OutgoingDocument_Numbered(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE documents SET number_symbol=?, issued_at=?, updated_at=? WHERE id=?",
            (e.number_symbol, _iso(e.issued_at), _iso(e.timestamp), str(e.originator_id)),
        )
        self._history(db, pos, e.originator_id, e, None, number_symbol=e.number_symbol)

    def _on_OutgoingDocument_Sealed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "issued", issuer_name=e.sealed_by_unit)
        self._history(
            db,
            pos,
            e.originator_id,
            e,
            None,
            sealed_by=e.sealed_by_unit,
            file_sha256=e.issued_sha256,
        )

    def _on_OutgoingDocument_AttachmentAdded(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._history(db, pos, e.originator_id, e, e.by, name=e.name, file_sha256=e.sha256)

    def _on_OutgoingDocument_AttachmentSigned(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._history(
            db, pos, e.originator_id, e, None, attachment=e.index + 1, file_sha256=e.signed_sha256
        )

    def _on_OutgoingDocument_Dispatched(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "dispatched")
        self._history(db, pos, e.originator_id, e, None, recipient_count=e.recipient_count)

    def _on_OutgoingDocument_Revised(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "draft")
        self._history(db, pos, e.originator_id, e, e.by, file_sha256=e.body_sha256)

    def _on_OutgoingDocument_ReturnedForRevision(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._set_status(db, e, "returned")
        self._end_approval(db, e.originator_id)
        self._history(db, pos, e.originator_id, e, e.by, comment=e.comment)

    def _on_OutgoingDocument_Recalled(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "recalled")
        self._history(db, pos, e.originator_id, e, e.by, reason=e.reason)

    def _on_OutgoingDocument_Replaced(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._set_status(db, e, "replaced")
        self._history(db, pos, e.originator_id, e, e.by, replacement_id=e.replacement_id)

    def _on_OutgoingDocument_DeclaredReplacing(
        self, db: sqlite3.Connection, pos: int, e: Any
    ) -> None:
        self._history(db, pos, e.originator_id, e, e.by, replaced_id=e.replaced_id)

    def _on_OutgoingDocument_Filed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE documents SET folder_id=? WHERE id=?", (str(e.folder_id), str(e.originator_id))
        )
        self._history(db, pos, e.originator_id, e, e.by, folder_id=e.folder_id)

    def _on_DocumentAccess_Recorded(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO access VALUES (?, ?, ?, ?, ?, ?)",
            (pos, str(e.document_id), _iso(e.timestamp), str(e.account_id), str(e.unit_id), e.kind),
        )

    def _on_FileFolder_Opened(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO folders (id, unit_id, year, code, title, retention_years, "
            "closed, opened_at, status, transfer_due) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'open', ?)",
            (
                str(e.originator_id),
                str(e.unit_id),
                e.year,
                e.code,
                e.title,
                e.retention_years,
                _iso(e.timestamp),
                transfer_due_date(e.year, None).isoformat(),
            ),
        )

    def _on_FileFolder_Closed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        row = db.execute("SELECT year FROM folders WHERE id=?", (str(e.originator_id),)).fetchone()
        due = transfer_due_date(row[0], to_vietnam(e.timestamp).date()) if row else None
        db.execute(
            "UPDATE folders SET closed=1, status='closed', closed_at=?, transfer_due=? WHERE id=?",
            (_iso(e.timestamp), due.isoformat() if due else None, str(e.originator_id)),
        )

    def _on_FileFolder_Transferred(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE folders SET status='transferred', transferred_at=? WHERE id=?",
            (_iso(e.timestamp), str(e.originator_id)),
        )

    _prepare_many_Receipt_Delivered = staticmethod(delivered_rows)

    def _on_many_Receipt_Delivered(self, db: sqlite3.Connection, rows: list[DeliveredRow]) -> None:
        """A delivery batch: its inbox rows and history lines, each in one ``executemany``."""
        db.executemany(
            "INSERT OR IGNORE INTO receipts VALUES "
            "(?, ?, ?, ?, 'delivered', ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, NULL)",
            [
                (
                    r.receipt_id,
                    r.document_id,
                    r.unit_id,
                    r.issuer_unit_id,
                    r.event.number_symbol,
                    r.event.subject,
                    r.event.doc_type,
                    r.event.urgency,
                    r.at,
                )
                for r in rows
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO history VALUES (?, ?, ?, NULL, ?, ?, '{}')",
            [
                (r.position, r.document_id, r.at, r.unit_id, type(r.event).__qualname__)
                for r in rows
            ],
        )

    def _receipt_document(self, db: sqlite3.Connection, receipt_id: object) -> tuple[str, str]:
        row = db.execute(
            "SELECT document_id, unit_id FROM receipts WHERE id=?", (str(receipt_id),)
        ).fetchone()
        return row[0], row[1]

    def _on_Receipt_Registered(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        # Earlier arrivals of the same (number, symbol, issuer) in the register it went into —
        # of the same year of issue where both issue dates are known (numbers start again at 1
        # every year; a document from another system has no issue date here, so it is compared
        # on number, symbol and issuer alone):
        # the receiving unit's, or its heir's if it merged since (the merge chain's end), which
        # holds the arrivals of every unit merged into it too — as the units were then.
        earlier = db.execute(
            "WITH RECURSIVE "
            "up(id, depth) AS (SELECT unit_id, 0 FROM receipts WHERE id=:receipt UNION ALL "
            " SELECT u.merged_into, up.depth + 1 FROM units u JOIN up ON u.id=up.id "
            " WHERE u.merged_into IS NOT NULL AND up.depth < 100), "
            "family(id) AS (SELECT id FROM (SELECT id FROM up ORDER BY depth DESC LIMIT 1) "
            " UNION SELECT u.id FROM units u JOIN family f ON u.merged_into=f.id) "
            "SELECT o.arrival_number FROM receipts r JOIN receipts o "
            "ON o.unit_id IN (SELECT id FROM family) "
            "AND o.number_symbol=r.number_symbol AND o.issuer_unit_id=r.issuer_unit_id "
            "AND o.id<>r.id AND o.arrival_number IS NOT NULL "
            "LEFT JOIN documents rd ON rd.id=r.document_id "
            "LEFT JOIN documents od ON od.id=o.document_id "
            "WHERE r.id=:receipt AND (rd.issued_at IS NULL OR od.issued_at IS NULL "
            " OR substr(rd.issued_at, 1, 4)=substr(od.issued_at, 1, 4)) "
            "ORDER BY o.arrival_number",
            {"receipt": str(e.originator_id)},
        ).fetchall()
        db.execute(
            "UPDATE receipts SET status='registered', arrival_number=?, registered_at=?, "
            "duplicate_of=? WHERE id=?",
            (
                e.arrival_number,
                _iso(e.received_at),
                ",".join(str(row[0]) for row in earlier) or None,
                str(e.originator_id),
            ),
        )
        document_id, unit_id = self._receipt_document(db, e.originator_id)
        self._history(
            db,
            pos,
            document_id,
            e,
            e.by,
            unit_id,
            arrival_number=e.arrival_number,
            signatures_valid=e.signatures_valid,
            verification=e.verification_summary,
        )

    def _on_Receipt_ArrivalStamped(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(
            db, pos, e, None, arrival_number=e.arrival_number, level=e.signature_level
        )

    def _on_DocumentCopy_Made(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "INSERT OR IGNORE INTO copies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                str(e.document_id),
                str(e.copying_unit_id),
                e.form,
                json.dumps(e.pages),
                e.number_symbol,
                e.sha256,
                str(e.by),
                _iso(e.copied_at),
            ),
        )
        self._history(
            db,
            pos,
            e.document_id,
            e,
            e.by,
            e.copying_unit_id,
            form=e.form,
            number_symbol=e.number_symbol,
            pages=e.pages,
        )

    def _on_Receipt_Acknowledged(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE receipts SET status='acknowledged', acknowledged_at=? WHERE id=?",
            (_iso(e.timestamp), str(e.originator_id)),
        )
        document_id, unit_id = self._receipt_document(db, e.originator_id)
        self._history(db, pos, document_id, e, e.by, unit_id)

    def _on_many_Receipt_Acknowledged(
        self, db: sqlite3.Connection, events: list[tuple[int, Any]]
    ) -> None:
        """Many acknowledgements (a group commit's) with a handful of statements: the rows of
        ``_on_Receipt_Acknowledged`` for each."""
        ids = [str(e.originator_id) for _, e in events]
        db.executemany(
            "UPDATE receipts SET status='acknowledged', acknowledged_at=? WHERE id=?",
            [
                (_iso(e.timestamp), receipt_id)
                for (_, e), receipt_id in zip(events, ids, strict=True)
            ],
        )
        receipts = self._select_in(db, "SELECT id, document_id, unit_id FROM receipts", ids)
        missing = [receipt_id for receipt_id in ids if receipt_id not in receipts]
        if missing:
            raise LookupError(f"acknowledged receipts without a row: {missing}")
        db.executemany(
            "INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    position,
                    receipts[receipt_id][0],
                    _iso(e.timestamp),
                    _str(e.by),
                    receipts[receipt_id][1],
                    type(e).__qualname__,
                    "{}",
                )
                for (position, e), receipt_id in zip(events, ids, strict=True)
            ],
        )

    @staticmethod
    def _select_in(
        db: sqlite3.Connection, select: str, ids: list[str]
    ) -> dict[str, tuple[Any, ...]]:
        """Rows by their first column, for ``ids`` (``select`` ends before its WHERE)."""
        found: dict[str, tuple[Any, ...]] = {}
        for offset in range(0, len(ids), 500):
            chunk = ids[offset : offset + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.execute(f"{select} WHERE id IN ({marks})", chunk):
                found[row[0]] = tuple(row[1:])
        return found

    def _receipt_event(
        self, db: sqlite3.Connection, pos: int, e: Any, status: str | None, **detail: object
    ) -> None:
        """Moves a receipt to ``status`` (if given); records the step in the document history."""
        if status is not None:
            db.execute("UPDATE receipts SET status=? WHERE id=?", (status, str(e.originator_id)))
        document_id, unit_id = self._receipt_document(db, e.originator_id)
        self._history(db, pos, document_id, e, getattr(e, "by", None), unit_id, **detail)

    def _on_Receipt_Directed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, None, direction=e.direction)

    def _on_Receipt_Assigned(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        db.execute(
            "UPDATE receipts SET handler_id=?, deadline=? WHERE id=?",
            (str(e.handler_id), e.deadline.isoformat(), str(e.originator_id)),
        )
        self._receipt_event(
            db, pos, e, "assigned", handler_id=e.handler_id, deadline=e.deadline.isoformat()
        )

    def _on_Receipt_ProgressReported(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, "in_progress", note=e.note)

    def _on_Receipt_Completed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, "done", note=e.note)

    def _on_Receipt_ReturnedToSender(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, "returned", reason=e.reason)

    def _on_Receipt_RecallNoticed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, "recalled", reason=e.reason)

    def _on_Receipt_DestructionConfirmed(self, db: sqlite3.Connection, pos: int, e: Any) -> None:
        self._receipt_event(db, pos, e, "destroyed")

    # -- queries --------------------------------------------------------------------------
    def _rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        with self._connect() as db:
            return [dict(row) for row in db.execute(sql, params).fetchall()]

    def units(self) -> list[UnitInfo]:
        return [
            UnitInfo(
                id=UUID(r["id"]),
                code=r["code"],
                name=r["name"],
                short_name=r["short_name"],
                abbreviation=r["abbreviation"],
                level=r["level"],
                parent_id=UUID(r["parent_id"]) if r["parent_id"] else None,
                place=r["place"],
                status=r["status"],
                merged_into=UUID(r["merged_into"]) if r["merged_into"] else None,
            )
            for r in self._rows("SELECT * FROM units ORDER BY rowid")
        ]

    def _units_version(self) -> int:
        rows = self._rows("SELECT position FROM tracking WHERE name=?", UNITS_VERSION)
        return int(rows[0]["position"]) if rows else 0

    def unit_tree(self) -> UnitTree:
        """The whole tree, rebuilt only when a unit changed (126,000 units take ~1 s to read)."""
        with self._tree_lock:
            version = self._units_version()
            if self._tree is None or self._tree[0] != version:
                self._tree = (version, UnitTree(self.units()))
            return self._tree[1]

    def accounts(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM accounts ORDER BY unit_id, username")

    def accounts_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The accounts among ``ids`` (a page names a few people, not every account)."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT * FROM accounts WHERE id IN ({marks})", *chunk):
                found[row["id"]] = row
        return found

    def accounts_of_unit(self, unit_id: UUID) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM accounts WHERE unit_id=? ORDER BY username", str(unit_id))

    def document(self, document_id: UUID) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM documents WHERE id=?", str(document_id))
        return rows[0] if rows else None

    def _absorbed(self, unit_id: UUID) -> tuple[list[str], str]:
        """The unit and every unit merged into it (``UnitTree.absorbed``), as SQL parameters
        and their placeholders."""
        units = [str(u) for u in self.unit_tree().absorbed(unit_id)]
        return units, ",".join("?" * len(units))

    def outbox(self, unit_id: UUID) -> list[dict[str, Any]]:
        """What the unit issued, and what every unit merged into it issued."""
        units, marks = self._absorbed(unit_id)
        return self._rows(
            "SELECT d.*, COALESCE(p.delivered, 0) AS delivered, "
            "COALESCE(p.acknowledged, 0) AS acknowledged FROM documents d "
            "LEFT JOIN dispatch_progress p ON p.document_id=d.id "
            f"WHERE issuer_unit_id IN ({marks}) ORDER BY updated_at DESC",
            *units,
        )

    def documents_in_status(self, unit_id: UUID, status: str) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM documents WHERE issuer_unit_id=? AND status=? ORDER BY updated_at",
            str(unit_id),
            status,
        )

    def documents_held_by(self, account_id: UUID, step: str) -> list[dict[str, Any]]:
        """Submitted documents whose ``step`` (``review`` or ``sign``) waits for this person,
        with ``reminded`` set once a reminder was sent."""
        return self._rows(
            "SELECT d.*, a.reminded, a.escalated_to FROM approvals a "
            "JOIN documents d ON d.id=a.document_id "
            "WHERE a.holder_id=? AND a.step=? AND d.status='submitted' ORDER BY d.updated_at",
            str(account_id),
            step,
        )

    def documents_escalated_to(self, account_id: UUID) -> list[dict[str, Any]]:
        """Submitted documents whose step waited too long, reported to this leader."""
        return self._rows(
            "SELECT d.*, a.holder_id, a.step FROM approvals a "
            "JOIN documents d ON d.id=a.document_id "
            "WHERE a.escalated_to=? AND d.status='submitted' ORDER BY d.updated_at",
            str(account_id),
        )

    def inbox(self, unit_id: UUID) -> list[dict[str, Any]]:
        """What the unit received, and what every unit merged into it received."""
        units, marks = self._absorbed(unit_id)
        return self._rows(
            "SELECT r.*, d.issuer_name FROM receipts r LEFT JOIN documents d ON d.id=r.document_id "
            f"WHERE r.unit_id IN ({marks}) ORDER BY r.delivered_at DESC",
            *units,
        )

    def duplicate_of(self, receipt_id: UUID) -> list[int]:
        """Arrival numbers of the unit's earlier registrations of the same number, symbol and
        issuer (Nghị định 30, Phụ lục VI: warn on a duplicate), as found when it was registered."""
        rows = self._rows("SELECT duplicate_of FROM receipts WHERE id=?", str(receipt_id))
        found = rows[0]["duplicate_of"] if rows else None
        return [int(number) for number in found.split(",")] if found else []

    def receipts_of(self, document_id: UUID) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT r.*, u.name AS unit_name FROM receipts r JOIN units u ON u.id=r.unit_id "
            "WHERE document_id=? ORDER BY u.rowid",
            str(document_id),
        )

    def recipient_status(
        self,
        document_id: UUID,
        status: str | None,
        unit_ids: Sequence[str] | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the document's receipts in delivery order, with the unit's name, and how
        many match: only ``status``, only ``unit_ids`` when given. Walks the document's index in
        order, so a page of a 126,000-unit dispatch joins only its own rows."""
        where, params = ["r.document_id=?"], [str(document_id)]
        if status is not None:
            where.append("r.status=?")
            params.append(status)
        if unit_ids is not None:
            where.append("r.unit_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(unit_ids)))
        condition = " AND ".join(where)
        total = self._rows(f"SELECT COUNT(*) AS n FROM receipts r WHERE {condition}", *params)
        rows = self._rows(
            "SELECT p.*, u.name AS unit_name FROM (SELECT r.id, r.unit_id, r.status, "
            "r.arrival_number, r.delivered_at, r.registered_at, r.acknowledged_at, r.rowid AS n "
            f"FROM receipts r WHERE {condition} ORDER BY r.rowid LIMIT ? OFFSET ?) p "
            "LEFT JOIN units u ON u.id=p.unit_id ORDER BY p.n",
            *params,
            limit,
            offset,
        )
        return rows, int(total[0]["n"])

    def receipt_row(self, receipt_id: UUID) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM receipts WHERE id=?", str(receipt_id))
        return rows[0] if rows else None

    def copies(self, document_id: UUID, unit_id: UUID) -> list[dict[str, Any]]:
        """The copies a unit (or a unit merged into it) made of a document (bản sao), oldest
        first."""
        units, marks = self._absorbed(unit_id)
        rows = self._rows(
            f"SELECT * FROM copies WHERE document_id=? AND unit_id IN ({marks}) ORDER BY copied_at",
            str(document_id),
            *units,
        )
        for row in rows:
            row["pages"] = json.loads(row["pages"])
        return rows

    def history(self, document_id: UUID) -> list[HistoryEntry]:
        return [
            HistoryEntry(
                position=r["position"],
                at=datetime.fromisoformat(r["at"]),
                actor_id=r["actor_id"],
                unit_id=r["unit_id"],
                event=r["event"],
                detail=json.loads(r["detail"]),
            )
            for r in self._rows(
                "SELECT * FROM history WHERE document_id=? ORDER BY position", str(document_id)
            )
        ]

    def folders(self, unit_id: UUID) -> list[dict[str, Any]]:
        """The unit's file folders, and those of every unit merged into it."""
        units, marks = self._absorbed(unit_id)
        return self._rows(
            "SELECT f.*, (SELECT COUNT(*) FROM documents d WHERE d.folder_id=f.id) AS documents "
            f"FROM folders f WHERE unit_id IN ({marks}) ORDER BY year DESC, code",
            *units,
        )

    def archive_folders(self, query: FolderQuery) -> list[dict[str, Any]]:
        """Folders matching ``query`` with their unit's name and number of documents, newest
        year first."""
        where: list[str] = ["1=1"]
        params: list[object] = []
        if query.unit_ids is not None:
            where.append("f.unit_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(query.unit_ids))
        for column, value in (
            ("f.unit_id", query.unit_id),
            ("f.year", query.year),
            ("f.status", query.status),
            ("f.id", query.folder_id),
        ):
            if value is not None:
                where.append(f"{column}=?")
                params.append(value)
        if query.due_by is not None:
            where.append("f.status<>'transferred' AND f.transfer_due<=?")
            params.append(query.due_by)
        return self._rows(
            "SELECT f.*, u.name AS unit_name, u.code AS unit_code, "
            "(SELECT COUNT(*) FROM documents d WHERE d.folder_id=f.id) AS documents "
            "FROM folders f LEFT JOIN units u ON u.id=f.unit_id "
            f"WHERE {' AND '.join(where)} ORDER BY f.year DESC, u.name, f.code LIMIT ?",
            *params,
            query.limit,
        )

    def folder(self, folder_id: UUID) -> dict[str, Any] | None:
        rows = self.archive_folders(FolderQuery(unit_ids=None, folder_id=str(folder_id)))
        return rows[0] if rows else None

    def folder_documents(self, folder_id: UUID) -> list[dict[str, Any]]:
        """The documents filed into the folder, in the order they were issued."""
        return self._rows(
            "SELECT * FROM documents WHERE folder_id=? ORDER BY issued_at, number_symbol",
            str(folder_id),
        )

    def overdue(self, unit_id: UUID, today: str) -> list[dict[str, Any]]:
        """Incoming documents of the unit (and of the units merged into it) assigned with a
        deadline before ``today`` and not done."""
        units, marks = self._absorbed(unit_id)
        return self._rows(
            f"SELECT * FROM receipts WHERE unit_id IN ({marks}) AND deadline < ? "
            "AND status IN ('assigned', 'in_progress') ORDER BY deadline",
            *units,
            today,
        )

    def access_log(self, document_id: UUID) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT a.at, a.kind, a.account_id, c.username, c.full_name, u.name AS unit_name "
            "FROM access a LEFT JOIN accounts c ON c.id=a.account_id "
            "LEFT JOIN units u ON u.id=a.unit_id WHERE a.document_id=? ORDER BY a.position",
            str(document_id),
        )

    # -- sign-ins -------------------------------------------------------------------------
    def recent_sign_in_records(self, username: str, limit: int) -> list[dict[str, Any]]:
        """The username's ``limit`` latest records, newest first."""
        return self._rows(
            "SELECT * FROM sign_ins WHERE username=? ORDER BY position DESC LIMIT ?",
            username,
            limit,
        )

    def last_sign_in_record(self, username: str, kinds: Sequence[str]) -> dict[str, Any] | None:
        marks = ",".join("?" * len(kinds))
        rows = self._rows(
            f"SELECT * FROM sign_ins WHERE username=? AND kind IN ({marks}) "
            "ORDER BY position DESC LIMIT 1",
            username,
            *kinds,
        )
        return rows[0] if rows else None

    def sign_ins(self, query: SignInQuery) -> list[dict[str, Any]]:
        """Records matching ``query``, newest first, with the account's and the unit's names."""
        where, params = ["1=1"], []
        if query.unit_ids is not None:
            clause = "s.unit_id IN (SELECT value FROM json_each(?))"
            if query.with_unknown:
                clause = f"({clause} OR s.unit_id IS NULL)"
            where.append(clause)
            params.append(json.dumps(query.unit_ids))
        for column, value in (("s.username", query.username), ("s.kind", query.kind)):
            if value:
                where.append(f"{column}=?")
                params.append(value)
        if query.since:
            where.append("s.at>=?")
            params.append(query.since)
        if query.before:
            where.append("s.at<?")
            params.append(query.before)
        return self._rows(
            "SELECT s.*, u.name AS unit_name, b.username AS by_username FROM sign_ins s "
            "LEFT JOIN units u ON u.id=s.unit_id LEFT JOIN accounts b ON b.id=s.by_id "
            f"WHERE {' AND '.join(where)} ORDER BY s.position DESC LIMIT ?",
            *params,
            query.limit,
        )


@dataclass(frozen=True)
class SignInQuery:
    """Filters of the sign-in history. ``unit_ids`` None: every unit and unknown usernames;
    otherwise those units' records, and unknown usernames' too if ``with_unknown``."""

    unit_ids: list[str] | None
    with_unknown: bool = False
    username: str | None = None
    kind: str | None = None
    since: str | None = None  # ISO time, inclusive
    before: str | None = None  # ISO time, exclusive
    limit: int = 200


@dataclass(frozen=True)
class FolderQuery:
    """Filters of the archive of file folders. ``unit_ids`` None: every unit (the reader's
    scope, from ``archive_policy``); ``due_by``: not transferred, due on or before that day."""

    unit_ids: list[str] | None
    unit_id: str | None = None
    year: int | None = None
    status: str | None = None
    folder_id: str | None = None
    due_by: str | None = None  # ISO date
    limit: int = 500
