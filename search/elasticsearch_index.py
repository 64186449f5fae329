"""`SearchIndex` on Elasticsearch 8: the production adapter, behaving like the tantivy one.

Same fields as `search.tantivy_index`: the text fields of `search.fields` (subject, meta and
body as the values of one field per form), cut into words by `search.terms` in Python and
indexed with the built-in `whitespace` analyzer, so both engines hold the same terms. Unit ids,
filters and facets are keyword fields (the scope and filters in a bool `filter`,
score-neutral); the original values travel in `_source` under `source`. Queries are built as
JSON from `search.query.parse_text`, never parsed by Elasticsearch, so user text cannot be a
syntax error: every folded word, prefix and phrase must occur in the folded text; the subject,
exact words and the whole-query phrase (its adjacent word pairs) only add score. Facets are
terms aggregations under the same filter, in a search of their own (no scores) sent with the
page's in one `msearch`, which the node runs side by side. Ties are broken by `issued_at` (to
the second; newest first), then `document_id`, as in tantivy. `scan` pages with
`search_after`, past the 10,000-hit window of `find`.

Reindexing without downtime: readers and writers use the alias `<name>`, which points at one
physical index `<name>-v<N>`. `reindex()` builds `<name>-v<N+1>` from the documents of the
current one (re-analysed by the current code), swaps the alias in one atomic request and drops
the old index. Writes through this object wait while it reindexes; writers in other processes
must pause meanwhile (or replay from the projection's position afterwards).

The projection's position is kept per physical index, as a document of `<name>-positions`
whose id is the index's name: a new version, or a cluster that lost the index, starts at 0
whatever the web hosts remember, and `reindex()` carries the position over.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from elasticsearch import ApiError, BadRequestError, ConnectionTimeout, Elasticsearch
from elasticsearch import ConnectionError as TransportConnectionError

from search.fields import (
    EXACT,
    MATCHED,
    PAIRS,
    SUBJECT,
    TEXT_FIELDS,
    Leaves,
    required_leaves,
    scoring_leaves,
    text_parts,
)
from search.hits import (
    bounded_facets,
    document_from_source,
    effective_sort,
    empty_facets,
    facet_buckets,
    hit_from_source,
    keyword_values,
    selected_issuer,
    sort_seconds,
    source_of,
)
from search.normalize import fold, fold_normalized, normalize
from search.port import (
    FacetValue,
    IndexedDocument,
    SearchHit,
    SearchIndex,
    SearchResult,
    SearchScope,
    SearchUnavailableError,
)
from search.query import (
    FACET_NAMES,
    TOTAL_LIMIT,
    ParsedText,
    SearchFilters,
    SearchQuery,
    Sort,
    day_bounds,
    parse_text,
)
from search.terms import pairs, terms

__all__ = ["ElasticsearchIndexError", "ElasticsearchSearchIndex"]

_SCAN_BATCH = 500
_SCHEMA_VERSION = 5
"""2: keyword fields year, number_key, signer_key, issuer_path_ids; dates to the second;
3: `*_pairs` fields (the whole-query phrase boost as terms); 4: urgency and file folder in the
meta text (reindexed from the sources, then the projection replays the events: only they
know the folder of a document indexed before); 5: the text fields of `search.fields`."""
_KEYWORD_FIELDS = (
    "document_id",
    "party_unit_ids",
    "scope_unit_ids",
    "issuer_unit_id",
    "doc_type",
    "status",
    "urgency",
    "year",
    "number_key",
    "signer_key",
    "issuer_path_ids",
)
_SORTS: dict[Sort, list[dict[str, str]]] = {
    Sort.RELEVANCE: [{"_score": "desc"}, {"issued_at": "desc"}, {"document_id": "asc"}],
    Sort.NEWEST: [{"issued_at": "desc"}, {"document_id": "asc"}],
    Sort.OLDEST: [{"issued_at": "asc"}, {"document_id": "asc"}],
}

_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema": _SCHEMA_VERSION},
    # The analysed copies are rebuilt from `source` (see reindex); no need to keep them.
    "_source": {"excludes": list(TEXT_FIELDS)},
    "properties": {
        **{name: {"type": "keyword"} for name in _KEYWORD_FIELDS},
        **{name: {"type": "text", "analyzer": "whitespace"} for name in (MATCHED, SUBJECT, EXACT)},
        PAIRS: {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
        "issued_at": {"type": "date"},
        "source": {"type": "object", "enabled": False},
    },
}
_POSITION_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {"position": {"type": "long", "index": False}},
}


class ElasticsearchIndexError(RuntimeError):
    """Elasticsearch refused some of a batch, or the index name is taken by something else."""


class ElasticsearchUnreachableError(ElasticsearchIndexError, SearchUnavailableError):
    """The cluster did not answer when the index was opened."""


UNREACHABLE = (TransportConnectionError, ConnectionTimeout)
"""The client's errors for a cluster that did not answer at all."""
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})
"""Answers of a cluster that is overloaded, or whose shards are not there (yet): try later."""


