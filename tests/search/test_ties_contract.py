"""Ties are ordered identically on tantivy and Elasticsearch: equal scores (or, by date, the same
second) go newest first (oldest for the oldest-first sort), then by document id — on every
page, across page boundaries, and in `scan`."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from search import tantivy_ranking
from search.port import IndexedDocument, SearchIndex, SearchScope
from search.query import SearchQuery, Sort
from tests.search.builders import make_document
from tests.search.engines import in_batches, indexed_in_both
from tests.servers.elasticsearch import ElasticsearchServer

EVERYWHERE = SearchScope(unit_ids=[], everything=True)
BASE = datetime(2025, 4, 2, 8, 0, 0, tzinfo=UTC)


def _corpus() -> list[IndexedDocument]:
    """34 documents with the same text: three share one second (two of them the same first four
    characters of their id, "aaaa"), others share a second two by two, sub-second times that
    fall in one second, ids shorter than four bytes, and four that score higher."""
    ids = [
        *(f"aaaa-{n:02d}" for n in range(6)),
        *(str(uuid.UUID(int=n * 0x1234_5678_9ABC_DEF0_1111)) for n in range(1, 21)),
        "b",
        "a",
        "zz",
        "aaab",
    ]
    documents = []
    for index, document_id in enumerate(ids):
        issued = BASE + timedelta(seconds=index // 2 if index >= 3 else 0)
        if index in (10, 11):
            issued += timedelta(microseconds=250_000 * (index - 9))
        documents.append(
            make_document(
                document_id,
                number_symbol="1/KH-CĐ",
                subject="Kế hoạch tổ chức hội nghị",
                body_text="Hội nghị công đoàn cơ sở." + (" Hội nghị." if index % 9 == 5 else ""),
                issued_at=issued,
            )
        )
    return documents


CORPUS = _corpus()


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, elasticsearch_server: ElasticsearchServer
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    directory: Path = tmp_path_factory.mktemp("ties") / "index"
    with indexed_in_both(directory, elasticsearch_server, in_batches(CORPUS, 10)) as both:
        yield both


def expected_by_date(sort: Sort) -> list[str]:
    def key(document: IndexedDocument) -> tuple[int, str]:
        seconds = int(document.issued_at.timestamp())
        return (-seconds if sort is Sort.NEWEST else seconds, document.document_id)

    return [document.document_id for document in sorted(CORPUS, key=key)]


def paged(index: SearchIndex, text: str, sort: Sort, size: int) -> list[str]:
    ids: list[str] = []
    for offset in range(0, len(CORPUS) + size, size):
        query = SearchQuery(text=text, sort=sort, offset=offset, limit=size)
        ids += [hit.document_id for hit in index.find(query, EVERYWHERE).hits]
    return ids


@pytest.mark.parametrize("sort", [Sort.NEWEST, Sort.OLDEST])
@pytest.mark.parametrize("size", [1, 3, 7, 50])
def test_dates_tie_by_id_on_both_engines(
    engines: tuple[SearchIndex, SearchIndex], sort: Sort, size: int
) -> None:
    for index in engines:
        assert paged(index, "", sort, size) == expected_by_date(sort)
        assert paged(index, "hoi nghi", sort, size) == expected_by_date(sort)


@pytest.mark.parametrize("size", [1, 4, 7, 50])
def test_equal_scores_tie_newest_first_then_by_id(
    engines: tuple[SearchIndex, SearchIndex], size: int
) -> None:
    tantivy_index, es = engines
    on_tantivy = paged(tantivy_index, "hoi nghi", Sort.RELEVANCE, size)
    assert on_tantivy == paged(es, "hoi nghi", Sort.RELEVANCE, size)
    hits = tantivy_index.find(SearchQuery(text="hoi nghi", limit=50), EVERYWHERE).hits
    assert len({hit.score for hit in hits}) == 2  # two groups of equal scores
    expected = sorted(
        hits, key=lambda hit: (-hit.score, -int(hit.issued_at.timestamp()), hit.document_id)
    )
    assert on_tantivy == [hit.document_id for hit in expected]


@pytest.mark.parametrize("sort", [Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST])
def test_scan_orders_ties_as_find(engines: tuple[SearchIndex, SearchIndex], sort: Sort) -> None:
    tantivy_index, es = engines
    query = SearchQuery(text="hoi nghi", sort=sort, limit=50)
    found = [hit.document_id for hit in tantivy_index.find(query, EVERYWHERE).hits]
    assert [hit.document_id for hit in tantivy_index.scan(query, EVERYWHERE)] == found
    assert [hit.document_id for hit in es.scan(query, EVERYWHERE)] == found


def _large_corpus() -> list[IndexedDocument]:
    """3,000 documents found by "chuyen*" with two scores only (the prefix scores a constant:
    1 in the text, 2 more in the subject), in the body, the subject or both. Within a score many
    share a second and the first four characters of their id (runs of ~12 equal tie-break keys),
    and 300 of the highest score share both (one run longer than tantivy's first round of a tie
    group). Written in shuffled order, so the engine's own order means nothing."""
    documents = []
    for n in range(3_000):
        in_subject = n % 3 == 1
        in_body = not in_subject or n % 2 == 0
        if n < 300:
            document_id, seconds, in_subject, in_body = f"0000-{n:04d}", 10_000, True, True
        else:
            document_id, seconds = f"k{n % 6:03d}-{n:05d}", (n * 7) % 40
        documents.append(
            make_document(
                document_id,
                subject="Chuyển đổi số năm 2025" if in_subject else "Kế hoạch hội nghị",
                body_text="Báo cáo chuyên đề." if in_body else "Nội dung văn bản.",
                issued_at=BASE + timedelta(seconds=seconds),
            )
        )
    random.Random(7).shuffle(documents)
    return documents


