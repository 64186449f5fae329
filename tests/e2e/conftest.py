from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.elasticsearch import elasticsearch_server
from tests.servers.plugin import minio_server, postgres_server
from tests.stack import Stack, running_stack

__all__ = ["elasticsearch_server", "minio_server", "postgres_server", "stack"]

MAX_UPLOAD_BYTES = 1_000_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir: Path = tmp_path_factory.mktemp("stack")
    with running_stack(data_dir, max_upload_bytes=str(MAX_UPLOAD_BYTES)) as running:
        yield running
