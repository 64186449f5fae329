"""What every adapter's `find` and `scan` must do: phrases, prefixes, filters, facets, sort,
pages and highlights; run once per adapter (the `index` fixture of the contract suite)."""

from __future__ import annotations

from datetime import date

import pytest

from search.port import SearchIndex, SearchResult, SearchScope
from search.query import SearchFilters, SearchQuery, Sort
from tests.search.builders import make_document, utc
from tests.search.test_search_index_contract import index

__all__ = ["index"]

EVERYWHERE = SearchScope(unit_ids=[], everything=True)


def find(
    index: SearchIndex,
    text: str = "",
    scope: SearchScope = EVERYWHERE,
    filters: SearchFilters | None = None,
    sort: Sort = Sort.RELEVANCE,
    offset: int = 0,
    limit: int = 20,
) -> SearchResult:
    query = SearchQuery(text, filters or SearchFilters(), sort, offset, limit)
    return index.find(query, scope)


def ids(result: SearchResult) -> list[str]:
    return [hit.document_id for hit in result.hits]


def facet(result: SearchResult, name: str) -> dict[str, int]:
    return {value.value: value.count for value in result.facets[name]}


class TestPhrasesAndPrefixes:
    def test_a_quoted_phrase_needs_its_words_together(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document("together", body_text="Hội nghị cán bộ công chức năm 2025"),
                make_document("apart", body_text="Hội nghị tổng kết; cán bộ được khen"),
            ]
        )
        assert ids(find(index, '"hội nghị cán bộ"')) == ["together"]
        assert ids(find(index, '"hoi nghi can bo"')) == ["together"]
        assert sorted(ids(find(index, "hoi nghi can bo"))) == ["apart", "together"]

    def test_a_prefix_matches_the_start_of_a_word(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document("cds", subject="Kế hoạch chuyển đổi số"),
                make_document("cg", subject="Kế hoạch chuyên gia"),
                make_document("other", subject="Thông báo nghỉ Tết"),
            ]
        )
        assert sorted(ids(find(index, "chuy*"))) == ["cds", "cg"]
        assert ids(find(index, "chuyển*")) == ["cds", "cg"]  # typed diacritics rank first
        assert ids(find(index, "ke hoach chuyen doi s*")) == ["cds"]
        assert ids(find(index, "xyz*")) == []


class TestDocumentFields:
    def test_urgency_and_file_folder_are_searchable(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document(
                    "flash",
                    urgency="hoa_toc",
                    urgency_label="Hỏa tốc",
                    folder="HS.05 Hồ sơ phòng chống thiên tai năm 2025",
                ),
                make_document("urgent", urgency="khan", urgency_label="Khẩn"),
                make_document("normal", urgency="thuong"),
            ]
        )
        assert ids(find(index, "hỏa tốc")) == ["flash"]
        assert ids(find(index, "hoa toc")) == ["flash"]
        assert ids(find(index, "khẩn")) == ["urgent"]
        assert ids(find(index, "thiên tai")) == ["flash"]
        assert ids(find(index, "HS.05")) == ["flash"]


