"""The tantivy adapter's cheaper shapes of a query find what the plain shapes find.

A narrow scope is joined to every term, prefix and phrase of the text (`NARROW_SHARE`), and a
prefix with few words is read from those words' postings (`PREFIX_TERMS`). Both only change
what a search costs: the same hits, in the same order, with the same scores (the sums are
added in another order: equal up to the last bit), the same totals and facets, the same
export. Each query below is run three ways over one seeded corpus: never joined and every
prefix as a regex; the defaults; joined even over the widest scope.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import search.tantivy_index as tantivy_index
from search.hits import effective_sort
from search.port import SearchHit, SearchResult, SearchScope
from search.query import SearchFilters, SearchQuery, Sort, parse_text
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document, utc

TEXT = (
    "công đoàn cơ sở kế hoạch chuyển đổi số thỏa ước lao động tập thể an toàn vệ sinh "
    "Mái ấm Tháng Công nhân cổng thông tin điện tử cống thoát nước bảo hiểm xã hội "
    "hội nghị người lao động đối thoại nơi làm việc tập huấn cán bộ chuyên trách"
)
WORDS = TEXT.split(" ")
# More words starting with "ma" than PREFIX_TERMS: that prefix takes the regex path.
MANY = [f"ma{n:03d}" for n in range(tantivy_index.PREFIX_TERMS + 6)]
PHRASES = ("an toàn vệ sinh lao động", "thỏa ước lao động tập thể", "Tháng Công nhân")
UNITS = [f"u-{n:02d}" for n in range(40)]
PROVINCES = ["u-p1", "u-p2"]


def _document(rng: random.Random, n: int) -> object:
    unit = rng.choice(UNITS)
    province = PROVINCES[UNITS.index(unit) % 2]
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 60)))
    return make_document(
        f"d{n:04d}",
        subject=" ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 9))),
        body_text=f"{body} {rng.choice(PHRASES)} {rng.choice(MANY)}",
        doc_type=rng.choice(["Kế hoạch", "Công văn", "Báo cáo"]),
        issuer_unit_id=unit,
        issuer_path_ids=[unit, province, "u-tld"],
        party_unit_ids=[unit, rng.choice(UNITS)],
        scope_unit_ids=[province, "u-tld"],
        issued_at=utc(2023 + n % 3, 1 + n % 12, 1 + n % 28, n % 24),
    )


SCOPES = {
    "one unit": SearchScope(unit_ids=["u-07"]),
    "two units": SearchScope(unit_ids=["u-07", "u-13"]),
    "a province": SearchScope(unit_ids=["u-p1"], subtree_root_ids=["u-p1"]),
    "national": SearchScope(unit_ids=["u-tld"], subtree_root_ids=["u-tld"]),
}
QUERIES = [
    SearchQuery(text="công đoàn", limit=1000),
    SearchQuery(text="cong doan co so", limit=1000),
    SearchQuery(text="thỏa ước lao động", limit=1000),
    SearchQuery(text='"an toàn vệ sinh"', limit=1000),
    SearchQuery(text="chuyen*", limit=1000),
    SearchQuery(text="chuyển*", limit=1000),
    SearchQuery(text="tập huấn cán bộ*", limit=1000),
    SearchQuery(text="ma*", limit=1000),
    SearchQuery(text="ma0*", limit=1000),
    SearchQuery(text="cong", filters=SearchFilters(doc_types=("Báo cáo",)), limit=1000),
    SearchQuery(text="hoi nghi", filters=SearchFilters(doc_types=("Báo cáo", "Kế hoạch"))),
    SearchQuery(text="lao dong", sort=Sort.NEWEST, offset=5),
    SearchQuery(text="", filters=SearchFilters(issuer_unit_id="u-p1", issuer_subtree=True)),
]
SHAPES = {
    "plain": {"NARROW_SHARE": 0.0, "PREFIX_TERMS": -1},
    "default": {},
    "always joined": {"NARROW_SHARE": 2.0},
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivySearchIndex]:
    rng = random.Random(7)
    directory: Path = tmp_path_factory.mktemp("shapes")
    with TantivySearchIndex(directory) as index:
        index.upsert([_document(rng, n) for n in range(800)])  # type: ignore[misc]
        yield index


def _run(
    index: TantivySearchIndex,
    query: SearchQuery,
    scope: SearchScope,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, tuple[SearchResult, list[SearchHit]]]:
    results = {}
    for name, settings in SHAPES.items():
        with monkeypatch.context() as patch:
            for setting, value in settings.items():
                patch.setattr(tantivy_index, setting, value)
            results[name] = (index.find(query, scope), list(index.scan(query, scope)))
    return results


def _assert_same_order(
    reference: list[SearchHit], other: list[SearchHit], sort: Sort = Sort.RELEVANCE
) -> None:
    """The same documents with the same scores (to 1e-5), and the same order wherever two
    scores differ by more than that; by date, exactly the same order."""
    if sort is not Sort.RELEVANCE:
        assert [hit.document_id for hit in other] == [hit.document_id for hit in reference]
    assert sorted(hit.document_id for hit in other) == sorted(h.document_id for h in reference)
    score = {hit.document_id: hit.score for hit in reference}
    for hit in other:
        assert hit.score == pytest.approx(score[hit.document_id], rel=1e-5, abs=1e-6)
    for first, second in zip(other, other[1:], strict=False):
        assert score[first.document_id] >= score[second.document_id] - 1e-4


@pytest.mark.parametrize("scope_name", SCOPES)
@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query.text or "(filters)")
def test_every_shape_finds_the_same(
    index: TantivySearchIndex,
    query: SearchQuery,
    scope_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = _run(index, query, SCOPES[scope_name], monkeypatch)
    (plain, plain_scan) = results["plain"]
    assert plain_scan, "each query finds something in each scope, so the check means something"
    for name in ("default", "always joined"):
        result, scan = results[name]
        assert (result.total, result.total_is_lower_bound) == (
            plain.total,
            plain.total_is_lower_bound,
        ), name
        assert result.facets == plain.facets, name
        assert result.other_issuers_hits == plain.other_issuers_hits, name
        sort = effective_sort(parse_text(query.text), query.sort)
        _assert_same_order(plain.hits, result.hits, sort)
        _assert_same_order(plain_scan, scan, sort)


def test_the_narrow_shape_is_taken_for_a_unit_and_not_nationally(
    index: TantivySearchIndex,
) -> None:
    shared = index._open()  # the adapter's own decision, checked on its searcher
    searcher = shared.index.searcher()
    assert tantivy_index._is_narrow(searcher, SCOPES["one unit"])
    assert not tantivy_index._is_narrow(searcher, SCOPES["national"])
    assert not tantivy_index._is_narrow(searcher, SearchScope(unit_ids=[], everything=True))


def test_a_prefix_with_few_words_is_read_from_their_postings(
    index: TantivySearchIndex,
) -> None:
    searcher = index._open().index.searcher()
    assert searcher.terms_with_prefix("text_folded", "chuyen")  # a few words: postings
    many = searcher.terms_with_prefix("text_folded", "ma", limit=tantivy_index.PREFIX_TERMS + 1)
    assert len(many) > tantivy_index.PREFIX_TERMS  # "ma*" takes the regex path
