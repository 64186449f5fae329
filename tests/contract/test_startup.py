"""Applications starting at the same moment on one PostgreSQL database all come up: the wiring
serialises eventsourcing's schema creation with an advisory lock."""

from __future__ import annotations

import threading
from pathlib import Path

from eoffice.bootstrap import build_application
from eoffice.settings import Settings
from tests.servers.postgres import PostgresServer

STARTING_TOGETHER = 12


def test_many_applications_start_together_on_postgres(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    database = postgres_server.create_database()
    start = threading.Barrier(STARTING_TOGETHER)
    errors: list[BaseException] = []

    def start_one(index: int) -> None:
        settings = Settings(
            data_dir=tmp_path / f"process-{index}",
            event_store="postgres",
            postgres_host=postgres_server.host,
            postgres_port=postgres_server.port,
            postgres_dbname=database,
            postgres_user=postgres_server.user,
            postgres_password=postgres_server.password,
        )
        start.wait(timeout=60)
        try:
            build_application(settings).close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=start_one, args=(i,)) for i in range(STARTING_TOGETHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
