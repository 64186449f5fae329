"""Search: a read model of documents, fed by events, for full-text search within a scope.

Vietnamese text is folded in Python (`search.normalize`) before any engine sees it, so the
tantivy adapter (`search.tantivy_index`) and the Elasticsearch adapter index the same terms.
The port (`search.port`, with queries in `search.query`) is what the rest of the system uses;
adapters are imported from their own modules so that a process loads only the engine it runs.
"""

from __future__ import annotations

from search.normalize import fold, has_diacritics, normalize
from search.port import (
    FacetValue,
    IndexedDocument,
    SearchHit,
    SearchIndex,
    SearchResult,
    SearchScope,
)
from search.query import SearchFilters, SearchQuery, Sort

__all__ = [
    "FacetValue",
    "IndexedDocument",
    "SearchFilters",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "SearchScope",
    "Sort",
    "fold",
    "has_diacritics",
    "normalize",
]
