"""The real servers the contract suites run on (started once per session, when first needed)."""

from __future__ import annotations

from tests.servers.plugin import minio_server, postgres_server, seaweedfs_server

__all__ = ["minio_server", "postgres_server", "seaweedfs_server"]
