"""A private PostgreSQL cluster for the benchmarks, started as the tests start theirs.

It reuses ``tests/servers/postgres.py`` (``initdb`` in a temporary directory, ``pg_ctl`` on a free
loopback port, owned by the ``postgres`` OS user when run as root). Like the tests' cluster it
runs with ``fsync``, ``synchronous_commit`` and ``full_page_writes`` off unless ``durable`` is
asked for: then every commit waits for its WAL flush, as a production server does.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from eoffice.bootstrap import event_store_env
from eoffice.settings import Settings
from tests.servers import postgres as test_postgres
from tests.servers.postgres import PostgresCluster, PostgresServer

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def _bindir() -> Path:
    try:
        return test_postgres.postgres_bindir()
    except pytest.skip.Exception as skipped:  # no PostgreSQL binaries
        sys.exit(f"PostgreSQL không có sẵn / PostgreSQL is not installed: {skipped}")


@contextmanager
def private_postgres(durable: bool = False) -> Iterator[PostgresServer]:
    """Starts a throw-away cluster for the ``with`` block and removes it afterwards."""
    cluster = PostgresCluster(_bindir())
    overrides = DURABLE if durable else {}
    try:
        with mock.patch.dict(test_postgres.SERVER_OPTIONS, overrides):
            server = cluster.start()
        yield server
    finally:
        cluster.stop()


def postgres_settings(server: PostgresServer, dbname: str, **extra: object) -> Settings:
    """The settings a deployment would use to reach database ``dbname`` of ``server``."""
    return Settings(
        event_store="postgres",
        postgres_host=server.host,
        postgres_port=server.port,
        postgres_dbname=dbname,
        postgres_user=server.user,
        postgres_password=server.password,
        **extra,  # type: ignore[arg-type]
    )


def postgres_env(server: PostgresServer, dbname: str) -> dict[str, str]:
    """The event store environment for ``dbname`` (a new empty database is made by the caller)."""
    return event_store_env(postgres_settings(server, dbname))
