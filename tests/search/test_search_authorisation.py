"""Authorisation at query time, on both engines: for every role in every unit relation (own,
parent, child, sibling, unrelated, an auditor's subtree) the hits, the total and every facet
count are exactly the documents `documents.policy` lets that person view — no more.

The tree: TLĐ (national) above LĐLĐ Bến Tre and LĐLĐ Thanh Hóa (siblings); Bến Tre above two
grassroots unions, Thành phố and KCN (siblings of each other). Two units of Thanh Hóa merged
since: "cũ" into "cơ sở", which merged in turn into Bến Tre's Thành phố, whose people so hold
both units' documents ("merged into my unit").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid5

import pytest

from api.search_params import search_scope
from documents.accounts import Role
from documents.policy import Action, Actor, DocumentParties, is_allowed
from documents.units import UnitInfo, UnitTree
from search.elasticsearch_index import ElasticsearchSearchIndex
from search.port import IndexedDocument, SearchIndex
from search.query import SearchQuery
from search.tantivy_index import TantivySearchIndex
from tests.search.builders import make_document, utc
from tests.servers.elasticsearch import ElasticsearchServer


def unit(code: str) -> UUID:
    return uuid5(uuid.NAMESPACE_URL, f"/test-units/{code}")


PARENTS = {
    "tld": None,
    "bentre": "tld",
    "thanhhoa": "tld",
    "bentre-tp": "bentre",
    "bentre-kcn": "bentre",
}
MERGED = {"thanhhoa-cs": "bentre-tp", "thanhhoa-cu": "thanhhoa-cs"}  # unit: merged into


def unit_info(code: str, parent: str | None, merged_into: str | None = None) -> UnitInfo:
    return UnitInfo(
        id=unit(code),
        code=code,
        name=f"Đơn vị {code}",
        short_name=code,
        abbreviation=code.upper(),
        level="province",
        parent_id=unit(parent) if parent else None,
        place="",
        status="merged" if merged_into else "active",
        merged_into=unit(merged_into) if merged_into else None,
    )


TREE = UnitTree(
    [
        *(unit_info(code, parent) for code, parent in PARENTS.items()),
        *(  # a merged unit keeps its place
            unit_info(code, "thanhhoa", merged_into=into) for code, into in MERGED.items()
        ),
    ]
)
# (id, issuer, recipients): every relation between a reader and a document's parties occurs.
DOCUMENTS = [
    ("bentre-to-tp", "bentre", ["bentre-tp"]),
    ("tp-to-kcn", "bentre-tp", ["bentre-kcn"]),
    ("kcn-to-bentre", "bentre-kcn", ["bentre"]),
    ("tld-to-bentre", "tld", ["bentre"]),
    ("tld-to-thanhhoa", "tld", ["thanhhoa"]),
    ("thanhhoa-to-tld", "thanhhoa", ["tld"]),
    ("tp-internal", "bentre-tp", []),
    ("cs-to-thanhhoa", "thanhhoa-cs", ["thanhhoa"]),
    ("tld-to-cu", "tld", ["thanhhoa-cu"]),
]
ROLES = [Role.CLERK, Role.DRAFTER, Role.LEADER, Role.AUDITOR, Role.ADMIN]


def indexed(document_id: str, issuer: str, recipients: list[str], n: int) -> IndexedDocument:
    parties = [unit(issuer), *(unit(r) for r in recipients)]
    scope = {ancestor for party in parties for ancestor in TREE.ancestors(party)}
    return make_document(
        document_id,
        doc_type=["Kế hoạch", "Thông báo", "Công văn"][n % 3],
        subject=f"Công đoàn {document_id}",
        body_text="Công đoàn cơ sở báo cáo tình hình công nhân lao động.",
        issuer_unit_id=str(unit(issuer)),
        issuer_path_ids=[str(unit(issuer)), *map(str, TREE.ancestors(unit(issuer)))],
        party_unit_ids=[str(p) for p in parties],
        scope_unit_ids=sorted(str(s) for s in scope),
        issued_at=utc(2024 + n % 2, 1, 1 + n),
    )


@pytest.fixture(scope="module", params=["tantivy", "elasticsearch"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchIndex]:
    index: SearchIndex
    if request.param == "tantivy":
        index = TantivySearchIndex(Path(tmp_path_factory.mktemp("authz")) / "index")
    else:
        server: ElasticsearchServer = request.getfixturevalue("elasticsearch_server")
        index = ElasticsearchSearchIndex(server.url, f"authz-{uuid.uuid4().hex[:8]}")
    index.upsert([indexed(d, i, r, n) for n, (d, i, r) in enumerate(DOCUMENTS)])
    yield index
    for cleanup in ("drop", "close"):
        method = getattr(index, cleanup, None)
        if method is not None:
            method()


def actor(unit_code: str, role: Role) -> Actor:
    return Actor(
        account_id=uuid.uuid4(),
        username=f"{unit_code}.{role}",
        full_name="Người dùng",
        unit_id=unit(unit_code),
        roles=frozenset({role.value}),
    )


def allowed(reader: Actor) -> set[str]:
    return {
        document_id
        for document_id, issuer, recipients in DOCUMENTS
        if is_allowed(
            reader,
            Action.VIEW,
            DocumentParties(unit(issuer), [unit(r) for r in recipients]),
            TREE,
        )
    }


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("unit_code", sorted([*PARENTS, *MERGED]))
@pytest.mark.parametrize("text", ["", "cong doan", "công đoàn cơ sở"])
def test_hits_totals_and_facets_stay_within_what_the_policy_lets_one_view(
    engine: SearchIndex, unit_code: str, role: Role, text: str
) -> None:
    reader = actor(unit_code, role)
    result = engine.find(SearchQuery(text, limit=50), search_scope(reader, TREE))
    expected = allowed(reader)
    assert {hit.document_id for hit in result.hits} == expected
    assert result.total == len(expected)
    for name, values in result.facets.items():
        assert sum(value.count for value in values) == len(expected), name
    visible_issuers = {hit.issuer_unit_id for hit in result.hits}
    assert {value.value for value in result.facets["issuer_unit_id"]} == visible_issuers
    scanned = {
        hit.document_id for hit in engine.scan(SearchQuery(text), search_scope(reader, TREE))
    }
    assert scanned == expected


def test_the_relations_are_all_exercised() -> None:
    """Own unit, parent, child, sibling and unrelated readers each see a different set."""
    seen = {
        ("bentre-tp", Role.CLERK): {  # own and the units' merged into it
            "bentre-to-tp",
            "tp-to-kcn",
            "tp-internal",
            "cs-to-thanhhoa",
            "tld-to-cu",
        },
        ("thanhhoa-cs", Role.CLERK): {"cs-to-thanhhoa", "tld-to-cu"},  # and its own merged unit's
        ("thanhhoa-cu", Role.LEADER): {"tld-to-cu"},  # its own, never its heirs'
        ("thanhhoa", Role.AUDITOR): {  # above the merged units, where they were
            "tld-to-thanhhoa",
            "thanhhoa-to-tld",
            "cs-to-thanhhoa",
            "tld-to-cu",
        },
        ("bentre-kcn", Role.LEADER): {"tp-to-kcn", "kcn-to-bentre"},  # sibling's doc to it
        ("bentre", Role.CLERK): {"bentre-to-tp", "kcn-to-bentre", "tld-to-bentre"},  # not child's
        ("bentre", Role.AUDITOR): {  # its own and its subtree's, not its parent's to others
            "bentre-to-tp",
            "tp-to-kcn",
            "kcn-to-bentre",
            "tld-to-bentre",
            "tp-internal",
        },
        ("tld", Role.AUDITOR): {d for d, _, _ in DOCUMENTS},  # the whole union
        ("tld", Role.CLERK): {"tld-to-bentre", "tld-to-thanhhoa", "thanhhoa-to-tld", "tld-to-cu"},
    }
    for (unit_code, role), documents in seen.items():
        assert allowed(actor(unit_code, role)) == documents, (unit_code, role)