@contextlib.contextmanager
def _answering() -> Iterator[None]:
    """A request to the cluster; unreachable, timed out or answering "try later" (a status in
    `UNAVAILABLE_STATUSES`): `SearchUnavailableError`, which readers are shown as such."""
    try:
        yield
    except UNREACHABLE as error:
        raise SearchUnavailableError(f"Elasticsearch: {error}") from error
    except ApiError as error:
        if error.meta.status in UNAVAILABLE_STATUSES:
            raise SearchUnavailableError(f"Elasticsearch: {error}") from error
        raise


class ElasticsearchSearchIndex:
    """A `SearchIndex` behind the alias `index_name` on the cluster at `url` (created if
    missing). `client` may be given instead of `url` to share a connection pool. Totals are
    exact up to `total_limit` (`track_total_hits`; tests lower it)."""

    def __init__(
        self,
        url: str,
        index_name: str,
        *,
        client: Elasticsearch | None = None,
        total_limit: int = TOTAL_LIMIT,
    ) -> None:
        self._total_limit = total_limit
        self._client = client if client is not None else Elasticsearch(url, request_timeout=30)
        self._alias = index_name
        self._version_pattern = re.compile(re.escape(index_name) + r"-v(\d+)")
        self._write_lock = threading.Lock()
        self.schema_changed = False
        """Set when the index was rebuilt for a newer mapping: replay the projection to fill
        the new fields (`eoffice.bootstrap` does)."""
        try:
            self._ensure_alias()
        except UNREACHABLE as error:
            raise ElasticsearchUnreachableError(
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
        with self._write_lock, _answering():
            self._bulk(self._alias, (_to_elasticsearch(d) for d in latest.values()))

    def delete(self, document_id: str) -> None:
        with self._write_lock, _answering():
            self._client.options(ignore_status=404).delete(
                index=self._alias, id=document_id, refresh=True
            )

    def count(self) -> int:
        with _answering():
            return int(self._client.count(index=self._alias)["count"])

    def recorded_position(self) -> int:
        with _answering():
            return self._position_of(self.current_index())

    def record_position(self, position: int) -> None:
        with _answering():
            self._record_position_of(self.current_index(), position)

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        """Best hits first; a blank query finds nothing (see `find` for filters and pages)."""
        if parse_text(query).blank or limit <= 0:
            return []
        return self.find(SearchQuery(text=query, limit=min(limit, 10_000)), scope).hits

    def find(self, query: SearchQuery, scope: SearchScope) -> SearchResult:
        parsed = parse_text(query.text)
        body = _request(parsed, query.filters, scope)
        if body is None:
            return SearchResult(hits=[], total=0, facets=empty_facets())
        sort = effective_sort(parsed, query.sort)
        aggregations: dict[str, Any] = {
            name: {"terms": {"field": name, "size": facet_buckets(name)}} for name in FACET_NAMES
        }
        selected = selected_issuer(query.filters)
        if selected is not None:
            aggregations["selected_issuer"] = {"filter": {"term": {"issuer_unit_id": selected}}}
        # Two searches in one request, which the node runs side by side: the facets and the
        # total (no scores), and the page. A terms aggregation over a keyword keeps a search
        # on one thread; so the page is ranked on another meanwhile.
        with _answering():
            answered = self._client.msearch(
                searches=[
                    {"index": self._alias},
                    {
                        "query": body,
                        "size": 0,
                        "track_total_hits": self._total_limit,
                        "aggregations": aggregations,
                    },
                    {"index": self._alias},
                    {
                        "query": body,
                        "from": query.offset,
                        "size": query.limit,
                        "sort": _SORTS[sort],
                        "track_scores": sort is Sort.RELEVANCE,
                        "track_total_hits": False,
                        "_source": {"includes": ["source"]},
                    },
                ]
            )
        counted, ranked = _responses(answered)
        hits = [_hit(hit, parsed, sort, with_snippet=True) for hit in ranked["hits"]["hits"]]
        answer = counted["aggregations"]
        buckets = {
            name: {b["key"]: int(b["doc_count"]) for b in answer[name]["buckets"]}
            for name in FACET_NAMES
        }
        chosen = None
        if selected is not None:
            chosen = FacetValue(selected, int(answer["selected_issuer"]["doc_count"]))
        facets, others = bounded_facets(buckets, chosen)
        total = counted["hits"]["total"]
        return SearchResult(
            hits=hits,
            total=int(total["value"]),
            facets=facets,
            total_is_lower_bound=total["relation"] == "gte",
            other_issuers_hits=others,
        )

    def scan(self, query: SearchQuery, scope: SearchScope) -> Iterator[SearchHit]:
        parsed = parse_text(query.text)
        body = _request(parsed, query.filters, scope)
        if body is None:
            return
        sort = effective_sort(parsed, query.sort)
        after: list[Any] | None = None
        while True:
            with _answering():  # around the request only, never around a `yield`
                response = self._client.search(
                    index=self._alias,
                    query=body,
                    size=_SCAN_BATCH,
                    sort=_SORTS[sort],
                    track_scores=sort is Sort.RELEVANCE,
                    source_includes=["source"],
                    search_after=after,
                )
            hits = response["hits"]["hits"]
            for hit in hits:
                yield _hit(hit, parsed, sort, with_snippet=False)
            if len(hits) < _SCAN_BATCH:
                return
            after = hits[-1]["sort"]

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
            position = self._position_of(old)
            new = self._create_version(max(self._version_numbers(), default=0) + 1)
            batch: list[dict[str, Any]] = []
            for source in self._all_sources(old, batch_size):
                batch.append(_to_elasticsearch(document_from_source(source)))
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
            self._record_position_of(new, position)
            self._client.indices.delete(index=old)
            self._client.options(ignore_status=404).delete(index=self._positions, id=old)
            return new

    def drop(self) -> None:
        """Delete the alias, every version behind it and their positions (for tests and full
        rebuilds)."""
        with self._write_lock:
            for name in [*self._versions(), self._positions]:
                self._client.options(ignore_status=404).indices.delete(index=name)

    # -- internals ------------------------------------------------------------------------

    @property
    def _positions(self) -> str:
        """The index of the projection's positions, one document per physical index."""
        return f"{self._alias}-positions"

    def _position_of(self, index: str) -> int:
        found = self._client.options(ignore_status=404).get(index=self._positions, id=index)
        return int(found["_source"]["position"]) if found.get("found") else 0

    def _record_position_of(self, index: str, position: int) -> None:
        self._client.index(index=self._positions, id=index, document={"position": position})

    def _ensure_alias(self) -> None:
        """Point the alias at the newest version, creating `-v1` on a fresh cluster; an index of
        an older mapping is reindexed into a new version first. Creates the positions' index
        if missing (a 400 if another process created it meanwhile)."""
        self._client.options(ignore_status=400).indices.create(
            index=self._positions, settings=_SETTINGS, mappings=_POSITION_MAPPINGS
        )
        if self._client.indices.exists_alias(name=self._alias):
            if self._schema_of(self.current_index()) != _SCHEMA_VERSION:
                # BadRequestError: another process is upgrading this alias right now.
                with contextlib.suppress(BadRequestError):
                    self.reindex()
                self.schema_changed = True
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

    def _schema_of(self, index: str) -> int | None:
        mappings = self._client.indices.get_mapping(index=index)[index]["mappings"]
        schema = mappings.get("_meta", {}).get("schema")
        return int(schema) if schema is not None else None

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


def _to_elasticsearch(document: IndexedDocument) -> dict[str, Any]:
    record: dict[str, Any] = dict(keyword_values(document))
    record["document_id"] = document.document_id  # a single value: it is also the _id
    for name in (MATCHED, EXACT, PAIRS):
        record[name] = []
    for text in text_parts(document):  # one value per part: a position gap between them
        exact = normalize(text)
        folded = terms(fold_normalized(exact))
        record[EXACT].append(" ".join(terms(exact)))
        record[MATCHED].append(" ".join(folded))
        record[PAIRS].append(" ".join(pairs(folded)))
    record[SUBJECT] = record[MATCHED][0]
    # To the second, as tantivy keeps it, so that both engines break ties alike.
    record["issued_at"] = datetime.fromtimestamp(sort_seconds(document.issued_at), UTC).isoformat()
    record["source"] = source_of(document)
    return record


def _responses(answer: Any) -> list[dict[str, Any]]:
    """The responses of a multi-search, raising the first search's error as a search would."""
    responses: list[dict[str, Any]] = answer["responses"]
    for response in responses:
        if "error" in response and response.get("status") in UNAVAILABLE_STATUSES:
            raise SearchUnavailableError(f"Elasticsearch: {response['error']}")
        if "error" in response:
            raise ElasticsearchIndexError(f"tìm kiếm thất bại / search failed: {response['error']}")
    return responses


def _hit(hit: dict[str, Any], parsed: ParsedText, sort: Sort, with_snippet: bool) -> SearchHit:
    score = float(hit["_score"]) if sort is Sort.RELEVANCE else 0.0
    return hit_from_source(hit["_source"]["source"], score, parsed, with_snippet)


def _term(field: str, word: str) -> dict[str, Any]:
    return {"term": {field: {"value": word}}}


def _prefix(field: str, start: str) -> dict[str, Any]:
    """Any word starting with `start`, scoring 1 (as tantivy scores a prefix)."""
    return {"prefix": {field: {"value": start, "rewrite": "constant_score"}}}


def _phrase(field: str, words: list[str]) -> dict[str, Any]:
    return {"match_phrase": {field: {"query": " ".join(words)}}}


_LEAVES = Leaves[dict[str, Any]](term=_term, prefix=_prefix, phrase=_phrase)


def _text_query(parsed: ParsedText) -> dict[str, Any]:
    """Every folded word, prefix and phrase in the folded text (`search.fields.MATCHED`); the
    subject, exact words and prefixes and the whole-query phrase only add score. Blank text
    matches everything."""
    if parsed.blank:
        return {"match_all": {}}
    must = required_leaves(parsed, _LEAVES)
    should = [
        {"bool": {"should": adding, "boost": boost}}
        for boost, adding in scoring_leaves(parsed, _LEAVES)
    ]
    return {"bool": {"must": must, "should": should}}


def _filters(filters: SearchFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if filters.doc_types:
        clauses.append({"terms": {"doc_type": list(filters.doc_types)}})
    if filters.statuses:
        clauses.append({"terms": {"status": list(filters.statuses)}})
    if filters.issuer_unit_id:
        field = "issuer_path_ids" if filters.issuer_subtree else "issuer_unit_id"
        clauses.append({"term": {field: filters.issuer_unit_id}})
    if filters.number_symbol is not None:
        clauses.append({"term": {"number_key": fold(filters.number_symbol).strip()}})
    if filters.signer is not None:
        clauses.append({"term": {"signer_key": " ".join(fold(filters.signer).split())}})
    start, end = day_bounds(filters)
    if start is not None or end is not None:
        bounds = {}
        if start is not None:
            bounds["gte"] = start.isoformat()
        if end is not None:
            bounds["lt"] = end.isoformat()
        clauses.append({"range": {"issued_at": bounds}})
    return clauses


def _request(
    parsed: ParsedText, filters: SearchFilters, scope: SearchScope
) -> dict[str, Any] | None:
    """The whole query; None when the scope admits nothing."""
    scope_filter = _scope_filter(scope)
    if scope_filter is None:
        return None
    return {"bool": {"must": [_text_query(parsed)], "filter": [scope_filter, *_filters(filters)]}}


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
