"""The server fixtures in one place: a test folder's ``conftest.py`` imports the names it needs
(``from tests.servers.plugin import postgres_server``) and lists them in ``__all__``."""

from __future__ import annotations

from tests.servers.minio import minio_server
from tests.servers.postgres import postgres_server
from tests.servers.seaweedfs import seaweedfs_server

__all__ = ["minio_server", "postgres_server", "seaweedfs_server"]
