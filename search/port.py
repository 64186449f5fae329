"""The search index port: what the projection writes, what readers ask, what they get back.

Adapters (`search.tantivy_index.TantivySearchIndex`, an Elasticsearch one) implement
`SearchIndex`; the projection turns document events into `IndexedDocument`s, and readers pass
a `SearchScope` computed from the user's units so that an index never leaks a document, a
facet count or a highlight outside the reader's organisational scope. `find` takes a
`search.query.SearchQuery` (text, filters, sort, page) and returns a `SearchResult` (the
page of hits, the total, the facet counts); `scan` yields every hit, for exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from search.query import SearchQuery

__all__ = [
    "FacetValue",
    "IndexedDocument",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "SearchScope",
    "SearchUnavailableError",
]


class SearchUnavailableError(RuntimeError):
    """The index cannot answer now: its server is unreachable, overloaded or failing. Nothing
    is lost: documents stay in the event store, and the projection indexes what it missed once
    the index answers again. The same shape as ``documents.errors.UnavailableError`` (``code``,
    the messages), which search does not import: the web app answers both alike."""

    code = "search_unavailable"
    message_vi = (
        "Chức năng tra cứu tạm thời không hoạt động: máy chủ tìm kiếm không trả lời. Các chức "
        "năng khác vẫn dùng bình thường; văn bản mới sẽ tìm thấy được khi máy chủ hoạt động lại."
    )
    message_en = (
        "Search is unavailable for now: the search server does not answer. Everything else "
        "works as usual; new documents become searchable once it is back."
    )


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True)
class IndexedDocument:
    """One document (văn bản) as the search index sees it: searchable text and scope keys."""

    document_id: str
    number_symbol: str
    """Số, ký hiệu, e.g. "12/KH-CĐ"; searchable with or without diacritics."""
    doc_type: str
    subject: str
    """Trích yếu: ranks above the body."""
    body_text: str
    """Text extracted from the PDF (see `search.text.extract_pdf_text`)."""
    issuer_unit_id: str
    issuer_name: str
    signer_name: str
    status: str
    urgency: str
    issued_at: datetime
    """Timezone-aware; adapters may hand it back in UTC."""
    party_unit_ids: list[str]
    """The issuing unit and every recipient unit."""
    scope_unit_ids: list[str]
    """Every ancestor unit of the parties, for auditors scoped to a subtree."""
    issuer_path_ids: list[str] = field(default_factory=list)
    """The issuer and every unit above it, for the "issuer or below" filter."""
    urgency_label: str = ""
    """The urgency as a reader types it ("Hỏa tốc"); empty for a normal one: "thường" would
    match every other document. Searchable like the number and the signer (`hits.meta_text`)."""
    folder: str = ""
    """The file folder (hồ sơ) the issuing unit filed it in, as "code title"; empty until
    filed. Searchable like the urgency."""

    def __post_init__(self) -> None:
        _require_aware(self.issued_at, "issued_at")


@dataclass(frozen=True)
class SearchScope:
    """Which documents a reader may see; an empty scope sees nothing.

    A document is visible when its `party_unit_ids` meet `unit_ids`, or when its
    `party_unit_ids` or `scope_unit_ids` meet `subtree_root_ids`, or when `everything` is set.
    """

    unit_ids: list[str]
    """The reader's own units: documents they issued or received."""
    subtree_root_ids: list[str] = field(default_factory=list)
    """Roots of the subtrees an auditor (kiểm tra) may read in full."""
    everything: bool = False
    """Only for system and administrator use (rebuilds, checks)."""


@dataclass(frozen=True)
class SearchHit:
    """One result, ready to list: fields in original diacritics and a short excerpt."""

    document_id: str
    number_symbol: str
    subject: str
    issuer_name: str
    doc_type: str
    issued_at: datetime
    score: float
    snippet: str
    """About 200 characters of the body (or subject) around the best passage: the one with
    the most distinct query words, past the letterhead."""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    """`[start, end)` offsets into `snippet` of each matched word, diacritics as written."""
    status: str = ""
    signer_name: str = ""
    issuer_unit_id: str = ""
    urgency: str = ""
    folder: str = ""
    """The file folder's "code title"; empty if not filed."""


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    """Every hit in scope that matches, not only this page; at most the index's total limit
    (`search.query.TOTAL_LIMIT`), see `total_is_lower_bound`."""
    facets: dict[str, list[FacetValue]]
    """For each name of `search.query.FACET_NAMES`: values by count (descending), then by
    value; counted over every hit in scope that matches, never beyond the scope. Every type
    and year; the issuers are the first `search.hits.ISSUER_FACET_SIZE` by count, then the
    selected issuer of an "issuer or below" filter if it is not among them."""
    total_is_lower_bound: bool = False
    """More hits match than `total` says ("more than 10,000")."""
    other_issuers_hits: int = 0
    """Hits in scope whose issuer is not listed in the issuer facet (the "more issuers" hint)."""


class SearchIndex(Protocol):
    """A full-text index of documents, folded for Vietnamese, filtered by scope."""

    def upsert(self, documents: Sequence[IndexedDocument]) -> None:
        """Add or replace documents by `document_id`; visible to searches once it returns."""
        ...

    def delete(self, document_id: str) -> None:
        """Remove a document; removing an unknown id is not an error."""
        ...

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        """Best hits first, only within `scope`; any user text is accepted (never a syntax
        error) and a blank query returns no hits."""
        ...

    def find(self, query: SearchQuery, scope: SearchScope) -> SearchResult:
        """One page of hits in `query.sort` order (ties: newest, then by id), the total and
        the facets, only within `scope`. Blank text matches every document the filters admit.
        """
        ...

    def scan(self, query: SearchQuery, scope: SearchScope) -> Iterator[SearchHit]:
        """Every hit of `query` within `scope`, in its order, ignoring its page."""
        ...

    def count(self) -> int:
        """How many documents the index holds, whatever their scope."""
        ...

    def recorded_position(self) -> int:
        """How far into the event store the projection filling this index has got (the id of
        the last notification it indexed); 0 for an index that holds nothing yet. Kept with
        the index itself, so that a new, emptied or replaced index is filled again from the
        first event, whichever host or data directory the projection runs from."""
        ...

    def record_position(self, position: int) -> None:
        """Record `position` (see `recorded_position`) once what it covers is upserted."""
        ...
