"""A reorganisation re-indexes the documents below the unit it moves, on both engines: the
auditors' scope and the "issuer or below" filter follow the new tree without a rebuild."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import SearchIndex, SearchScope
from search.projection import SearchProjection
from search.query import SearchFilters, SearchQuery
from search.tantivy_index import TantivySearchIndex
from tests.documents.builders import actor, office, with_tree
from tests.servers.elasticsearch import ElasticsearchServer


@pytest.fixture(params=["tantivy", "elasticsearch"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "tantivy":
        with TantivySearchIndex(tmp_path / "index") as tantivy_index:
            yield tantivy_index
        return
    server: ElasticsearchServer = request.getfixturevalue("elasticsearch_server")
    es = ElasticsearchSearchIndex(server.url, f"reorg-{uuid.uuid4().hex[:8]}")
    try:
        yield es
    finally:
        es.drop()
        es.close()


def issue_plan(app: OfficeApplication, ids: dict[str, UUID], issuer: str, to: list[str]) -> UUID:
    document_id = app.draft_document(
        actor(app, f"{issuer}.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch chuyển đổi số",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids[u] for u in to],
        body_pdf=b"%PDF-1.7 x",
        body_source="upload",
        body_text="",
        signer_id=actor(app, f"{issuer}.leader").account_id,
    )
    app.submit(actor(app, f"{issuer}.drafter"), document_id)
    app.record_signature(actor(app, f"{issuer}.leader"), document_id, b"%PDF s", "ab", "B-B")
    app.request_issue(actor(app, f"{issuer}.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: f"%PDF {s}".encode())
    app.deliver(document_id, [ids[u] for u in to])
    return document_id


def auditor_sees(index: SearchIndex, unit: UUID) -> set[str]:
    scope = SearchScope(unit_ids=[str(unit)], subtree_root_ids=[str(unit)])
    return {hit.document_id for hit in index.scan(SearchQuery(), scope)}


def issued_below(index: SearchIndex, unit: UUID) -> set[str]:
    filters = SearchFilters(issuer_unit_id=str(unit), issuer_subtree=True)
    everything = SearchScope(unit_ids=[], everything=True)
    return {hit.document_id for hit in index.scan(SearchQuery(filters=filters), everything)}


def caught_up(app: OfficeApplication, projection: SearchProjection) -> None:
    app.refresh_views()  # the unit tree first, as the web process does
    projection.catch_up(app)


def test_a_moved_unit_takes_its_documents_to_the_new_subtree(
    tmp_path: Path, index: SearchIndex
) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    projection = SearchProjection(index)
    below = str(issue_plan(app, ids, "base-a1", ["upper-a1"]))
    elsewhere = str(issue_plan(app, ids, "upper-a2", ["prov-a"]))
    caught_up(app, projection)
    assert auditor_sees(index, ids["prov-a"]) == {below, elsewhere}
    assert auditor_sees(index, ids["prov-b"]) == set()

    app.move_unit(actor(app, "root.admin"), ids["upper-a1"], ids["prov-b"])
    caught_up(app, projection)

    assert auditor_sees(index, ids["prov-b"]) == {below}
    assert auditor_sees(index, ids["prov-a"]) == {elsewhere}
    assert issued_below(index, ids["prov-b"]) == {below}
    assert issued_below(index, ids["prov-a"]) == {elsewhere}


def test_a_merge_moves_the_children_documents_under_the_unit_merged_into(
    tmp_path: Path, index: SearchIndex
) -> None:
    app = office(tmp_path)
    ids = with_tree(app)
    projection = SearchProjection(index)
    child = str(issue_plan(app, ids, "base-a1", ["upper-a1"]))
    caught_up(app, projection)
    assert auditor_sees(index, ids["upper-a2"]) == set()

    app.merge_units(actor(app, "prov-a.admin"), ids["upper-a1"], ids["upper-a2"])
    caught_up(app, projection)

    assert child in auditor_sees(index, ids["upper-a2"])
    assert issued_below(index, ids["upper-a2"]) == {child}
    assert issued_below(index, ids["upper-a1"]) == set()
