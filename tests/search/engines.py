"""Both search engines holding the same documents, for the contract tests that compare them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import IndexedDocument, SearchIndex
from search.query import TOTAL_LIMIT
from search.tantivy_index import TantivySearchIndex
from tests.servers.elasticsearch import ElasticsearchServer


def in_batches(corpus: list[IndexedDocument], size: int) -> list[list[IndexedDocument]]:
    return [corpus[start : start + size] for start in range(0, len(corpus), size)]


@contextmanager
def indexed_in_both(
    directory: Path,
    server: ElasticsearchServer,
    batches: list[list[IndexedDocument]],
    total_limit: int = TOTAL_LIMIT,
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    """A tantivy index in `directory` and a fresh Elasticsearch index holding `batches`, each
    upserted apart (one tantivy segment each); the Elasticsearch index is dropped after."""
    name = f"{directory.parent.name.lower()}-{uuid.uuid4().hex[:8]}"
    es = ElasticsearchSearchIndex(server.url, name, total_limit=total_limit)
    with TantivySearchIndex(directory, total_limit=total_limit) as tantivy_index:
        for batch in batches:
            tantivy_index.upsert(batch)
            es.upsert(batch)
        try:
            yield tantivy_index, es
        finally:
            es.drop()
            es.close()
