"""tantivy and Elasticsearch return the same documents, in the same order, for a shared query set.

One corpus is indexed into both engines; every query (with and without diacritics, phrases,
prefixes, numbers, scopes, filters, sorts and pages) must give the same ids in the same order,
the same snippets and highlights, the same totals and the same facet counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest

from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import IndexedDocument, SearchIndex, SearchScope
from search.query import SearchFilters, SearchQuery, Sort
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document, utc
from tests.servers.elasticsearch import ElasticsearchServer

EVERYWHERE = SearchScope(unit_ids=[], everything=True)

CORPUS: list[IndexedDocument] = [
    make_document(
        "kh-cds",
        number_symbol="125/KH-CĐ",
        subject="Kế hoạch chuyển đổi số năm 2025 của Công đoàn",
        body_text="Triển khai chuyển đổi số trong các cấp công đoàn. Công đoàn cơ sở báo cáo.",
        issued_at=utc(2025, 1, 10, 3),
    ),
    make_document(
        "tb-tet",
        number_symbol="07/TB-LĐLĐ",
        doc_type="Thông báo",
        subject="Thông báo lịch nghỉ Tết Nguyên đán",
        body_text="Công nhân lao động được nghỉ Tết từ ngày 25 tháng Chạp. Cổng chào tại Đà Nẵng.",
        issued_at=utc(2025, 1, 20, 2),
    ),
    make_document(
        "cv-bhxh",
        number_symbol="88/CV-CĐ",
        doc_type="Công văn",
        subject="Về bảo hiểm xã hội cho đoàn viên",
        body_text="Đề nghị các đơn vị rà soát việc đóng bảo hiểm xã hội, bảo hiểm y tế.",
        signer_name="Trần Thị Bình",
        issued_at=utc(2025, 2, 3, 8),
    ),
    make_document(
        "qd-khen",
        number_symbol="15/QĐ-LĐLĐ",
        doc_type="Quyết định",
        subject="Quyết định khen thưởng công đoàn cơ sở xuất sắc",
        body_text="Khen thưởng Công đoàn cơ sở trường học Đà Nẵng và Công đoàn Cảng Đà Nẵng.",
        party_unit_ids=["u-dn-school"],
        scope_unit_ids=["u-tld", "u-danang"],
        issued_at=utc(2025, 2, 14, 1),
    ),
    make_document(
        "bc-dn",
        number_symbol="31/BC-CĐ",
        doc_type="Báo cáo",
        subject="Báo cáo tình hình công nhân lao động Đà Nẵng",
        body_text="Tình hình việc làm, tiền lương của công nhân tại các khu công nghiệp Đà Nẵng.",
        party_unit_ids=["u-danang"],
        scope_unit_ids=["u-tld"],
        issued_at=utc(2025, 3, 1, 9),
    ),
    make_document(
        "kh-hoinghi",
        number_symbol="40/KH-CĐ",
        subject="Kế hoạch tổ chức hội nghị cán bộ công chức",
        body_text="Hội nghị cán bộ công chức tổ chức tại hội trường Liên đoàn Lao động.",
        party_unit_ids=["u-hcm", "u-hanoi"],
        issued_at=utc(2025, 3, 5, 4),
    ),
    make_document(
        "tb-cong",
        number_symbol="09/TB-CĐ",
        doc_type="Thông báo",
        subject="Thông báo về công tác tổ chức",
        body_text="Sắp xếp bộ máy công tác tổ chức cán bộ công đoàn.",
        issued_at=utc(2025, 3, 9, 7),
    ),
    make_document(
        "tb-cong-gate",
        number_symbol="10/TB-CĐ",
        doc_type="Thông báo",
        subject="Thông báo về cổng thông tin điện tử",
        body_text="Cổng thông tin điện tử của Công đoàn Việt Nam được nâng cấp.",
        issued_at=utc(2025, 3, 12, 7),
    ),
    make_document(
        "nq-luong",
        number_symbol="02/NQ-TLĐ",
        doc_type="Nghị quyết",
        subject="Nghị quyết về tiền lương tối thiểu vùng",
        body_text="Tổng Liên đoàn Lao động Việt Nam đề xuất điều chỉnh tiền lương tối thiểu.",
        party_unit_ids=["u-tld"],
        scope_unit_ids=[],
        issued_at=utc(2025, 4, 1, 2),
    ),
    make_document(
        "cv-dnang",
        number_symbol="55/CV-LĐLĐ",
        doc_type="Công văn",
        subject="Công văn gửi Liên đoàn Lao động Đà Nẵng về an toàn lao động",
        body_text="An toàn, vệ sinh lao động tại doanh nghiệp; Tháng hành động về an toàn.",
        party_unit_ids=["u-hanoi", "u-danang"],
        issued_at=utc(2025, 4, 15, 3),
    ),
    make_document(
        "kh-2024",
        number_symbol="99/KH-CĐ",
        subject="Kế hoạch tổng kết công đoàn năm 2024",
        body_text="Tổng kết hoạt động công đoàn cơ sở năm 2024 tại Đà Nẵng.",
        issuer_unit_id="u-danang",
        issuer_name="Liên đoàn Lao động thành phố Đà Nẵng",
        issuer_path_ids=["u-danang", "u-tld"],
        party_unit_ids=["u-danang", "u-dn-school"],
        status="recalled",
        issued_at=utc(2024, 12, 31, 17, 30),  # 1 January 2025 in Vietnam
    ),
    make_document(
        "tb-school",
        number_symbol="03/TB-CĐCS",
        doc_type="Thông báo",
        subject="Thông báo của Công đoàn cơ sở trường học",
        body_text="Công đoàn cơ sở trường học Đà Nẵng thông báo lịch họp công đoàn.",
        issuer_unit_id="u-dn-school",
        issuer_name="Công đoàn cơ sở trường học",
        issuer_path_ids=["u-dn-school", "u-danang", "u-tld"],
        party_unit_ids=["u-dn-school", "u-danang"],
        scope_unit_ids=["u-tld", "u-danang"],
        signer_name="Trần Thị Bình",
        issued_at=utc(2024, 6, 1, 2),
    ),
]

QUERIES: list[tuple[str, SearchScope]] = [
    (query, EVERYWHERE)
    for query in (
        "công đoàn",
        "cong doan",
        "CÔNG ĐOÀN",
        "đà nẵng",
        "da nang",
        "công",
        "cổng",
        "cong",
        "chuyển đổi số",
        "chuyen doi so",
        "bảo hiểm xã hội",
        "bao hiem",
        "tiền lương tối thiểu",
        "luong",
        "125/KH-CĐ",
        "kh cd",
        "tb lđlđ",
        "tran thi binh",
        "hội nghị",
        "to chuc",
        "lao động",
        "an toàn lao động",
        "công nhân lao động Đà Nẵng",
        '"nghỉ Tết"',
        "Tết",
        "2025",
        "không có gì",
        "(công đoàn) AND",
    )
] + [
    ("công đoàn", SearchScope(unit_ids=["u-hanoi"])),
    ("da nang", SearchScope(unit_ids=["u-danang"])),
    ("lao dong", SearchScope(unit_ids=["u-hcm"])),
    ("cong doan", SearchScope(unit_ids=[], subtree_root_ids=["u-danang"])),
    ("lao dong", SearchScope(unit_ids=[], subtree_root_ids=["u-tld"])),
    ("lao dong", SearchScope(unit_ids=["u-tld"])),
    ("cong doan", SearchScope(unit_ids=[])),
]


@pytest.fixture(scope="module")
def engines(
    elasticsearch_server: ElasticsearchServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    tantivy = TantivySearchIndex(tmp_path_factory.mktemp("agree") / "tantivy")
    elastic = ElasticsearchSearchIndex(elasticsearch_server.url, f"agree-{uuid.uuid4().hex[:8]}")
    for engine in (tantivy, elastic):
        engine.upsert(CORPUS)
    yield tantivy, elastic
    tantivy.close()
    elastic.drop()
    elastic.close()


def _describe(scope: SearchScope) -> str:
    return "everything" if scope.everything else f"{scope.unit_ids}/{scope.subtree_root_ids}"


@pytest.mark.parametrize(
    ("query", "scope"), QUERIES, ids=[f"{q}@{_describe(s)}" for q, s in QUERIES]
)
def test_same_documents_in_the_same_order(
    engines: tuple[SearchIndex, SearchIndex], query: str, scope: SearchScope
) -> None:
    tantivy, elastic = engines
    expected = tantivy.search(query, scope)
    found = elastic.search(query, scope)
    assert [hit.document_id for hit in found] == [hit.document_id for hit in expected]
    assert [hit.snippet for hit in found] == [hit.snippet for hit in expected]


def test_the_query_set_is_not_trivial(engines: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy, _ = engines
    counts = [len(tantivy.search(query, scope)) for query, scope in QUERIES]
    assert sum(1 for count in counts if count >= 3) >= 8
    assert 0 in counts


def _filters(**values: object) -> SearchFilters:
    return SearchFilters(**values)  # type: ignore[arg-type]


FIND_CASES: list[tuple[str, SearchQuery, SearchScope]] = [
    ("words", SearchQuery("cong doan", limit=50), EVERYWHERE),
    ("page-1", SearchQuery("cong doan", limit=3), EVERYWHERE),
    ("page-2", SearchQuery("cong doan", offset=3, limit=3), EVERYWHERE),
    ("page-4", SearchQuery("cong doan", offset=9, limit=3), EVERYWHERE),
    ("beyond", SearchQuery("cong doan", offset=40, limit=10), EVERYWHERE),
    ("newest", SearchQuery("công đoàn", sort=Sort.NEWEST, limit=5), EVERYWHERE),
    ("oldest", SearchQuery("cong doan", sort=Sort.OLDEST, offset=2, limit=5), EVERYWHERE),
    ("prefix", SearchQuery("cong*"), EVERYWHERE),
    ("prefix-exact", SearchQuery("cổng*"), EVERYWHERE),
    ("prefix-words", SearchQuery("bao h*"), EVERYWHERE),
    ("phrase", SearchQuery('"cong doan co so"'), EVERYWHERE),
    ("phrase-words", SearchQuery('"công đoàn cơ sở" đà nẵng'), EVERYWHERE),
    ("blank", SearchQuery("", limit=50), EVERYWHERE),
    ("blank-page", SearchQuery("", offset=4, limit=4, sort=Sort.OLDEST), EVERYWHERE),
    ("type", SearchQuery("", _filters(doc_types=("Thông báo", "Công văn"))), EVERYWHERE),
    ("type-words", SearchQuery("cong", _filters(doc_types=("Thông báo",))), EVERYWHERE),
    ("status", SearchQuery("", _filters(statuses=("recalled",))), EVERYWHERE),
    ("issuer", SearchQuery("", _filters(issuer_unit_id="u-danang")), EVERYWHERE),
    (
        "issuer-subtree",
        SearchQuery("", _filters(issuer_unit_id="u-danang", issuer_subtree=True)),
        EVERYWHERE,
    ),
    (
        "dates",
        SearchQuery("", _filters(issued_from=date(2025, 1, 1), issued_to=date(2025, 2, 14))),
        EVERYWHERE,
    ),
    ("year-2024", SearchQuery("", _filters(issued_to=date(2024, 12, 31))), EVERYWHERE),
    ("number", SearchQuery("", _filters(number_symbol="125/kh-cd")), EVERYWHERE),
    ("signer", SearchQuery("cong doan", _filters(signer="tran thi binh")), EVERYWHERE),
    ("scope-own", SearchQuery("cong doan"), SearchScope(unit_ids=["u-hanoi"])),
    ("scope-school", SearchQuery(""), SearchScope(unit_ids=["u-dn-school"])),
    ("scope-subtree", SearchQuery("", limit=50), SearchScope([], subtree_root_ids=["u-danang"])),
    ("scope-none", SearchQuery("cong doan"), SearchScope(unit_ids=[])),
]


@pytest.mark.parametrize(
    ("query", "scope"), [(q, s) for _, q, s in FIND_CASES], ids=[n for n, _, _ in FIND_CASES]
)
def test_same_pages_totals_and_facets(
    engines: tuple[SearchIndex, SearchIndex], query: SearchQuery, scope: SearchScope
) -> None:
    tantivy, elastic = engines
    expected, found = tantivy.find(query, scope), elastic.find(query, scope)
    assert [hit.document_id for hit in found.hits] == [hit.document_id for hit in expected.hits]
    assert found.total == expected.total
    assert found.facets == expected.facets
    assert [(h.snippet, h.highlights) for h in found.hits] == [
        (h.snippet, h.highlights) for h in expected.hits
    ]
    scanned = [hit.document_id for hit in elastic.scan(query, scope)]
    assert scanned == [hit.document_id for hit in tantivy.scan(query, scope)]
    assert len(scanned) == expected.total


def test_the_find_cases_are_not_trivial(engines: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy, _ = engines
    results = {name: tantivy.find(query, scope) for name, query, scope in FIND_CASES}
    assert sum(1 for r in results.values() if r.total >= 3) >= 10
    assert results["words"].total > 9 and len(results["page-4"].hits) >= 1
    assert results["scope-none"].total == 0 and results["beyond"].hits == []
    assert sum(1 for r in results.values() if len(r.facets["issuer_unit_id"]) >= 2) >= 5
