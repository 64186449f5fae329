"""The facets of a tantivy search, counted exactly, as Elasticsearch counts them on its one shard.

tantivy aggregates each segment apart and keeps `segment_size` values of each; a value's count
then misses the segments where it was not among them. Types and years are few, so every
segment keeps all of them. Issuers are many (126,000 units): at 1,000,000 documents
(9 segments) with 100 kept per segment, the issuer counts of 29 of 30 national and 9 of 30
provincial searches were short by one or two (an issuer with one hit in a small segment where
a hundred others had two). Keeping every issuer id of every segment is exact but cost
150–340 ms nationally: each kept id is looked up in its segment's dictionary.

So each document also carries `issuer_key`, a 52-bit hash of its issuer's id: a number, which
needs no dictionary, so every segment keeps every key at little cost and the counts are
exact. Only the keys that can be listed (`ISSUER_FACET_SIZE`, and every key tied with the last
of them) are turned back into ids, each from one of its documents (then cached). Two ids with
one key (odds about 1e-6 over 126,000 units) are caught, as the key's documents then outnumber
the id's, and the issuers are then counted by id: exactly, slowly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import tantivy

from search.hits import FACET_SIZE, ISSUER_BUCKETS, ISSUER_FACET_SIZE, selected_issuer
from search.port import FacetValue
from search.query import SearchFilters
from search.tantivy_ranking import hit_count, source_at

__all__ = ["ISSUER_KEY", "IssuerIds", "add_issuer_key_field", "count_facets", "issuer_key"]

ISSUER_KEY = "issuer_key"
_KEY_BITS = 52  # aggregation keys come back through a double: exact below 2**53
_EVERY = 2**32 - 1  # as many values as there are: the segment keeps them all
_CACHED_IDS = 20_000


def issuer_key(unit_id: str) -> int:
    """The number that stands for `unit_id` in the issuer facet."""
    digest = hashlib.blake2b(unit_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _KEY_BITS)


def add_issuer_key_field(builder: tantivy.SchemaBuilder) -> None:
    builder.add_unsigned_field(ISSUER_KEY, indexed=True, fast=True)


class IssuerIds:
    """Issuer ids by key, read from the index once per key (shared by one directory's users)."""

    def __init__(self) -> None:
        self._ids: dict[int, str] = {}

    def id_of(self, searcher: tantivy.Searcher, schema: tantivy.Schema, key: int) -> str | None:
        """The id of the issuer with `key`, or None if two issuers share it."""
        unit = self._ids.get(key)
        if unit is None:
            query = tantivy.Query.term_query(schema, ISSUER_KEY, key)
            hits = searcher.search(query, 1).hits
            if not hits:
                return None
            unit = str(source_at(searcher, hits[0][1])["issuer_unit_id"])
            if len(self._ids) >= _CACHED_IDS:
                self._ids.clear()
            self._ids[key] = unit
        if not _alone_under_key(searcher, unit, key):
            return None
        return unit


def _alone_under_key(searcher: tantivy.Searcher, unit: str, key: int) -> bool:
    """Whether `unit` is the only issuer with `key`: both fields are on the same documents
    (deleted ones too, until merged away) unless another issuer has the same key."""
    return searcher.doc_freq(ISSUER_KEY, key) == searcher.doc_freq("issuer_unit_id", unit)


@dataclass(frozen=True)
class Facets:
    buckets: dict[str, dict[str, int]]
    """Every type and year with its hits; the issuers that can be listed, with theirs."""
    selected: FacetValue | None
    """The selected issuer of an "issuer or below" filter and its hits (`selected_issuer`)."""


def count_facets(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    filters: SearchFilters,
    ids: IssuerIds,
) -> Facets:
    """The facets of the hits of `query`, in one pass over them (two when more issuers tie
    with the last listed one than were asked for)."""
    spec: dict[str, object] = {
        name: {"terms": {"field": name, "size": FACET_SIZE, "segment_size": FACET_SIZE}}
        for name in ("doc_type", "year")
    }
    spec[ISSUER_KEY] = _issuer_spec(ISSUER_KEY, ISSUER_BUCKETS)
    answer = searcher.aggregate(query, spec)
    buckets = {name: _counts(answer[name]) for name in ("doc_type", "year")}
    keyed = {int(key): count for key, count in _counts(answer[ISSUER_KEY]).items()}
    keyed, listable = _listable(searcher, query, keyed)
    issuers = _ids_of(searcher, schema, listable, ids)
    if issuers is None:  # two issuers share a key
        issuers = _counts(searcher.aggregate(query, _issuers_by_id())["issuer_unit_id"])
        keyed = {}
    buckets["issuer_unit_id"] = issuers
    return Facets(buckets, _selected(searcher, schema, query, filters, issuers, keyed))


def _issuer_spec(field: str, size: int, at_least: int = 1) -> dict[str, object]:
    terms = {"field": field, "size": size, "segment_size": _EVERY, "min_doc_count": at_least}
    return {"terms": terms}


def _issuers_by_id() -> dict[str, object]:
    return {"issuer_unit_id": _issuer_spec("issuer_unit_id", _EVERY)}


def _counts(aggregation: dict[str, list[dict[str, object]]]) -> dict[str, int]:
    return {str(b["key"]): int(str(b["doc_count"])) for b in aggregation["buckets"]}


def _listable(
    searcher: tantivy.Searcher, query: tantivy.Query, keyed: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """The keys counted (`keyed`, more if needed) and those whose hits are at least those of
    the `ISSUER_FACET_SIZE`-th: the listed ones and all that tie with the last (listed by id).
    The engine cuts its `ISSUER_BUCKETS` among equal counts in no set order; if the cut falls
    in that tie, every key of the tie is asked for."""
    counts = sorted(keyed.values(), reverse=True)
    if len(counts) < ISSUER_FACET_SIZE:
        return keyed, keyed
    last = counts[ISSUER_FACET_SIZE - 1]
    if len(counts) >= ISSUER_BUCKETS and counts[-1] == last:
        answer = searcher.aggregate(query, {ISSUER_KEY: _issuer_spec(ISSUER_KEY, _EVERY, last)})
        keyed = {int(key): count for key, count in _counts(answer[ISSUER_KEY]).items()}
    return keyed, {key: count for key, count in keyed.items() if count >= last}


def _ids_of(
    searcher: tantivy.Searcher, schema: tantivy.Schema, keyed: dict[int, int], ids: IssuerIds
) -> dict[str, int] | None:
    issuers: dict[str, int] = {}
    for key, count in keyed.items():
        unit = ids.id_of(searcher, schema, key)
        if unit is None:
            return None
        issuers[unit] = count
    return issuers


def _selected(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    filters: SearchFilters,
    issuers: dict[str, int],
    keyed: dict[int, int],
) -> FacetValue | None:
    """The selected issuer (`selected_issuer`) and its hits, counted apart if it is not among
    the issuers or keys counted."""
    unit = selected_issuer(filters)
    if unit is None:
        return None
    if unit in issuers:
        return FacetValue(unit, issuers[unit])
    key = issuer_key(unit)
    if key in keyed and _alone_under_key(searcher, unit, key):
        return FacetValue(unit, keyed[key])
    own = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, query),
            (tantivy.Occur.Must, tantivy.Query.term_query(schema, "issuer_unit_id", unit)),
        ]
    )
    return FacetValue(unit, hit_count(searcher.search(own, 1, count=True)))
