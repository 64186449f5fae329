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

It can also serialise work by key across processes (``serialised``: a session-level advisory
lock on a pooled autocommit connection, released when the block ends or the connection dies):
numbering takes turns per issuer with it instead of racing on the register's version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Connection, Cursor
from psycopg.generators import send
from psycopg.pq import PipelineStatus
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed


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