class TestFilters:
    @pytest.fixture(autouse=True)
    def corpus(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document(
                    "kh-2024",
                    doc_type="Kế hoạch",
                    issued_at=utc(2024, 12, 31, 17, 30),  # 1 January 2025, 00:30 in Vietnam
                    issuer_unit_id="u-hanoi",
                    issuer_path_ids=["u-hanoi", "u-tld"],
                ),
                make_document(
                    "tb-2025",
                    doc_type="Thông báo",
                    number_symbol="07/TB-LĐLĐ",
                    signer_name="Trần Thị Bình",
                    issued_at=utc(2025, 2, 3),
                    issuer_unit_id="u-dn-school",
                    issuer_path_ids=["u-dn-school", "u-danang", "u-tld"],
                ),
                make_document(
                    "cv-2025",
                    doc_type="Công văn",
                    status="recalled",
                    issued_at=utc(2025, 3, 1),
                    issuer_unit_id="u-danang",
                    issuer_path_ids=["u-danang", "u-tld"],
                ),
            ]
        )

    def test_type_and_status(self, index: SearchIndex) -> None:
        filters = SearchFilters(doc_types=("Thông báo", "Công văn"))
        assert ids(find(index, filters=filters)) == ["cv-2025", "tb-2025"]
        assert ids(find(index, filters=SearchFilters(statuses=("recalled",)))) == ["cv-2025"]

    def test_issuer_alone_or_with_the_units_below(self, index: SearchIndex) -> None:
        alone = SearchFilters(issuer_unit_id="u-danang")
        below = SearchFilters(issuer_unit_id="u-danang", issuer_subtree=True)
        assert ids(find(index, filters=alone)) == ["cv-2025"]
        assert ids(find(index, filters=below)) == ["cv-2025", "tb-2025"]

    def test_dates_are_vietnamese_calendar_days(self, index: SearchIndex) -> None:
        new_year = SearchFilters(issued_from=date(2025, 1, 1), issued_to=date(2025, 1, 1))
        assert ids(find(index, filters=new_year)) == ["kh-2024"]
        spring = SearchFilters(issued_from=date(2025, 2, 3), issued_to=date(2025, 3, 1))
        assert ids(find(index, filters=spring)) == ["cv-2025", "tb-2025"]
        assert ids(find(index, filters=SearchFilters(issued_to=date(2024, 12, 31)))) == []

    def test_number_and_signer_with_or_without_diacritics(self, index: SearchIndex) -> None:
        for number in ("07/TB-LĐLĐ", "07/tb-ldld"):
            assert ids(find(index, filters=SearchFilters(number_symbol=number))) == ["tb-2025"]
        for signer in ("Trần Thị Bình", "tran  thi binh"):
            assert ids(find(index, filters=SearchFilters(signer=signer))) == ["tb-2025"]
        assert ids(find(index, filters=SearchFilters(signer="Trần Thị"))) == []

    def test_facets_count_every_match_and_the_year_is_vietnamese(self, index: SearchIndex) -> None:
        result = find(index, limit=1)
        assert result.total == 3 and len(result.hits) == 1
        assert facet(result, "year") == {"2025": 3}
        assert facet(result, "doc_type") == {"Kế hoạch": 1, "Thông báo": 1, "Công văn": 1}
        assert [v.value for v in result.facets["doc_type"]] == ["Công văn", "Kế hoạch", "Thông báo"]
        assert facet(result, "issuer_unit_id") == {"u-hanoi": 1, "u-dn-school": 1, "u-danang": 1}
        narrowed = find(index, filters=SearchFilters(issuer_unit_id="u-tld", issuer_subtree=True))
        assert narrowed.total == 3

    def test_facets_never_count_outside_the_scope(self, index: SearchIndex) -> None:
        scope = SearchScope(unit_ids=["u-elsewhere"])
        index.upsert([make_document("mine", doc_type="Tờ trình", party_unit_ids=["u-elsewhere"])])
        result = find(index, scope=scope)
        assert ids(result) == ["mine"] and result.total == 1
        assert facet(result, "doc_type") == {"Tờ trình": 1}
        assert facet(result, "issuer_unit_id") == {"u-hanoi": 1}
        nothing = find(index, scope=SearchScope(unit_ids=[]))
        assert nothing.total == 0 and all(not values for values in nothing.facets.values())


