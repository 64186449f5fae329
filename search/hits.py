"""What both adapters share around an engine's answer: the stored source of a document, the
hit built from it (snippet and highlights), the order of hits and of facet values.

Building these in one place is what makes tantivy and Elasticsearch return identical hits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from search.normalize import fold
from search.port import FacetValue, IndexedDocument, SearchHit
from search.query import FACET_NAMES, ParsedText, SearchFilters, Sort, local_year
from search.text import highlights, snippet

__all__ = [
    "FACET_SIZE",
    "ISSUER_BUCKETS",
    "ISSUER_FACET_SIZE",
    "bounded_facets",
    "facet_buckets",
    "selected_issuer",
    "document_from_source",
    "empty_facets",
    "effective_sort",
    "facet_values",
    "hit_from_source",
    "keyword_values",
    "meta_text",
    "sort_seconds",
    "source_of",
]

SNIPPET_WIDTH = 200
FACET_SIZE = 1_000
"""At most this many types or years are counted (there are a dozen of each)."""
ISSUER_FACET_SIZE = 20
"""Issuers listed in the issuer facet: the first by count (then by id); a national scope has
thousands, and counting them all was the costliest facet."""
ISSUER_BUCKETS = 100
"""Issuer buckets asked of an engine, more than are listed: equal counts around the last
listed one are then ordered by id here. Elasticsearch orders equal counts by id itself;
tantivy, whose cut among equal counts follows no order, asks again for every issuer tied with
the 20th when its cut falls among them (`search.tantivy_facets`)."""


def source_of(document: IndexedDocument) -> dict[str, Any]:
    """Every field of the document, as JSON: enough to list a hit and to rebuild the record."""
    return {
        "document_id": document.document_id,
        "number_symbol": document.number_symbol,
        "doc_type": document.doc_type,
        "subject": document.subject,
        "body_text": document.body_text,
        "issuer_unit_id": document.issuer_unit_id,
        "issuer_name": document.issuer_name,
        "signer_name": document.signer_name,
        "status": document.status,
        "urgency": document.urgency,
        "issued_at": document.issued_at.isoformat(),
        "party_unit_ids": list(document.party_unit_ids),
        "scope_unit_ids": list(document.scope_unit_ids),
        "issuer_path_ids": list(document.issuer_path_ids),
        "urgency_label": document.urgency_label,
        "folder": document.folder,
    }


def meta_text(document: IndexedDocument) -> str:
    """The searchable fields besides subject and body: number and symbol, type, issuer,
    signer, urgency ("Hỏa tốc") and file folder."""
    parts = (
        document.number_symbol,
        document.doc_type,
        document.issuer_name,
        document.signer_name,
        document.urgency_label,
        document.folder,
    )
    return " ".join(part for part in parts if part)


def document_from_source(source: Mapping[str, Any]) -> IndexedDocument:
    return IndexedDocument(**{**source, "issued_at": datetime.fromisoformat(source["issued_at"])})


def keyword_values(document: IndexedDocument) -> dict[str, list[str]]:
    """The exact-match (keyword) fields of a document: scope, filters and facets."""
    issuer_path = document.issuer_path_ids or [document.issuer_unit_id]
    return {
        "document_id": [document.document_id],
        "issuer_unit_id": [document.issuer_unit_id],
        "doc_type": [document.doc_type],
        "status": [document.status],
        "urgency": [document.urgency],
        "year": [local_year(document.issued_at)],
        "number_key": [fold(document.number_symbol).strip()],
        "signer_key": [" ".join(fold(document.signer_name).split())],
        "party_unit_ids": list(dict.fromkeys(document.party_unit_ids)),
        "scope_unit_ids": list(dict.fromkeys(document.scope_unit_ids)),
        "issuer_path_ids": list(dict.fromkeys(issuer_path)),
    }


def hit_from_source(
    source: Mapping[str, Any], score: float, parsed: ParsedText, with_snippet: bool = True
) -> SearchHit:
    """The listing fields of a hit; its snippet and highlights unless `with_snippet` is off
    (exports, which need no snippet, skip the cost of finding one in a long body)."""
    words, prefixes = parsed.highlight_words()
    subject, body = source["subject"], source["body_text"]
    text = snippet(body, subject, words, prefixes, SNIPPET_WIDTH) if with_snippet else ""
    return SearchHit(
        document_id=source["document_id"],
        number_symbol=source["number_symbol"],
        subject=subject,
        issuer_name=source["issuer_name"],
        doc_type=source["doc_type"],
        issued_at=datetime.fromisoformat(source["issued_at"]),
        score=score,
        snippet=text,
        highlights=highlights(text, words, prefixes),
        status=source.get("status", ""),
        signer_name=source.get("signer_name", ""),
        issuer_unit_id=source.get("issuer_unit_id", ""),
        urgency=source.get("urgency", ""),
        folder=source.get("folder", ""),
    )


def sort_seconds(moment: datetime) -> int:
    """Dates order hits to the second, in both engines (tantivy keeps no finer precision)."""
    return int(moment.timestamp() // 1)


def effective_sort(parsed: ParsedText, sort: Sort) -> Sort:
    """Without words there is no relevance: newest first."""
    return Sort.NEWEST if parsed.blank and sort is Sort.RELEVANCE else sort


def facet_buckets(name: str) -> int:
    """How many buckets of facet `name` to ask an engine for."""
    return ISSUER_BUCKETS if name == "issuer_unit_id" else FACET_SIZE


def selected_issuer(filters: SearchFilters) -> str | None:
    """The issuer of an "issuer or below" filter: always listed in the issuer facet, so its
    count is asked for apart (without `issuer_subtree` it is the only issuer of the hits)."""
    return filters.issuer_unit_id if filters.issuer_unit_id and filters.issuer_subtree else None


def bounded_facets(
    buckets: Mapping[str, Mapping[str, int]], selected: FacetValue | None
) -> tuple[dict[str, list[FacetValue]], int]:
    """The facets of a result from an engine's buckets (every type and year, the first
    `ISSUER_FACET_SIZE` issuers and `selected`, the selected issuer and its count, when it
    has hits and is not among them) and the hits of the issuers not listed. Each document
    has one year, so the year counts add up to the hits: no other count is needed."""
    facets = {name: facet_values(buckets[name]) for name in FACET_NAMES}
    issuers = facets["issuer_unit_id"][:ISSUER_FACET_SIZE]
    if selected is not None and selected.count and all(v.value != selected.value for v in issuers):
        issuers.append(selected)
    facets["issuer_unit_id"] = issuers
    hits = sum(value.count for value in facets["year"])
    return facets, max(hits - sum(value.count for value in issuers), 0)


def facet_values(buckets: Mapping[str, int]) -> list[FacetValue]:
    ordered = sorted(buckets.items(), key=lambda item: (-item[1], item[0]))
    return [FacetValue(value, count) for value, count in ordered[:FACET_SIZE] if count > 0]


def empty_facets() -> dict[str, list[FacetValue]]:
    return {name: [] for name in FACET_NAMES}