LARGE = _large_corpus()


def _large_rank(document: IndexedDocument) -> tuple[int, int, str]:
    """The contract's order, from how the corpus was written: score, newest, id."""
    score = 1 + ("Chuyển" in document.subject) * 2
    return (-score, -int(document.issued_at.timestamp()), document.document_id)


LARGE_ORDER = [document.document_id for document in sorted(LARGE, key=_large_rank)]
TOP_GROUP = sum(1 for document in LARGE if _large_rank(document)[0] == -3)


@pytest.fixture(scope="module")
def large_engines(
    tmp_path_factory: pytest.TempPathFactory, elasticsearch_server: ElasticsearchServer
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    directory: Path = tmp_path_factory.mktemp("large-ties") / "index"
    with indexed_in_both(directory, elasticsearch_server, in_batches(LARGE, 500)) as both:
        yield both


def test_a_large_tie_group_is_what_it_says(large_engines: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy_index, _ = large_engines
    scores = [hit.score for hit in tantivy_index.scan(SearchQuery(text="chuyen*"), EVERYWHERE)]
    assert len(scores) == len(LARGE)
    assert sorted(set(scores), reverse=True) == [3.0, 1.0]
    assert scores.count(3.0) == TOP_GROUP == 1_200


@pytest.mark.parametrize(
    ("offset", "limit"),
    [
        (0, 20),  # the first page: 20 of the 300 equal keys
        (0, 1),
        (290, 20),  # across the end of the run of 300 equal keys
        (TOP_GROUP - 7, 20),  # across two scores
        (1_490, 20),  # the middle
        (1_000, 700),
        (len(LARGE) - 25, 20),
        (len(LARGE) - 20, 20),  # the last page
        (len(LARGE) - 3, 20),
    ],
)
@pytest.mark.parametrize("by_key_at_once", [False, True])
def test_a_large_tie_group_pages_as_the_full_sort(
    large_engines: tuple[SearchIndex, SearchIndex],
    offset: int,
    limit: int,
    by_key_at_once: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tantivy fetches ~1,000 hits by score before it reads a tie group by key; `by_key_at_once`
    reads it by key from the first tie across the page, whatever the page."""
    if by_key_at_once:
        monkeypatch.setattr(tantivy_ranking, "_SCORED_BEFORE_ROUNDS", 0)
    expected = LARGE_ORDER[offset : offset + limit]
    for index in large_engines:
        query = SearchQuery(text="chuyen*", offset=offset, limit=limit)
        assert [hit.document_id for hit in index.find(query, EVERYWHERE).hits] == expected
