"""Folding pays off: on the labelled set of `bench.search_quality_set`, both engines find the
relevant documents of queries typed without diacritics far better than a plain unfolded index,
and lose nothing on queries typed with them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bench.search_quality import (
    Ranker,
    baseline_ranker,
    engine_ranker,
    evaluate,
    groups,
    indexed_documents,
)
from search.elasticsearch_index import ElasticsearchSearchIndex
from search.tantivy_index import TantivySearchIndex
from tests.servers.elasticsearch import ElasticsearchServer


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Ranker:
    return baseline_ranker(tmp_path_factory.mktemp("baseline"))


def check_beats_baseline(rank: Ranker, baseline: Ranker) -> None:
    without = groups()["without diacritics"]
    with_marks = groups()["with diacritics"]
    engine, plain = evaluate(rank, without), evaluate(baseline, without)
    assert engine.recall_at_10 > plain.recall_at_10 + 0.5, (engine, plain)
    assert engine.mrr > plain.mrr + 0.5, (engine, plain)
    # Typed with diacritics, folding must not cost recall against the exact baseline.
    assert evaluate(rank, with_marks).recall_at_10 >= evaluate(baseline, with_marks).recall_at_10


def test_tantivy_beats_the_unfolded_baseline(tmp_path: Path, baseline: Ranker) -> None:
    with TantivySearchIndex(tmp_path / "index") as index:
        index.upsert(indexed_documents())
        check_beats_baseline(engine_ranker(index), baseline)


def test_elasticsearch_beats_the_unfolded_baseline(
    elasticsearch_server: ElasticsearchServer, baseline: Ranker
) -> None:
    name = f"quality-{uuid.uuid4().hex[:8]}"
    with ElasticsearchSearchIndex(elasticsearch_server.url, name) as index:
        try:
            index.upsert(indexed_documents())
            check_beats_baseline(engine_ranker(index), baseline)
        finally:
            index.drop()
