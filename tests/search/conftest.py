"""Fixtures of the search tests: the session's Elasticsearch node (started on first use)."""

from __future__ import annotations

from tests.servers.elasticsearch import elasticsearch_server

__all__ = ["elasticsearch_server"]
