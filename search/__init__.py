"""Search: a read model of documents, fed by events, for full-text search within a scope.

Vietnamese text is folded in Python (`search.normalize`) before any engine sees it, so the
tantivy adapter (`search.tantivy_index`) and the Elasticsearch adapter index the same terms.
The port (`search.port`) is what the rest of the system uses; adapters are imported from
their own modules so that a process loads only the engine it runs.
"""

from __future__ import annotations

from search.normalize import fold, has_diacritics, normalize
from search.port import IndexedDocument, SearchHit, SearchIndex, SearchScope

__all__ = [
    "IndexedDocument",
    "SearchHit",
    "SearchIndex",
    "SearchScope",
    "fold",
    "has_diacritics",
    "normalize",
]
