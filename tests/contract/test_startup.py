"""Start-up: applications starting at the same moment on one PostgreSQL database all come up
(the wiring serialises eventsourcing's schema creation with an advisory lock); a store without
which nothing works (events, files) that does not answer, or a database that refuses the
password, is named in Vietnamese and English, not shown as a traceback. (Without Elasticsearch
the office starts, without search: `tests/e2e/test_search_outage.py`.)"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from eoffice.bootstrap import build_application
from eoffice.settings import Settings
from tests.servers.postgres import PostgresServer
from tests.stack import free_port

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


def _started(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`eoffice api` started with ``settings`` (and an embedded default for the rest)."""
    env = {
        **os.environ,
        "EOFFICE_DATA_DIR": str(tmp_path / "var"),
        "EOFFICE_API_PORT": str(free_port()),
        **{f"EOFFICE_{name.upper()}": value for name, value in settings.items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "eoffice.cli", "api"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"event_store": "postgres"}, "Cơ sở dữ liệu văn bản tạm thời không trả lời"),
        ({"blob_store": "s3"}, "Kho lưu trữ tệp tạm thời không trả lời"),
    ],
    ids=["postgres", "s3"],
)
def test_a_store_that_does_not_answer_at_start_up_is_named_not_traced(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    nobody = free_port()  # nothing listens there
    where = {
        "postgres_port": str(nobody),
        "s3_endpoint": f"127.0.0.1:{nobody}",
        "s3_access_key": "eoffice",
        "s3_secret_key": "not-a-secret",
    }
    started = _started(tmp_path, **settings, **where)
    assert started.returncode == 1, started.stderr[-3000:]
    assert message in started.stderr and "Traceback" not in started.stderr, started.stderr


def test_a_database_that_refuses_the_password_is_a_configuration_error(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    started = _started(
        tmp_path,
        event_store="postgres",
        postgres_host=postgres_server.host,
        postgres_port=str(postgres_server.port),
        postgres_dbname=postgres_server.create_database(),
        postgres_user=postgres_server.user,
        postgres_password="sai-mat-khau",
    )
    assert started.returncode == 2, started.stderr[-3000:]
    assert "Cấu hình không hợp lệ" in started.stderr and "password" in started.stderr
    assert "Traceback" not in started.stderr
