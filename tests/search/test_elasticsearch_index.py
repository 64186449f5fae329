"""What is particular to the Elasticsearch adapter: its alias and versions, reindexing without
downtime, refused batches, huge queries, wiring, and words cut exactly as tantivy cuts them."""

from __future__ import annotations

import threading
import unicodedata
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from eoffice.bootstrap import build_search_index
from eoffice.settings import Settings
from search.elasticsearch_index import ElasticsearchIndexError, ElasticsearchSearchIndex
from search.normalize import fold, normalize
from search.port import SearchScope, SearchUnavailableError
from search.query import SearchQuery
from search.tantivy_index import _analyzer
from search.terms import terms
from tests.search.builders import make_document
from tests.servers.elasticsearch import ElasticsearchServer
from tests.servers.tcp_proxy import proxied

EVERYWHERE = SearchScope(unit_ids=[], everything=True)


@pytest.fixture
def name() -> str:
    return f"es-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def index(
    elasticsearch_server: ElasticsearchServer, name: str
) -> Iterator[ElasticsearchSearchIndex]:
    with ElasticsearchSearchIndex(elasticsearch_server.url, name) as opened:
        yield opened
        opened.drop()


def ids(index: ElasticsearchSearchIndex, query: str) -> list[str]:
    return [hit.document_id for hit in index.search(query, EVERYWHERE)]


@pytest.mark.parametrize(
    "text",
    [
        "Kế hoạch 125/KH-CĐ ngày 14/3/2025: Công đoàn cơ sở_Đà Nẵng!",
        unicodedata.normalize("NFD", "Liên đoàn Lao động tỉnh Bến Tre (LĐLĐ)"),
        "e-mail: an.nguyen@ldld.vn, tel +84-236-3822",
        "Москва 北京市 Ελλάδα ① ½ x²",
        "a" * 300 + " ngắn " + "đ" * 130 + " " + "đ" * 127,
        "  \t\n",
    ],
)
def test_words_are_cut_as_tantivy_cuts_them(text: str) -> None:
    analyzer = _analyzer()
    for form in (normalize, fold):
        assert terms(form(text)) == analyzer.analyze(form(text))


def test_a_new_cluster_gets_version_one_behind_the_alias(index: ElasticsearchSearchIndex) -> None:
    assert index.current_index() == f"{index.alias}-v1"
    assert index.count() == 0


def test_reopening_uses_the_existing_alias(
    elasticsearch_server: ElasticsearchServer, index: ElasticsearchSearchIndex
) -> None:
    index.upsert([make_document("d1", subject="Công đoàn Đà Nẵng")])
    with ElasticsearchSearchIndex(elasticsearch_server.url, index.alias) as again:
        assert again.current_index() == f"{index.alias}-v1"
        assert ids(again, "da nang") == ["d1"]


def test_reindex_swaps_the_alias_and_keeps_every_document(
    index: ElasticsearchSearchIndex,
) -> None:
    index.upsert([make_document(f"d{n:03}", subject=f"Công văn số {n}") for n in range(120)])

    new = index.reindex(batch_size=50)

    assert new == f"{index.alias}-v2" == index.current_index()
    assert index.count() == 120
    assert ids(index, "cong van 7") == ["d007"]
    index.upsert([make_document("after", subject="Sau khi đổi chỉ mục")])
    index.delete("d000")
    assert index.count() == 120
    assert index.reindex() == f"{index.alias}-v3"
    assert ids(index, "doi chi muc") == ["after"]


def test_searches_keep_answering_during_a_reindex(index: ElasticsearchSearchIndex) -> None:
    index.upsert([make_document(f"d{n:04}", subject="Hội nghị công đoàn") for n in range(1500)])
    answers: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        while not done.is_set():
            try:
                answers.append(len(index.search("hoi nghi", EVERYWHERE, limit=5)))
            except BaseException as error:  # reported below
                errors.append(error)

    reader = threading.Thread(target=search)
    reader.start()
    try:
        index.reindex(batch_size=200)
    finally:
        done.set()
        reader.join(timeout=30)

    assert errors == []
    assert len(answers) > 3
    assert set(answers) == {5}


