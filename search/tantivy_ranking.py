"""The order of hits on tantivy, settled inside the engine as Elasticsearch settles it.

Elasticsearch orders hits by the sort (score, or date), then newest (oldest for `Sort.OLDEST`)
to the second, then by `document_id`. tantivy orders by one key only, breaking ties by its
document addresses, which mean nothing to a reader and differ between engines and merges. So
each document carries two fast, indexed u64 fields that hold the whole tie-break in one number:

- `newest_key` = seconds << 32 | (2**32 - 1 - id32): descending is newest first, then by id;
- `oldest_key` = seconds << 32 | id32: ascending is oldest first, then by id;

where `id32` is the first four bytes of the id's UTF-8 (byte order is the order of Python
strings and of Elasticsearch keywords). Date sorts are then one `order_by_field` search for the
page; ranking by relevance reads `newest_key` of the fetched hits from the column (no stored
document is read, no JSON decoded) and orders equal scores by it. Only hits whose key is equal
(the same second and the same four leading bytes of their id: rare with UUIDs) are ordered by
their full id, from their stored source. A score tie across the page boundary fetches more
hits, by fast field only, until the tie ends.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

import tantivy

from search.hits import sort_seconds
from search.port import IndexedDocument
from search.query import Sort

__all__ = ["KEY_FIELDS", "Ranked", "add_key_fields", "key_values", "ranked", "source_at"]

KEY_FIELDS = ("newest_key", "oldest_key")
_LOW = 0xFFFF_FFFF

Ranked = tuple[float, tantivy.DocAddress]
"""A hit in order: its score (0.0 for date sorts) and where its stored source is."""


def add_key_fields(builder: tantivy.SchemaBuilder) -> None:
    for name in KEY_FIELDS:
        builder.add_unsigned_field(name, indexed=True, fast=True)


def key_values(document: IndexedDocument) -> dict[str, int]:
    seconds = min(max(sort_seconds(document.issued_at), 0), _LOW)
    id32 = int.from_bytes(document.document_id.encode()[:4].ljust(4, b"\0"), "big")
    return {"newest_key": seconds << 32 | (_LOW - id32), "oldest_key": seconds << 32 | id32}


def source_at(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict[str, Any]:
    stored = searcher.doc(address).get_first("source")
    if not isinstance(stored, bytes):  # written by every upsert; never expected otherwise
        raise RuntimeError("a tantivy document without its source")
    source: dict[str, Any] = json.loads(stored)
    return source


def ranked(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    sort: Sort,
    need: int,
    counting: bool = True,
) -> tuple[list[Ranked], int]:
    """The first `need` hits of `query` in `sort` order (ties as in Elasticsearch) and the
    total number of hits (0 unless `counting`: a caller that knows it saves the count)."""
    need = max(need, 1)
    if sort is Sort.RELEVANCE:
        return _by_relevance(searcher, query, need, counting)
    field = "newest_key" if sort is Sort.NEWEST else "oldest_key"
    order = tantivy.Order.Desc if sort is Sort.NEWEST else tantivy.Order.Asc
    result = searcher.search(query, need + 1, count=counting, order_by_field=field, order=order)
    hits: list[tuple[int, tantivy.DocAddress]] = [(int(k), a) for k, a in result.hits]
    total = _count(result)
    if len(hits) > need and hits[need][0] == hits[need - 1][0]:  # equal keys across the page
        tied = hits[need][0]
        group = _with_key(searcher, schema, query, field, tied)
        hits = [hit for hit in hits if hit[0] != tied] + [(tied, a) for a in group]
        sign = -1 if sort is Sort.NEWEST else 1
        hits.sort(key=lambda hit: sign * hit[0])  # stable: the group stays together
    page = [(0.0, address) for _, address in _ids_within_equal(searcher, hits, need)]
    return page, total


def _by_relevance(
    searcher: tantivy.Searcher, query: tantivy.Query, need: int, counting: bool
) -> tuple[list[Ranked], int]:
    wanted = need + 1
    while True:
        result = searcher.search(query, wanted, count=counting)
        hits: list[tuple[float, tantivy.DocAddress]] = [(float(s), a) for s, a in result.hits]
        if len(hits) < wanted or hits[-1][0] != hits[need - 1][0]:
            break  # every hit scoring like the page's last one is in `hits`
        wanted *= 4
    keys = searcher.fast_field_values("newest_key", [address for _, address in hits])
    ordered = sorted(
        ((score, int(key or 0), address) for (score, address), key in zip(hits, keys, strict=True)),
        key=lambda hit: (-hit[0], -hit[1]),
    )
    cut = ordered[:need]
    if cut:  # equal keys across the page: the whole run, to be ordered by id
        last = cut[-1][:2]
        cut += [hit for hit in ordered[need:] if hit[:2] == last]
    pairs = [((score, -key), address) for score, key, address in cut]
    page = _ids_within_equal(searcher, pairs, need)
    return [(score, address) for (score, _), address in page], _count(result)


def _with_key(
    searcher: tantivy.Searcher, schema: tantivy.Schema, query: tantivy.Query, field: str, key: int
) -> list[tantivy.DocAddress]:
    """Every hit of `query` whose `field` is `key`."""
    narrowed = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, query),
            (tantivy.Occur.Must, tantivy.Query.term_query(schema, field, key)),
        ]
    )
    size = _count(searcher.search(narrowed, 1, count=True))
    return [address for _, address in searcher.search(narrowed, max(size, 1)).hits]


def _ids_within_equal(
    searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]], need: int
) -> list[tuple[Any, tantivy.DocAddress]]:
    """`hits` (in key order) with each run of equal keys ordered by document id."""
    ordered: list[tuple[Any, tantivy.DocAddress]] = []
    for _, run in groupby(hits, key=lambda hit: hit[0]):
        group = list(run)
        if len(group) > 1:
            group.sort(key=lambda hit: source_at(searcher, hit[1])["document_id"])
        ordered.extend(group)
    return ordered[:need]


def _count(result: tantivy.SearchResult) -> int:
    count: int | None = getattr(result, "count", None)  # missing from tantivy's type stubs
    return int(count or 0)