class TestSortAndPages:
    @pytest.fixture(autouse=True)
    def corpus(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document(
                    f"d{n:02}",
                    subject="Công văn về công đoàn" if n % 3 == 0 else "Công văn",
                    issued_at=utc(2025, 1, 1 + n),
                )
                for n in range(25)
            ]
        )

    def test_newest_and_oldest(self, index: SearchIndex) -> None:
        newest = ids(find(index, "cong van", sort=Sort.NEWEST, limit=25))
        assert newest == [f"d{n:02}" for n in reversed(range(25))]
        assert ids(find(index, "cong van", sort=Sort.OLDEST, limit=3)) == ["d00", "d01", "d02"]

    def test_relevance_then_newest_among_equals(self, index: SearchIndex) -> None:
        found = ids(find(index, "cong van cong doan", limit=25))
        assert found[:9] == ["d24", "d21", "d18", "d15", "d12", "d09", "d06", "d03", "d00"]

    def test_pages_cover_every_hit_once_with_the_same_total(self, index: SearchIndex) -> None:
        pages = [find(index, "cong van", offset=offset, limit=10) for offset in (0, 10, 20)]
        assert [page.total for page in pages] == [25, 25, 25]
        assert [len(page.hits) for page in pages] == [10, 10, 5]
        seen = [hit for page in pages for hit in ids(page)]
        assert sorted(seen) == sorted(ids(find(index, "cong van", limit=25)))
        assert seen == ids(find(index, "cong van", limit=25))
        assert find(index, "cong van", offset=30, limit=10).hits == []

    def test_scan_returns_every_hit_in_order(self, index: SearchIndex) -> None:
        query = SearchQuery(text="cong van", limit=2)
        assert [hit.document_id for hit in index.scan(query, EVERYWHERE)] == ids(
            find(index, "cong van", limit=25)
        )
        assert list(index.scan(query, SearchScope(unit_ids=[]))) == []

    def test_a_page_beyond_the_window_is_refused(self) -> None:
        with pytest.raises(ValueError, match="page out of range"):
            SearchQuery(offset=9_995, limit=10)


class TestSnippetsAndHighlights:
    LETTERHEAD = (
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM\nLIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 12/KH-LĐLĐ\nBến Tre, ngày 3 tháng 3 năm 2025\nKẾ HOẠCH\n"
        "Tổ chức Tháng Công nhân\n"
    )

    def test_the_snippet_is_the_passage_not_the_letterhead(self, index: SearchIndex) -> None:
        body = self.LETTERHEAD + "Mở đầu. " * 40 + "Người lao động được chăm lo đời sống."
        index.upsert([make_document("d1", subject="Tổ chức Tháng Công nhân", body_text=body)])
        hit = find(index, "lao dong").hits[0]
        assert hit.snippet.startswith("…")
        assert "Người lao động được chăm lo" in hit.snippet
        assert "TỔNG LIÊN ĐOÀN" not in hit.snippet and "Hạnh phúc" not in hit.snippet

    def test_the_passage_with_most_query_words_wins(self, index: SearchIndex) -> None:
        body = "Bảo hiểm y tế. " + "Nội dung khác. " * 30 + "Bảo hiểm xã hội cho đoàn viên."
        index.upsert([make_document("d1", body_text=body)])
        assert "Bảo hiểm xã hội cho đoàn viên" in find(index, "bao hiem xa hoi").hits[0].snippet

    def test_highlights_mark_the_words_in_their_original_diacritics(
        self, index: SearchIndex
    ) -> None:
        index.upsert([make_document("d1", body_text="Ban chấp hành Công đoàn cơ sở Đà Nẵng.")])
        for query in ("cong doan da nang", "công đoàn đà nẵng", "cong doan da n*"):
            hit = find(index, query).hits[0]
            marked = [hit.snippet[start:end] for start, end in hit.highlights]
            assert marked == ["Công", "đoàn", "Đà", "Nẵng"], query

    def test_a_blank_text_lists_by_date_without_highlights(self, index: SearchIndex) -> None:
        index.upsert(
            [
                make_document("old", issued_at=utc(2024, 5, 1)),
                make_document("new", issued_at=utc(2025, 5, 1)),
            ]
        )
        result = find(index)
        assert ids(result) == ["new", "old"] and result.total == 2
        assert all(hit.highlights == [] and hit.snippet for hit in result.hits)