def test_a_refused_document_is_reported(index: ElasticsearchSearchIndex) -> None:
    too_long_for_a_keyword = "u" * 40_000
    with pytest.raises(ElasticsearchIndexError, match="refused 1 of 2"):
        index.upsert(
            [make_document("ok"), make_document("bad", issuer_unit_id=too_long_for_a_keyword)]
        )


def test_a_search_the_node_refuses_is_reported_not_taken_for_no_hits(
    elasticsearch_server: ElasticsearchServer, name: str
) -> None:
    with ElasticsearchSearchIndex(elasticsearch_server.url, name) as index:
        index.upsert([make_document("d1")])
        index.drop()  # the alias and its index are gone under the adapter
        with pytest.raises(ElasticsearchIndexError, match="tìm kiếm thất bại / search failed"):
            index.find(SearchQuery("hoi nghi"), EVERYWHERE)


def test_an_index_in_the_way_of_the_alias_is_refused(
    elasticsearch_server: ElasticsearchServer, name: str
) -> None:
    client = Elasticsearch(elasticsearch_server.url)
    client.indices.create(index=name)
    try:
        with pytest.raises(ElasticsearchIndexError, match="not an alias"):
            ElasticsearchSearchIndex(elasticsearch_server.url, name)
    finally:
        client.indices.delete(index=name)
        client.close()


def test_an_unreachable_cluster_is_reported_in_vietnamese_and_english(name: str) -> None:
    with pytest.raises(ElasticsearchIndexError, match="Không kết nối được.*cannot reach"):
        ElasticsearchSearchIndex("http://127.0.0.1:9", name)


def test_a_node_gone_down_makes_every_call_unavailable_then_it_answers_again(
    elasticsearch_server: ElasticsearchServer, name: str
) -> None:
    with proxied(elasticsearch_server.address) as relay:
        client = Elasticsearch(relay.url, request_timeout=5, max_retries=0)
        with ElasticsearchSearchIndex(relay.url, name, client=client) as index:
            index.upsert([make_document("before", subject="Hội nghị")])
            relay.cut()
            calls = {
                "find": lambda: index.find(SearchQuery(text="hoi nghi"), EVERYWHERE),
                "scan": lambda: list(index.scan(SearchQuery(text="hoi nghi"), EVERYWHERE)),
                "upsert": lambda: index.upsert([make_document("during")]),
                "delete": lambda: index.delete("before"),
                "count": index.count,
            }
            for call in calls.values():
                with pytest.raises(SearchUnavailableError):
                    call()
            relay.restore()
            index.upsert([make_document("after", subject="Hội nghị")])
            assert sorted(ids(index, "hoi nghi")) == ["after", "before"]
            index.drop()


@pytest.mark.parametrize(
    "query",
    [
        " ".join(f"tu{n}" for n in range(3000)),
        "công " * 5000,
        "x" * 100_000,
        "\x00\ufffd\U0010ffff",
    ],
)
def test_huge_or_odd_queries_are_answered(index: ElasticsearchSearchIndex, query: str) -> None:
    index.upsert([make_document("d1", subject="Công đoàn")])
    assert isinstance(index.search(query, EVERYWHERE), list)


def test_a_huge_limit_is_answered(index: ElasticsearchSearchIndex) -> None:
    index.upsert([make_document("d1")])
    assert ids(index, "hoi nghi") == ["d1"]
    assert len(index.search("hoi nghi", EVERYWHERE, limit=1_000_000)) == 1


def test_settings_select_elasticsearch(elasticsearch_server: ElasticsearchServer) -> None:
    settings = Settings(search_backend="elasticsearch", elasticsearch_url=elasticsearch_server.url)
    built = build_search_index(settings)
    assert isinstance(built, ElasticsearchSearchIndex)
    try:
        assert built.alias == "eoffice-documents"
        built.upsert([make_document("wired", subject="Công văn")])
        assert [hit.document_id for hit in built.search("cong van", EVERYWHERE)] == ["wired"]
    finally:
        built.drop()
        built.close()
