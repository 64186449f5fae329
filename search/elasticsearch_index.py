"""`SearchIndex` on Elasticsearch 8: the production adapter, behaving like the tantivy one.

Same fields as `search.tantivy_index`: subject, body and meta (number, type, issuer, signer),
each indexed twice, as `normalize` and as `fold` give them, cut into words by `search.terms`
in Python and indexed with the built-in `whitespace` analyzer, so both engines hold the same
terms. Unit ids are keyword fields for the scope filter (a bool `filter`, score-neutral); the
original values travel in `_source` under `source`. Queries are built as JSON from the words,
never parsed by Elasticsearch, so user text cannot be a syntax error: every folded word must
occur in some folded field; exact words and the whole-query phrase only add score. Ties are
broken by `issued_at` (newest first), then `document_id`, as in tantivy.

Reindexing without downtime: readers and writers use the alias `<name>`, which points at one
physical index `<name>-v<N>`. `reindex()` builds `<name>-v<N+1>` from the documents of the
current one (re-analysed by the current code), swaps the alias in one atomic request and drops
the old index. Writes through this object wait while it reindexes; writers in other processes
must pause meanwhile (or replay from the projection's position afterwards).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from elasticsearch import ConnectionError as TransportConnectionError
from elasticsearch import Elasticsearch

from search.normalize import fold, normalize
from search.port import IndexedDocument, SearchHit, SearchIndex, SearchScope
from search.terms import terms
from search.text import excerpt, leading_excerpt, query_words

__all__ = ["ElasticsearchIndexError", "ElasticsearchSearchIndex"]

_SNIPPET_WIDTH = 200
_MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window
_MAX_QUERY_WORDS = 256  # keeps a pasted essay under the cluster's limit of query clauses
_SCHEMA_VERSION = 1

# The same boosts as search.tantivy_index.
_FOLDED_FIELDS = {"subject_folded": 2.0, "meta_folded": 1.5, "body_folded": 1.0}
_EXACT_FIELDS = {"subject_exact": 3.0, "meta_exact": 2.0, "body_exact": 1.5}
_PHRASE_FIELDS = {"subject_folded": 3.0, "meta_folded": 2.0, "body_folded": 1.0}
_TEXT_FIELDS = (*_EXACT_FIELDS, *_FOLDED_FIELDS)
_KEYWORD_FIELDS = (
    "document_id",
    "party_unit_ids",
    "scope_unit_ids",
    "issuer_unit_id",
    "doc_type",
    "status",
    "urgency",
)
_SORT = [{"_score": "desc"}, {"issued_at": "desc"}, {"document_id": "asc"}]

_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema": _SCHEMA_VERSION},
    # The analysed copies are rebuilt from `source` (see reindex); no need to keep them.
    "_source": {"excludes": list(_TEXT_FIELDS)},
    "properties": {
        **{name: {"type": "keyword"} for name in _KEYWORD_FIELDS},
        **{name: {"type": "text", "analyzer": "whitespace"} for name in _TEXT_FIELDS},
        "issued_at": {"type": "date"},
        "source": {"type": "object", "enabled": False},
    },
}


class ElasticsearchIndexError(RuntimeError):
    """Elasticsearch refused some of a batch, or the index name is taken by something else."""


class ElasticsearchSearchIndex:
    """A `SearchIndex` behind the alias `index_name` on the cluster at `url` (created if
    missing). `client` may be given instead of `url` to share a connection pool."""

    def __init__(self, url: str, index_name: str, *, client: Elasticsearch | None = None) -> None:
        self._client = client if client is not None else Elasticsearch(url, request_timeout=30)
        self._alias = index_name
        self._version_pattern = re.compile(re.escape(index_name) + r"-v(\d+)")
        self._write_lock = threading.Lock()
        try:
            self._ensure_alias()
        except TransportConnectionError as error:
            raise ElasticsearchIndexError(
                f"Không kết nối được Elasticsearch tại {url} / "
                f"cannot reach Elasticsearch at {url}: {error}"
            ) from error

    @property
    def alias(self) -> str:
        return self._alias

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ElasticsearchSearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- the port -------------------------------------------------------------------------

    def upsert(self, documents: Sequence[IndexedDocument]) -> None:
        latest = {document.document_id: document for document in documents}
        if not latest:
            return
        with self._write_lock:
            self._bulk(self._alias, (_to_elasticsearch(d) for d in latest.values()))

    def delete(self, document_id: str) -> None:
        with self._write_lock:
            self._client.options(ignore_status=404).delete(
                index=self._alias, id=document_id, refresh=True
            )

    def count(self) -> int:
        return int(self._client.count(index=self._alias)["count"])

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        folded_words = terms(fold(query))
        scope_filter = _scope_filter(scope)
        if not folded_words or scope_filter is None or limit <= 0:
            return []
        exact_words = terms(normalize(query))
        text_query = _text_query(folded_words, exact_words)
        response = self._client.search(
            index=self._alias,
            query={"bool": {"must": [text_query], "filter": [scope_filter]}},
            size=min(limit, _MAX_WINDOW),
            sort=_SORT,
            track_scores=True,
            source_includes=["source"],
        )
        snippet_words = query_words(query)
        return [
            _to_hit(hit["_source"]["source"], float(hit["_score"]), snippet_words)
            for hit in response["hits"]["hits"]
        ]

    # -- versions and reindexing ----------------------------------------------------------

    def current_index(self) -> str:
        """The physical index the alias points at now."""
        return next(iter(self._client.indices.get_alias(name=self._alias)))

    def reindex(self, batch_size: int = 500) -> str:
        """Copy every document into a new physical index built with the current mapping and
        analysis, then point the alias at it atomically; searches never stop meanwhile.
        Returns the new index's name."""
        with self._write_lock:
            old = self.current_index()
            new = self._create_version(max(self._version_numbers(), default=0) + 1)
            batch: list[dict[str, Any]] = []
            for source in self._all_sources(old, batch_size):
                batch.append(_to_elasticsearch(_from_source(source)))
                if len(batch) >= batch_size:
                    self._bulk(new, batch)
                    batch = []
            self._bulk(new, batch)
            self._client.indices.update_aliases(
                actions=[
                    {"remove": {"index": old, "alias": self._alias}},
                    {"add": {"index": new, "alias": self._alias, "is_write_index": True}},
                ]
            )
            self._client.indices.delete(index=old)
            return new

    def drop(self) -> None:
        """Delete the alias and every version behind it (for tests and full rebuilds)."""
        with self._write_lock:
            for name in self._versions():
                self._client.options(ignore_status=404).indices.delete(index=name)

    # -- internals ------------------------------------------------------------------------

    def _ensure_alias(self) -> None:
        """Point the alias at the newest version, creating `-v1` on a fresh cluster."""
        if self._client.indices.exists_alias(name=self._alias):
            return
        if self._client.indices.exists(index=self._alias):
            raise ElasticsearchIndexError(
                f"{self._alias} là một chỉ mục, không phải bí danh / is an index, not an alias "
                f"(expected {self._alias}-v<N> behind it)"
            )
        versions = self._version_numbers()
        if versions:
            name = f"{self._alias}-v{max(versions)}"
        else:  # another process may create it at the same moment: either copy will do
            name = f"{self._alias}-v1"
            self._client.options(ignore_status=400).indices.create(
                index=name, settings=_SETTINGS, mappings=_MAPPINGS
            )
        self._client.indices.put_alias(index=name, name=self._alias, is_write_index=True)

    def _versions(self) -> list[str]:
        existing = self._client.indices.get(
            index=f"{self._alias}-v*", allow_no_indices=True, expand_wildcards="open,closed"
        )
        return [name for name in existing if self._version_pattern.fullmatch(name)]

    def _version_numbers(self) -> list[int]:
        found = (self._version_pattern.fullmatch(name) for name in self._versions())
        return [int(match[1]) for match in found if match is not None]

    def _create_version(self, version: int) -> str:
        name = f"{self._alias}-v{version}"
        self._client.indices.create(index=name, settings=_SETTINGS, mappings=_MAPPINGS)
        return name

    def _all_sources(self, index: str, batch_size: int) -> Iterator[dict[str, Any]]:
        """Every document's `source`, in document_id order (search_after paging)."""
        after: list[Any] | None = None
        while True:
            response = self._client.search(
                index=index,
                query={"match_all": {}},
                size=batch_size,
                sort=[{"document_id": "asc"}],
                source_includes=["source"],
                search_after=after,
            )
            hits = response["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield hit["_source"]["source"]
            after = hits[-1]["sort"]

    def _bulk(self, index: str, records: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
        operations: list[dict[str, Any]] = []
        for record in records:
            operations.append({"index": {"_index": index, "_id": record["document_id"]}})
            operations.append(record)
        if not operations:
            return
        response = self._client.bulk(operations=operations, refresh=True)
        if response["errors"]:
            failures = [
                item["index"]["error"] for item in response["items"] if "error" in item["index"]
            ]
            raise ElasticsearchIndexError(
                f"Elasticsearch từ chối {len(failures)}/{len(operations) // 2} văn bản / "
                f"refused {len(failures)} of {len(operations) // 2} documents: {failures[:3]}"
            )


def _analysed(text: str, form: Any) -> str:
    return " ".join(terms(form(text)))


def _to_elasticsearch(document: IndexedDocument) -> dict[str, Any]:
    meta = " ".join(
        (document.number_symbol, document.doc_type, document.issuer_name, document.signer_name)
    )
    texts = {"subject": document.subject, "body": document.body_text, "meta": meta}
    record: dict[str, Any] = {
        name: getattr(document, name)
        for name in ("document_id", "issuer_unit_id", "doc_type", "status", "urgency")
    }
    record["party_unit_ids"] = list(dict.fromkeys(document.party_unit_ids))
    record["scope_unit_ids"] = list(dict.fromkeys(document.scope_unit_ids))
    for name, text in texts.items():
        record[f"{name}_exact"] = _analysed(text, normalize)
        record[f"{name}_folded"] = _analysed(text, fold)
    record["issued_at"] = document.issued_at.isoformat()
    record["source"] = _source(document)
    return record


def _source(document: IndexedDocument) -> dict[str, Any]:
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
    }


def _from_source(source: dict[str, Any]) -> IndexedDocument:
    return IndexedDocument(**{**source, "issued_at": datetime.fromisoformat(source["issued_at"])})


def _to_hit(source: dict[str, Any], score: float, words: list[str]) -> SearchHit:
    subject, body = source["subject"], source["body_text"]
    snippet = (
        excerpt(body, words, _SNIPPET_WIDTH)
        or excerpt(subject, words, _SNIPPET_WIDTH)
        or leading_excerpt(body or subject, _SNIPPET_WIDTH)
    )
    return SearchHit(
        document_id=source["document_id"],
        number_symbol=source["number_symbol"],
        subject=subject,
        issuer_name=source["issuer_name"],
        doc_type=source["doc_type"],
        issued_at=datetime.fromisoformat(source["issued_at"]),
        score=score,
        snippet=snippet,
    )


def _any_field(word: str, fields: dict[str, float]) -> dict[str, Any]:
    should = [{"term": {name: {"value": word, "boost": boost}}} for name, boost in fields.items()]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _text_query(folded_words: list[str], exact_words: list[str]) -> dict[str, Any]:
    """Every folded word in some folded field; exact words and phrases only add score."""
    must = [_any_field(word, _FOLDED_FIELDS) for word in _distinct(folded_words)]
    should = [_any_field(word, _EXACT_FIELDS) for word in _distinct(exact_words)]
    if 1 < len(folded_words) <= _MAX_QUERY_WORDS:
        phrase = " ".join(folded_words)
        phrases = [
            {"match_phrase": {name: {"query": phrase, "boost": boost}}}
            for name, boost in _PHRASE_FIELDS.items()
        ]
        should.append({"bool": {"should": phrases, "minimum_should_match": 1}})
    return {"bool": {"must": must, "should": should}}


def _distinct(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))[:_MAX_QUERY_WORDS]


def _scope_filter(scope: SearchScope) -> dict[str, Any] | None:
    """A score-neutral filter for `scope`, or None when the scope admits nothing."""
    if scope.everything:
        return {"match_all": {}}
    alternatives: list[dict[str, Any]] = []
    if scope.unit_ids:
        alternatives.append({"terms": {"party_unit_ids": list(scope.unit_ids)}})
    if scope.subtree_root_ids:
        roots = list(scope.subtree_root_ids)
        alternatives.append({"terms": {"party_unit_ids": roots}})
        alternatives.append({"terms": {"scope_unit_ids": roots}})
    if not alternatives:
        return None
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


if TYPE_CHECKING:
    _implements_port: type[SearchIndex] = ElasticsearchSearchIndex
