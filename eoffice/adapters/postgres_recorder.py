"""The PostgreSQL event recorder, sending its stored events as one binary parameter.

eventsourcing's ``PostgresApplicationRecorder`` inserts a save's events with
``INSERT … SELECT … FROM unnest(%s::stored_event_uuid[]) RETURNING notification_id``: psycopg
dumps that array of composite values *as text*, escaping every ``bytea`` state with a regular
expression (~45 µs an event, the largest single cost of a batched append). This recorder sends
the same array in psycopg's binary format (``%b``); everything else is eventsourcing's own: the
``EXCLUSIVE`` table lock taken in the same transaction (so notification ids are issued in commit
order and readers following the log never pass a gap that is filled later), the ``NOTIFY``, the
returned notification ids, the uniqueness of (originator id, version) that makes optimistic
concurrency work. Chosen in ``eoffice/bootstrap.py`` with ``APPLICATION_RECORDER_TOPIC``.

A save of any size is sent whole before its results are awaited. eventsourcing inserts inside a
psycopg pipeline and then calls ``pipeline.sync()``; psycopg's ``pipeline_communicate`` (3.3.x, C
and Python implementations alike) stops writing as soon as its command queue is empty, even when
``PQflush`` still reports unsent bytes, and the sync then waits for results only (``fetch_many``
waits for the socket to be readable, never writable). A statement larger than what one write
hands to the kernel (~12 MB here: the whole 126,415-unit tree, 48 MB of events, is several
times that) so stayed half sent: the server waited for the rest of the message, the client for
a result — both idle, for ever (psycopg issue #685). ``_insert_stored_events`` therefore flushes
the connection's output until libpq reports it empty (``psycopg.generators.send``: write when
writable, read what arrives meanwhile) right after queuing the insert; the sync that follows is
one 5-byte message.

A save of ``COPY_FROM`` events or more is written with ``COPY … FROM STDIN (FORMAT BINARY)``
instead, in a transaction of its own that takes the same table lock and sends the same
``NOTIFY``: the server parses plain binary rows (no array of composite values to unpack) and
the rows stream to it while they are written. Under the lock nobody else draws from the
``notification_id`` sequence, so the save's ids are the last ``n`` values (``currval``); a count
of the rows in that range confirms it, and the ids are otherwise read back by key. A stale
version violates the primary key and the whole save is rolled back, as with the insert.

It can also serialise work by key across processes (``serialised``: a session-level advisory
lock on a pooled autocommit connection, released when the block ends or the connection dies):
numbering takes turns per issuer with it instead of racing on the register's version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Connection, Cursor
from psycopg.generators import send
from psycopg.pq import PipelineStatus
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier, Literal

COPY_FROM = 64
"""Saves of at least this many events are written with ``COPY`` (smaller ones: one pipelined
insert, fewer round trips)."""


def advisory_lock_key(key: UUID) -> int:
    """A PostgreSQL advisory lock key (a signed 64-bit integer) from a UUID."""
    return int.from_bytes(key.bytes[:8], "big", signed=True)


def binary_parameters(statement: Composable) -> Composed:
    """``statement`` with its text placeholders (``%s``) turned into binary ones (``%b``)."""
    if isinstance(statement, Composed):
        return Composed([binary_parameters(part) for part in statement])
    if isinstance(statement, SQL):
        return Composed([SQL(statement.as_string().replace("%s", "%b"))])
    return Composed([statement])


def flush_output(connection: Connection[Any]) -> None:
    """Sends everything libpq holds for ``connection`` in pipeline mode (see the module's
    docstring): psycopg's pipeline may leave a large statement half written, then wait for its
    result. Outside pipeline mode psycopg flushes before every wait: nothing to do."""
    if connection.pgconn.pipeline_status == PipelineStatus.OFF:
        return
    with connection.lock:
        connection.wait(send(connection.pgconn))


class BinaryPostgresApplicationRecorder(PostgresApplicationRecorder):
    """``PostgresApplicationRecorder`` whose inserts send the events in binary format."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_events_statement = binary_parameters(self.insert_events_statement)
        self.sql_invoke_pg_function_insert_events = binary_parameters(
            self.sql_invoke_pg_function_insert_events
        )

        table = Composed([Identifier(datastore.schema), SQL("."), Identifier(events_table_name)])
        self.copy_events_statement = SQL(
            "COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(table)
        self.copy_from = COPY_FROM
        self.copy_row_types = [datastore.originator_id_type, "int8", "text", "bytea"]
        self.last_notification_id_statement = SQL(
            "SELECT currval(pg_get_serial_sequence({}, 'notification_id')) AS last"
        ).format(Literal(f"{datastore.schema}.{events_table_name}"))
        self.count_notifications_statement = SQL(
            "SELECT count(*) AS n FROM {} WHERE notification_id BETWEEN %s AND %s"
        ).format(table)
        self.notification_ids_by_key_statement = SQL(
            "SELECT t.notification_id FROM {} AS t "
            "JOIN unnest(%b::{}[], %b::int8[]) AS k(originator_id, originator_version) "
            "USING (originator_id, originator_version) ORDER BY t.notification_id"
        ).format(table, Identifier(datastore.originator_id_type))

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Large saves with ``COPY`` (see the module's docstring), others as eventsourcing
        inserts them."""
        if len(stored_events) < self.copy_from or self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        return self._copy_events(stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _copy_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> list[int]:
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            self._lock_table(curs)
            self._notify_channel(curs)
            with curs.copy(self.copy_events_statement) as copy:
                copy.set_types(self.copy_row_types)
                for event in stored_events:
                    copy.write_row(
                        (event.originator_id, event.originator_version, event.topic, event.state)
                    )
            return self._copied_ids(curs, stored_events)

    def _copied_ids(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]) -> list[int]:
        """The notification ids of the rows just copied, in the order they were written."""
        last = self._fetch_value(curs, self.last_notification_id_statement, (), "last")
        first = last - len(stored_events) + 1
        if self._fetch_value(curs, self.count_notifications_statement, (first, last), "n") == len(
            stored_events
        ):
            return list(range(first, last + 1))
        curs.execute(  # another session drew from the sequence meanwhile: read them by key
            self.notification_ids_by_key_statement,
            (
                [event.originator_id for event in stored_events],
                [event.originator_version for event in stored_events],
            ),
        )
        return [row["notification_id"] for row in curs.fetchall()]

    @staticmethod
    def _fetch_value(
        curs: Cursor[DictRow], statement: Composed, params: tuple[Any, ...], column: str
    ) -> int:
        curs.execute(statement, params)
        row = curs.fetchone()
        assert row is not None
        return int(row[column])

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """Queues the table lock, the ``NOTIFY`` and the insert, then sends them whole."""
        super()._insert_stored_events(curs, stored_events, **kwargs)
        flush_output(curs.connection)

    @contextmanager
    def serialised(self, key: UUID) -> Iterator[None]:
        """Holds the advisory lock of ``key``: the same block of any other process waits."""
        lock_key = advisory_lock_key(key)
        with self.datastore.get_connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (lock_key,))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (lock_key,))
