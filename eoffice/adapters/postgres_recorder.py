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
"""

from __future__ import annotations

from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Composable, Composed


def binary_parameters(statement: Composable) -> Composed:
    """``statement`` with its text placeholders (``%s``) turned into binary ones (``%b``)."""
    if isinstance(statement, Composed):
        return Composed([binary_parameters(part) for part in statement])
    if isinstance(statement, SQL):
        return Composed([SQL(statement.as_string().replace("%s", "%b"))])
    return Composed([statement])


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
