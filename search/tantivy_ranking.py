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
hits by score, once (up to ~1,000); a tie group larger than that (a prefix scores a constant,
in tens of thousands of documents) is then read in `newest_key` order, in rounds, keeping the
hits whose score (asked again for the round's key range only) is the boundary's: the work
follows the page, not the group.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from itertools import groupby
from typing import Any

import tantivy

from search.hits import sort_seconds
from search.port import IndexedDocument
from search.query import Sort

__all__ = [
    "KEY_FIELDS",
    "Ranked",
    "add_key_fields",
    "hit_count",
    "key_values",
    "ranked",
    "source_at",
]

KEY_FIELDS = ("newest_key", "oldest_key")
_LOW = 0xFFFF_FFFF
_SCORED_BEFORE_ROUNDS = 1024
"""Hits fetched by score (at least) before a tie group is read by key; 0: at once (tests)."""
_FIRST_ROUND = 256  # the fewest hits read in the first round of a tie group by key

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
    found: Callable[[], int] | None = None,
) -> tuple[list[Ranked], int]:
    """The first `need` hits of `query` in `sort` order (ties as in Elasticsearch) and the
    total number of hits (0 unless `counting`: a caller that counts them otherwise saves the
    count, and gives `found`, which gives it when a large tie group needs it, to size its
    reading)."""
    need = max(need, 1)
    if sort is Sort.RELEVANCE:
        return _by_relevance(searcher, schema, query, need, counting, found)
    field = "newest_key" if sort is Sort.NEWEST else "oldest_key"
    order = tantivy.Order.Desc if sort is Sort.NEWEST else tantivy.Order.Asc
    result = searcher.search(query, need + 1, count=counting, order_by_field=field, order=order)
    hits: list[tuple[int, tantivy.DocAddress]] = [(int(k), a) for k, a in result.hits]
    total = hit_count(result)
    if len(hits) > need and hits[need][0] == hits[need - 1][0]:  # equal keys across the page
        tied = hits[need][0]
        group = _with_key(searcher, schema, query, field, tied)
        hits = [hit for hit in hits if hit[0] != tied] + [(tied, a) for a in group]
        sign = -1 if sort is Sort.NEWEST else 1
        hits.sort(key=lambda hit: sign * hit[0])  # stable: the group stays together
    page = [(0.0, address) for _, address in _ids_within_equal(searcher, hits, need)]
    return page, total


def _by_relevance(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    need: int,
    counting: bool,
    found: Callable[[], int] | None,
) -> tuple[list[Ranked], int]:
    """The page's hits by score, equal scores by `newest_key`. The first search fetches at
    least `_SCORED_BEFORE_ROUNDS` hits: the engine scores every hit whatever it keeps (over
    1,000,000 documents, "công đoàn" took 74.2 ms for 21 hits, 75.6 ms for 1,025), so a tie
    across the page boundary seldom needs a second search. A page deeper than that fetches
    more, once, on a tie; if the tie still goes on past the hits fetched, the rest of its
    group is read in `newest_key` order (`_newest_scoring`) instead of whole."""
    wanted = max(need + 1, _SCORED_BEFORE_ROUNDS)
    while True:
        result = searcher.search(query, wanted, count=counting)
        hits: list[tuple[float, tantivy.DocAddress]] = [(float(s), a) for s, a in result.hits]
        if len(hits) < wanted or hits[-1][0] != hits[need - 1][0]:
            page_last = hits[min(need, len(hits)) - 1][0] if hits else 0.0
            keyed = _with_keys(searcher, [hit for hit in hits if hit[0] >= page_last])
            break
        if wanted > need + 1 or not _SCORED_BEFORE_ROUNDS:  # a large tie group (a prefix)
            boundary = hits[need - 1][0]
            above = [hit for hit in hits if hit[0] > boundary]
            if found is not None:
                total = found()
            else:
                total = hit_count(result) if counting else hit_count(searcher.search(query, 1))
            rest, seen = need - len(above), len(hits) - len(above)
            # Twice what `rest` needs if the group (>= `seen`) were spread evenly in time.
            enough = min(max(math.ceil(2 * rest * total / seen), _FIRST_ROUND), total + 1)
            keyed = _with_keys(searcher, above)
            keyed += _newest_scoring(searcher, schema, query, boundary, rest, enough)
            break
        wanted = max(4 * wanted, _SCORED_BEFORE_ROUNDS)
    ordered = sorted(keyed, key=lambda hit: (-hit[0], -hit[1]))
    cut = ordered[:need]
    if cut:  # equal keys across the page: the whole run, to be ordered by id
        last = cut[-1][:2]
        cut += [hit for hit in ordered[need:] if hit[:2] == last]
    pairs = [((score, -key), address) for score, key, address in cut]
    page = _ids_within_equal(searcher, pairs, need)
    return [(score, address) for (score, _), address in page], hit_count(result)


