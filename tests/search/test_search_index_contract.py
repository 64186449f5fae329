"""What every `SearchIndex` adapter must do; run once per adapter.

To add an adapter, add a factory to `ADAPTERS`; a factory that needs a server asks the request
for its fixture (which skips locally, and fails under CI=true, when the server is missing).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import SearchIndex, SearchScope
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document, utc
from tests.servers.elasticsearch import ElasticsearchServer


def _tantivy(request: pytest.FixtureRequest, directory: Path) -> SearchIndex:
    return TantivySearchIndex(directory / "index")


def _elasticsearch(request: pytest.FixtureRequest, directory: Path) -> SearchIndex:
    server: ElasticsearchServer = request.getfixturevalue("elasticsearch_server")
    return ElasticsearchSearchIndex(server.url, f"contract-{uuid.uuid4().hex[:12]}")


ADAPTERS: dict[str, Callable[[pytest.FixtureRequest, Path], SearchIndex]] = {
    "tantivy": _tantivy,
    "elasticsearch": _elasticsearch,
}

EVERYWHERE = SearchScope(unit_ids=[], everything=True)


@pytest.fixture(params=sorted(ADAPTERS))
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    adapter = ADAPTERS[request.param](request, tmp_path)
    yield adapter
    for cleanup in ("drop", "close"):  # drop: server-side indices of this test
        method = getattr(adapter, cleanup, None)
        if method is not None:
            method()


def ids(index: SearchIndex, query: str, scope: SearchScope = EVERYWHERE) -> list[str]:
    return [hit.document_id for hit in index.search(query, scope)]


class TestVietnameseMatching:
    @pytest.mark.parametrize(
        "query",
        [
            "ke hoach chuyen doi so",
            "kế hoạch chuyển đổi số",
            "KẾ HOẠCH CHUYỂN ĐỔI SỐ",
            unicodedata.normalize("NFD", "kế hoạch chuyển đổi số"),
            "chuyen doi",
        ],
    )
    def test_subject_found_with_or_without_diacritics(self, index: SearchIndex, query: str) -> None:
        index.upsert([make_document("d1", subject="Kế hoạch chuyển đổi số năm 2025")])
        assert ids(index, query) == ["d1"]

    def test_cong_doan_finds_cong_doan_in_the_body(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", body_text="Ban chấp hành Công đoàn cơ sở")])
        assert ids(index, "cong doan") == ["d1"]

    @pytest.mark.parametrize("query", ["Đà Nẵng", "da nang", "ĐÀ NẴNG", "Da Nang"])
    def test_da_nang(self, index: SearchIndex, query: str) -> None:
        index.upsert([make_document("d1", subject="Hội nghị tại Đà Nẵng")])
        assert ids(index, query) == ["d1"]

    def test_text_indexed_in_nfd_is_found(self, index: SearchIndex) -> None:
        subject = unicodedata.normalize("NFD", "Công đoàn Đà Nẵng")
        index.upsert([make_document("d1", subject=subject)])
        assert ids(index, "công đoàn") == ["d1"]
        assert ids(index, "cong doan") == ["d1"]

    def test_every_word_must_match(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", subject="Kế hoạch chuyển đổi số")])
        assert ids(index, "kế hoạch tài chính") == []

    def test_number_symbol_issuer_and_signer_are_searchable(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", number_symbol="125/KH-CĐ", signer_name="Trần Thị Bình")])
        assert ids(index, "125/KH-CĐ") == ["d1"]
        assert ids(index, "125 kh cd") == ["d1"]
        assert ids(index, "tran thi binh") == ["d1"]
        assert ids(index, "Liên đoàn Lao động Hà Nội") == ["d1"]


class TestRanking:
    def test_exact_diacritics_rank_first_and_folded_query_finds_both(
        self, index: SearchIndex
    ) -> None:
        index.upsert(
            [
                make_document("cong", subject="Thông báo về công tác tổ chức"),
                make_document("cong-gate", subject="Thông báo về cổng tác tổ chức"),
            ]
        )
        assert ids(index, "công")[0] == "cong"
        assert ids(index, "cổng")[0] == "cong-gate"
        assert sorted(ids(index, "cong")) == ["cong", "cong-gate"]

    def test_subject_outranks_body(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document("in-body", subject="Thông báo", body_text="Về bảo hiểm xã hội"),
                make_document("in-subject", subject="Về bảo hiểm xã hội", body_text="Thông báo"),
            ]
        )
        assert ids(index, "bao hiem xa hoi") == ["in-subject", "in-body"]

    def test_the_words_in_the_order_typed_rank_first(self, index: SearchIndex) -> None:
        """The whole query as a phrase (its adjacent pairs) adds score: all of it together,
        then part of it together, then the words apart."""
        index.upsert(
            [
                make_document("apart", subject="Tin vắn: thông báo công tác"),
                make_document("part", subject="Thông tin của cổng trường"),
                make_document("together", subject="Nâng cấp cổng thông tin công tác"),
            ]
        )
        assert ids(index, "cong thong tin") == ["together", "part", "apart"]

    def test_limit(self, index: SearchIndex) -> None:
        index.upsert([make_document(f"d{n}", subject="Công văn") for n in range(5)])
        assert len(index.search("cong van", EVERYWHERE, limit=3)) == 3
        assert index.search("cong van", EVERYWHERE, limit=0) == []


class TestHostileQueries:
    @pytest.mark.parametrize(
        "query",
        [
            '"unclosed',
            "subject:công",
            "(kế hoạch",
            "kế hoạch)",
            "AND",
            "OR NOT",
            "a AND OR b",
            "*",
            "?",
            "[1 TO 2]",
            "{x}",
            "^2",
            "~1",
            "+-!",
            "\\",
            "/re.*gex/",
            "'",
            "IN [a b]",
            "công đoàn:",
        ],
    )
    def test_never_a_syntax_error(self, index: SearchIndex, query: str) -> None:
        index.upsert([make_document("d1", subject="Kế hoạch công đoàn")])
        assert isinstance(index.search(query, EVERYWHERE), list)

    def test_punctuation_around_words_is_ignored(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", subject="Kế hoạch chuyển đổi số")])
        assert ids(index, '"kế hoạch" AND (chuyển: đổi) OR số*') == []  # "and"/"or" are words
        assert ids(index, '"kế hoạch" (chuyển: đổi) số*') == ["d1"]

    @pytest.mark.parametrize("query", ["", "   ", "\n\t", "()", '"" :'])
    def test_blank_query_finds_nothing(self, index: SearchIndex, query: str) -> None:
        index.upsert([make_document("d1")])
        assert index.search(query, EVERYWHERE) == []


class TestScope:
    @pytest.fixture(autouse=True)
    def documents(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document("hn", party_unit_ids=["u-hanoi"], scope_unit_ids=["u-tld"]),
                make_document(
                    "dn-school",
                    party_unit_ids=["u-dn-school"],
                    scope_unit_ids=["u-tld", "u-danang"],
                ),
                make_document("hcm", party_unit_ids=["u-hcm", "u-hanoi"], scope_unit_ids=["u-tld"]),
            ]
        )

    def test_only_documents_of_my_units(self, index: SearchIndex) -> None:
        assert sorted(ids(index, "hoi nghi", SearchScope(unit_ids=["u-hanoi"]))) == ["hcm", "hn"]
        assert ids(index, "hoi nghi", SearchScope(unit_ids=["u-hcm"])) == ["hcm"]

    def test_an_out_of_scope_document_is_never_returned(self, index: SearchIndex) -> None:
        scope = SearchScope(unit_ids=["u-hcm"])
        for query in ("hoi nghi", "to chuc", "dn-school", "KH-CĐ", "ha noi"):
            assert "dn-school" not in ids(index, query, scope)
            assert "hn" not in ids(index, query, scope)

    def test_subtree_roots_see_descendants_and_their_own_documents(
        self, index: SearchIndex
    ) -> None:
        assert ids(index, "hoi nghi", SearchScope([], subtree_root_ids=["u-danang"])) == [
            "dn-school"
        ]
        assert ids(index, "hoi nghi", SearchScope([], subtree_root_ids=["u-dn-school"])) == [
            "dn-school"
        ]
        everything_below_tld = SearchScope([], subtree_root_ids=["u-tld"])
        assert sorted(ids(index, "hoi nghi", everything_below_tld)) == ["dn-school", "hcm", "hn"]

    def test_unit_ids_do_not_reach_into_subtrees(self, index: SearchIndex) -> None:
        assert ids(index, "hoi nghi", SearchScope(unit_ids=["u-danang"])) == []

    def test_an_empty_scope_sees_nothing_and_everything_sees_all(self, index: SearchIndex) -> None:
        assert ids(index, "hoi nghi", SearchScope(unit_ids=[])) == []
        assert ids(index, "hoi nghi", SearchScope(unit_ids=["u-unknown"])) == []
        assert len(ids(index, "hoi nghi", EVERYWHERE)) == 3


class TestWrites:
    def test_upsert_replaces_by_document_id(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", subject="Bản nháp")])
        index.upsert([make_document("d1", subject="Bản chính thức")])
        assert index.count() == 1
        assert ids(index, "ban chinh thuc") == ["d1"]
        assert ids(index, "nhap") == []

    def test_last_copy_wins_within_one_batch(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1", subject="Một"), make_document("d1", subject="Hai")])
        assert index.count() == 1
        assert ids(index, "hai") == ["d1"]

    def test_delete(self, index: SearchIndex) -> None:
        index.upsert([make_document("d1"), make_document("d2")])
        index.delete("d1")
        index.delete("never-indexed")
        assert index.count() == 1
        assert ids(index, "hoi nghi") == ["d2"]

    def test_empty_upsert_is_harmless(self, index: SearchIndex) -> None:
        index.upsert([])
        assert index.count() == 0


class TestHits:
    def test_hit_carries_the_listing_fields(self, index: SearchIndex) -> None:
        document = make_document(
            "d1",
            number_symbol="07/TB-LĐLĐ",
            subject="Thông báo lịch nghỉ Tết",
            doc_type="Thông báo",
            issued_at=utc(2025, 1, 20, 2, 0),
        )
        index.upsert([document])

        (hit,) = index.search("nghi tet", EVERYWHERE)

        assert (hit.document_id, hit.number_symbol, hit.subject) == (
            "d1",
            "07/TB-LĐLĐ",
            "Thông báo lịch nghỉ Tết",
        )
        assert (hit.doc_type, hit.issuer_name) == ("Thông báo", document.issuer_name)
        assert hit.issued_at == document.issued_at
        assert hit.issued_at.tzinfo is not None
        assert hit.score > 0

    def test_snippet_shows_the_first_match_in_the_body_with_diacritics(
        self, index: SearchIndex
    ) -> None:
        body = "Căn cứ Điều lệ. " * 40 + "Giao Công đoàn cơ sở Đà Nẵng thực hiện. " + "Hết. " * 80
        index.upsert([make_document("d1", subject="Kế hoạch", body_text=body)])

        (hit,) = index.search("da nang", EVERYWHERE)

        assert "Đà Nẵng" in hit.snippet
        assert len(hit.snippet) <= 210

    def test_snippet_falls_back_to_the_subject_or_the_start_of_the_body(
        self, index: SearchIndex
    ) -> None:
        index.upsert(
            [
                make_document("d1", subject="Kế hoạch chuyển đổi số", body_text=""),
                make_document("d2", subject="Khác", body_text="Mở đầu văn bản", signer_name="Lê"),
            ]
        )
        assert index.search("chuyen doi", EVERYWHERE)[0].snippet == "Kế hoạch chuyển đổi số"
        assert index.search("le", EVERYWHERE)[0].snippet == "Mở đầu văn bản"
