"""The projection indexes the text recorded with the draft (a blob beside the PDF) and parses
the issued PDF only for documents drafted before that blob existed; a catch-up writes each
batch of documents in one commit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.outgoing import OutgoingDocument
from search import projection as projection_module
from search.normalize import fold
from search.port import IndexedDocument, SearchScope
from search.projection import SearchProjection, body_text
from search.query import SearchQuery
from search.tantivy_index import TantivySearchIndex
from search.terms import terms
from search.text import extract_pdf_text
from signing.template import DocumentLayout, layout_text, render_document
from tests.documents.builders import actor, office, with_tree

EVERYWHERE = SearchScope(unit_ids=[], everything=True)
LAYOUT = DocumentLayout(
    parent_name="TỔNG LĐLĐ VIỆT NAM",
    issuer_name="LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
    symbol="KH-LĐLĐ",
    place="Bến Tre",
    type_title="KẾ HOẠCH",
    subject="Tổ chức Tháng Công nhân năm 2025",
    body="I. MỤC ĐÍCH\n\nĐẩy mạnh chuyển đổi số trong hoạt động công đoàn.\n\nII. NỘI DUNG",
    signer_authority="TM. BAN CHẤP HÀNH",
    signer_title="CHỦ TỊCH",
    signer_name="Nguyễn Văn An",
    recipients=["Như trên;", "Lưu: VT."],
)


def issued(
    app: OfficeApplication,
    ids: dict[str, UUID],
    pdf: bytes,
    text: str,
    urgency: str = "thuong",
) -> UUID:
    document_id = app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch chuyển đổi số",
        urgency=urgency,
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"]],
        body_pdf=pdf,
        body_source="typed",
        body_text=text,
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, pdf + b" s", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: pdf + f" {s}".encode())
    return document_id


class CountingIndex(TantivySearchIndex):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.upserts: list[int] = []

    def upsert(self, documents: Sequence[IndexedDocument]) -> None:
        self.upserts.append(len(documents))
        super().upsert(documents)


def no_pdf_parsing(pdf: bytes) -> str:
    raise AssertionError("the projection parsed a PDF whose text it had")


def test_the_recorded_text_is_indexed_without_parsing_the_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    documents = [
        str(issued(app, ids, f"%PDF-1.7 {n}".encode(), f"Văn bản số {n}: Mái ấm Công đoàn"))
        for n in range(5)
    ]
    app.refresh_views()
    monkeypatch.setattr(projection_module, "extract_pdf_text", no_pdf_parsing)
    index = CountingIndex(tmp_path / "index")
    with index:
        SearchProjection(index).catch_up(app)
        assert index.upserts == [5]  # one commit for the catch-up's batch
        hits = index.find(SearchQuery(text="mai am"), EVERYWHERE).hits
        assert sorted(hit.document_id for hit in hits) == sorted(documents)
        assert "Mái ấm Công đoàn" in hits[0].snippet


def test_a_document_drafted_before_text_blobs_gets_its_text_from_the_issued_pdf(
    tmp_path: Path,
) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    pdf = render_document(LAYOUT)
    document = app.document(issued(app, ids, pdf, "not what the PDF says"))
    document.text_sha256 = None  # as replayed from a `Drafted` event without it
    assert "chuyển đổi số" in body_text(app, document)
    assert "not what the PDF says" not in body_text(app, document)


def test_a_drafted_event_recorded_before_the_text_blob_still_replays(tmp_path: Path) -> None:
    app = office(tmp_path)
    person = UUID(int=1)
    document = OutgoingDocument(
        issuer_unit_id=UUID(int=2),
        doc_type="ke_hoach",
        subject="Kế hoạch",
        urgency="thuong",
        recipient_unit_ids=[UUID(int=3)],
        drafted_by=person,
        body_sha256="ab" * 32,
        body_size=1,
        body_source="upload",
        signer_authority=None,
        signer_id=person,
    )
    drafted: Any = document.pending_events[0]
    del drafted.__dict__["text_sha256"]  # the event as recorded by older code
    app.save(document)
    assert app.document(document.id).text_sha256 is None


def test_the_layout_text_holds_the_words_a_pdf_extractor_reads() -> None:
    extracted = set(terms(fold(extract_pdf_text(render_document(LAYOUT)))))
    known = set(terms(fold(layout_text(LAYOUT))))
    assert extracted == known


def test_filing_a_document_makes_its_folder_searchable(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    document_id = issued(app, ids, b"%PDF-1.7 filed", "Kế hoạch tổ chức Tháng Công nhân")
    clerk = actor(app, "prov-a.clerk")
    folder_id = app.open_folder(clerk, 2025, "HS.07", "Hồ sơ phòng chống thiên tai", 10)
    app.refresh_views()
    with TantivySearchIndex(tmp_path / "index") as index:
        projection = SearchProjection(index)
        projection.catch_up(app)
        assert index.find(SearchQuery(text="thien tai"), EVERYWHERE).hits == []
        app.file_document(clerk, document_id, folder_id)
        projection.catch_up(app)  # the Filed event indexes the document again
        [hit] = index.find(SearchQuery(text="thien tai HS.07"), EVERYWHERE).hits
        assert hit.document_id == str(document_id)


def test_urgency_is_searchable_but_not_the_normal_one(tmp_path: Path) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    flash = issued(app, ids, b"%PDF-1.7 flash", "Ứng phó bão số 3", urgency="hoa_toc")
    issued(app, ids, b"%PDF-1.7 normal", "Ứng phó bão số 3 (thường lệ)")
    app.refresh_views()
    with TantivySearchIndex(tmp_path / "index") as index:
        SearchProjection(index).catch_up(app)
        [hit] = index.find(SearchQuery(text="bao so 3 hoa toc"), EVERYWHERE).hits
        assert hit.document_id == str(flash)
        assert len(index.find(SearchQuery(text="thuong"), EVERYWHERE).hits) == 1  # its body
