"""tantivy and Elasticsearch return the same documents, in the same order, for a shared query set.

One corpus is indexed into both engines; every query (with and without diacritics, phrases,
numbers, scopes) must give the same ids in the same order and the same snippets.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import IndexedDocument, SearchIndex, SearchScope
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
