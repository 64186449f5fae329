"""Totals and the issuer facet are bounded, identically on tantivy and Elasticsearch: a total is
exact up to the index's limit (10,000; lowered here), then that limit and "more than"; the
issuer facet lists the 20 issuers with the most hits (equal counts by id) and the selected
issuer of an "issuer or below" filter, with the hits of the others; types and years stay exact;
`scan` (the export) still yields every hit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.hits import ISSUER_FACET_SIZE
from search.port import FacetValue, IndexedDocument, SearchIndex, SearchResult, SearchScope
from search.query import SearchFilters, SearchQuery
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document, utc
from tests.search.engines import in_batches, indexed_in_both
from tests.servers.elasticsearch import ElasticsearchServer

EVERYWHERE = SearchScope(unit_ids=[], everything=True)
LIMIT = 50


def _count_of(n: int) -> int:
    """Hits of issuer n: 10, 10, 10, 9, 9, 9, … 1, 1, 1 (three issuers tie at each count,
    so the 19th to 21st issuers tie with 4 hits across the facet's cut)."""
    return 10 - n // 3


def _corpus() -> list[IndexedDocument]:
    documents = []
    for n in range(30):
        for k in range(_count_of(n)):
            documents.append(
                make_document(
                    f"i{n:02d}-{k:02d}",
                    subject="Kế hoạch hội nghị công đoàn",
                    issuer_unit_id=f"u-i{n:02d}",
                    issuer_path_ids=[f"u-i{n:02d}", "u-parent", "u-tld"],
                    issued_at=utc(2023 + k % 3, 1 + n % 12, 1 + k),
                )
            )
    for k in range(2):  # the parent unit issues few documents itself
        documents.append(
            make_document(
                f"parent-{k}",
                subject="Kế hoạch hội nghị công đoàn",
                issuer_unit_id="u-parent",
                issuer_path_ids=["u-parent", "u-tld"],
            )
        )
    return documents


CORPUS = _corpus()


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, elasticsearch_server: ElasticsearchServer
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    directory: Path = tmp_path_factory.mktemp("bounded") / "index"
    batches = in_batches(CORPUS, 40)
    with indexed_in_both(directory, elasticsearch_server, batches, LIMIT) as both_engines:
        yield both_engines


def both(
    engines: tuple[SearchIndex, SearchIndex], query: SearchQuery, scope: SearchScope = EVERYWHERE
) -> SearchResult:
    """The result of `query`, the same on both engines."""
    tantivy_index, es = engines
    expected, found = tantivy_index.find(query, scope), es.find(query, scope)
    assert [hit.document_id for hit in found.hits] == [hit.document_id for hit in expected.hits]
    assert (found.total, found.total_is_lower_bound) == (
        expected.total,
        expected.total_is_lower_bound,
    )
    assert found.facets == expected.facets
    assert found.other_issuers_hits == expected.other_issuers_hits
    return expected


def top_issuers() -> list[FacetValue]:
    counts = [FacetValue(f"u-i{n:02d}", _count_of(n)) for n in range(30)]
    counts.append(FacetValue("u-parent", 2))
    return sorted(counts, key=lambda v: (-v.count, v.value))[:ISSUER_FACET_SIZE]


@pytest.mark.parametrize("text", ["", "hoi nghi cong doan"])
def test_a_total_past_the_limit_is_the_limit_and_a_lower_bound(
    engines: tuple[SearchIndex, SearchIndex], text: str
) -> None:
    result = both(engines, SearchQuery(text))
    assert (result.total, result.total_is_lower_bound) == (LIMIT, True)
    assert sum(value.count for value in result.facets["year"]) == len(CORPUS)  # years: exact
    for index in engines:
        assert len(list(index.scan(SearchQuery(text), EVERYWHERE))) == len(CORPUS)


def test_a_total_up_to_the_limit_is_exact(engines: tuple[SearchIndex, SearchIndex]) -> None:
    narrow = both(engines, SearchQuery(filters=SearchFilters(issuer_unit_id="u-i00")))
    assert (narrow.total, narrow.total_is_lower_bound) == (10, False)
    years = both(engines, SearchQuery(filters=SearchFilters(issued_to=utc(2023, 12, 31).date())))
    assert years.total_is_lower_bound is (
        sum(1 for d in CORPUS if d.issued_at.year == 2023) > LIMIT
    )


def test_the_issuer_facet_lists_the_first_twenty_and_counts_the_rest(
    engines: tuple[SearchIndex, SearchIndex],
) -> None:
    result = both(engines, SearchQuery("hoi nghi"))
    assert result.facets["issuer_unit_id"] == top_issuers()
    assert result.facets["issuer_unit_id"][-1] == FacetValue("u-i19", 4)  # u-i20 ties, cut
    listed = sum(value.count for value in top_issuers())
    assert result.other_issuers_hits == len(CORPUS) - listed
    assert len(result.facets["doc_type"]) == 1 and len(result.facets["year"]) == 3


def test_the_selected_issuer_is_always_listed(engines: tuple[SearchIndex, SearchIndex]) -> None:
    below = SearchFilters(issuer_unit_id="u-parent", issuer_subtree=True)
    result = both(engines, SearchQuery("hoi nghi", filters=below))
    assert result.facets["issuer_unit_id"] == [*top_issuers(), FacetValue("u-parent", 2)]
    listed = sum(value.count for value in top_issuers()) + 2
    assert result.other_issuers_hits == len(CORPUS) - listed
    alone = both(engines, SearchQuery(filters=SearchFilters(issuer_unit_id="u-parent")))
    assert alone.facets["issuer_unit_id"] == [FacetValue("u-parent", 2)]
    assert alone.other_issuers_hits == 0


def _segments() -> list[list[IndexedDocument]]:
    """Four batches, one segment each on tantivy. "u-top" has 30 documents in the first and one
    in each of the others, where 101 other issuers have two each: a count that kept each
    segment's hundred issuers with the most hits would leave u-top out of three segments. The
    101 issuers tie with six hits each, more than the hundred buckets asked for."""
    batches = [[make_document(f"top-{k:02d}", issuer_unit_id="u-top") for k in range(30)]]
    for segment in range(3):
        batch = [make_document(f"top-s{segment}", issuer_unit_id="u-top")]
        batch += [
            make_document(f"o{n:03d}-s{segment}-{k}", issuer_unit_id=f"u-o{n:03d}")
            for n in range(101)
            for k in range(2)
        ]
        batches.append(batch)
    return batches


@pytest.fixture(scope="module")
def segmented(
    tmp_path_factory: pytest.TempPathFactory, elasticsearch_server: ElasticsearchServer
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    directory: Path = tmp_path_factory.mktemp("segmented") / "index"
    with indexed_in_both(directory, elasticsearch_server, _segments()) as both_engines:
        yield both_engines


def test_issuer_counts_are_exact_across_segments(
    segmented: tuple[SearchIndex, SearchIndex],
) -> None:
    tantivy_index = segmented[0]
    assert isinstance(tantivy_index, TantivySearchIndex)
    assert tantivy_segments(tantivy_index) == 4  # unmerged, or the case is not made
    result = both(segmented, SearchQuery("hoi nghi"))
    others = [FacetValue(f"u-o{n:03d}", 6) for n in range(ISSUER_FACET_SIZE - 1)]
    assert result.facets["issuer_unit_id"] == [FacetValue("u-top", 33), *others]
    total = 33 + 101 * 6
    assert result.other_issuers_hits == total - 33 - 6 * (ISSUER_FACET_SIZE - 1)


def tantivy_segments(index: TantivySearchIndex) -> int:
    return index._open().index.searcher().num_segments  # the test looks under the adapter