_Keyed = tuple[float, int, tantivy.DocAddress]
"""A hit's score, its `newest_key` and where it is."""


def _with_keys(
    searcher: tantivy.Searcher, hits: list[tuple[float, tantivy.DocAddress]]
) -> list[_Keyed]:
    keys = searcher.fast_field_values("newest_key", [address for _, address in hits])
    return [
        (score, int(key or 0), address) for (score, address), key in zip(hits, keys, strict=True)
    ]


def _newest_scoring(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    score: float,
    wanted: int,
    enough: int,
) -> list[_Keyed]:
    """The `wanted` hits of `query` with the newest `newest_key` among those scoring exactly
    `score`, and every other such hit sharing the last one's key (to be ordered by id).

    The hits are read in rounds in `newest_key` order (`order_by_field`); the scores of one
    round's hits are asked again by joining the query to the round's key range (score-neutral:
    the same scores), and those scoring `score` are kept. A round ends before its last key
    unless it reached the last hit, so that a run of equal keys is never split between rounds.
    The work follows the hits read, not the size of the tie group (a prefix scores the same in
    tens of thousands of documents). The first round is small, as if most of the hits were in
    the group (as under a prefix); the second reads `enough` (what the least dense group would
    need) unless that is fewer than 4× the first; every next one 4× more."""
    found: list[_Keyed] = []
    below: int | None = None  # keys of the next round are <= this
    size = min(max(8 * wanted, _FIRST_ROUND), enough)
    while len(found) < wanted:
        within = query if below is None else _joined(query, _key_range(schema, None, below))
        result = searcher.search(
            within, size, count=False, order_by_field="newest_key", order=tantivy.Order.Desc
        )
        hits = [(int(key), address) for key, address in result.hits]
        if not hits:
            break
        lowest = hits[-1][0]
        reached_the_end = len(hits) < size
        if not reached_the_end:
            hits = [hit for hit in hits if hit[0] != lowest]  # the run may go on: next round
            if not hits:  # one key fills the round: a larger round
                size *= 4
                continue
            lowest = hits[-1][0]
        keys = {(a.segment_ord, a.doc): key for key, a in hits}
        rescored = searcher.search(
            _joined(query, _key_range(schema, lowest, below)), len(hits), count=False
        )
        for hit_score, address in rescored.hits:
            if float(hit_score) == score:
                found.append((score, keys[(address.segment_ord, address.doc)], address))
        if reached_the_end:
            break
        below = lowest - 1
        size = max(4 * size, enough)
    return found


def _key_range(schema: tantivy.Schema, lowest: int | None, highest: int | None) -> tantivy.Query:
    return tantivy.Query.range_query(
        schema, "newest_key", tantivy.FieldType.Unsigned, lowest, highest
    )


def _joined(query: tantivy.Query, narrowing: tantivy.Query) -> tantivy.Query:
    """`query` on the documents of `narrowing`, with `query`'s scores (`x + 0.0`)."""
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, query),
            (tantivy.Occur.Must, tantivy.Query.const_score_query(narrowing, 0.0)),
        ]
    )


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
    size = hit_count(searcher.search(narrowed, 1, count=True))
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


def hit_count(result: tantivy.SearchResult) -> int:
    """The number of hits of a search made with ``count=True``."""
    count: int | None = getattr(result, "count", None)  # missing from tantivy's type stubs
    return int(count or 0)
