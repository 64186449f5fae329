"""`SearchIndex` on tantivy: an embedded index in a directory, for one-machine installs.

Schema: the text fields of `search.fields` (subject, meta and body as three values of one field
per form: folded, exact, adjacent pairs; and the folded subject alone for its boost); the
folded and exact ones use one analyzer (simple tokenizer + lowercase), registered whenever an
index is opened. Unit ids are raw keyword fields for the scope filter; the original values
travel in a stored `source` blob, as in Elasticsearch, so nothing long is indexed as a single
term.

Queries are built with tantivy's Query API, never parsed, so user text cannot be a syntax
error: every folded word, prefix (word*) and "quoted phrase" must occur in the folded text;
the subject, exact words and the whole-query phrase (its adjacent word pairs) only add score
(`search.fields`); filters and the scope are score-neutral.
Facets are terms aggregations over fast fields, counted under the same scope, exactly
(`search.tantivy_facets`: issuers by a numeric key, as segments count apart). The order
of hits, ties included (newest, then by id, as Elasticsearch sorts), is settled in the engine
on fast fields (`search.tantivy_ranking`); only the returned page's stored sources are read.
One writer per directory per process is shared by every `TantivySearchIndex` over that
directory; another process that writes meanwhile gets `IndexLockedError`.

The directory records the version of the schema it was built with (`SCHEMA_FILE`): an index of
another schema or version raises `IndexSchemaError`, or is emptied when asked
(`replace_other_schema`) so that the projection replays every event into it. It also holds
the projection's position (`POSITION_FILE`), so that deleting the directory, or emptying it,
takes the position with it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import tantivy

from search.fields import (
    EXACT,
    MATCHED,
    PAIRS,
    SUBJECT,
    Leaves,
    required_leaves,
    scoring_leaves,
    text_parts,
)
from search.hits import (
    bounded_facets,
    effective_sort,
    empty_facets,
    hit_from_source,
    keyword_values,
    source_of,
)
from search.normalize import fold, fold_normalized, normalize
from search.port import (
    IndexedDocument,
    SearchHit,
    SearchIndex,
    SearchResult,
    SearchScope,
)
from search.query import (
    FACET_NAMES,
    TOTAL_LIMIT,
    ParsedText,
    SearchFilters,
    SearchQuery,
    day_bounds,
    parse_text,
)
from search.tantivy_facets import (
    ISSUER_KEY,
    IssuerIds,
    add_issuer_key_field,
    count_facets,
    issuer_key,
)
from search.tantivy_ranking import add_key_fields, hit_count, key_values, ranked, source_at
from search.terms import pairs, terms

__all__ = [
    "POSITION_FILE",
    "SCHEMA_FILE",
    "SCHEMA_VERSION",
    "IndexLockedError",
    "IndexSchemaError",
    "TantivySearchIndex",
]

SCHEMA_VERSION = 6
"""2: `newest_key`/`oldest_key` fast fields (ties settled in the engine); 3: `*_pairs` fields
(the whole-query phrase boost as terms); 4: `issuer_key` (exact issuer counts,
`search.tantivy_facets`), and the parties among `scope_unit_ids` (`_scope_keys`); 5: urgency
and file folder in the meta text (the projection replays every document to add them); 6: the
text fields of `search.fields` (one field per form, not one per part and form)."""
SCHEMA_FILE = "eoffice-schema"
POSITION_FILE = "eoffice-position"

_ANALYZER = "eoffice_vi"
_PAIR_ANALYZER = "eoffice_pairs"
_WRITER_HEAP_BYTES = 64_000_000

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


class IndexLockedError(RuntimeError):
    """Another process holds this directory's writer: only one process may write."""


class IndexSchemaError(RuntimeError):
    """The directory holds an index of another schema: delete it and rebuild the projection."""


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(255))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _pair_analyzer() -> tantivy.TextAnalyzer:
    """Pairs are cut and lower-cased in Python (`search.terms.pairs`), joined by spaces."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in _KEYWORD_FIELDS:
        fast = name in FACET_NAMES  # facets are aggregations over fast fields
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=fast)
    for name in (MATCHED, SUBJECT, EXACT):
        builder.add_text_field(name, tokenizer_name=_ANALYZER)
    builder.add_text_field(PAIRS, tokenizer_name=_PAIR_ANALYZER, index_option="freq")
    builder.add_date_field("issued_at", indexed=True, fast=True)
    add_key_fields(builder)
    add_issuer_key_field(builder)
    builder.add_bytes_field("source", stored=True)
    return builder.build()


def _recorded_version(directory: Path) -> int | None:
    try:
        return int((directory / SCHEMA_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None


class _Shared:
    """The tantivy index of one directory and its lazily opened writer, shared in-process."""

    def __init__(self, directory: Path, replace_other_schema: bool) -> None:
        self.schema = _schema()
        self.schema_changed = False
        existed = (directory / "meta.json").exists()
        try:
            self.index = tantivy.Index(self.schema, path=str(directory))
            if existed and _recorded_version(directory) != SCHEMA_VERSION:
                raise ValueError(
                    f"schema does not match: version {_recorded_version(directory)}, "
                    f"expected {SCHEMA_VERSION}"
                )
        except ValueError as error:
            if "schema does not match" not in str(error):
                raise
            if not replace_other_schema:
                raise IndexSchemaError(f"{directory}: {error}") from error
            shutil.rmtree(directory)
            directory.mkdir(parents=True)
            self.index = tantivy.Index(self.schema, path=str(directory))
            self.schema_changed = True
        if _recorded_version(directory) != SCHEMA_VERSION:
            (directory / SCHEMA_FILE).write_text(str(SCHEMA_VERSION))
        self.analyzer = _analyzer()
        self.index.register_tokenizer(_ANALYZER, self.analyzer)
        self.index.register_tokenizer(_PAIR_ANALYZER, _pair_analyzer())
        self.directory = directory
        self.lock = threading.Lock()
        self.issuer_ids = IssuerIds()
        self.writer: tantivy.IndexWriter | None = None
        self.users = 0

    def open_writer(self) -> tantivy.IndexWriter:
        if self.writer is None:
            try:
                self.writer = self.index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as error:
                if "LockBusy" in str(error):
                    raise IndexLockedError(str(error)) from error
                raise
        return self.writer

    def close_writer(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.wait_merging_threads()  # finishes merges and releases the directory lock


_FACET_COUNTERS = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="facets")
"""Counts a search's facets while the calling thread ranks its hits: on an idle machine a
query then takes the longer of the two, not their sum (the CPU it uses is the same)."""

_registry: dict[Path, _Shared] = {}
_registry_lock = threading.Lock()


class TantivySearchIndex:
    """A `SearchIndex` in `directory` (created if missing, reopened if present). An index of
    another schema raises `IndexSchemaError`, or with `replace_other_schema` is emptied and
    `schema_changed` set: the projection must then replay every event into it. Totals are
    exact up to `total_limit` (tests lower it)."""

    def __init__(
        self,
        directory: Path,
        *,
        replace_other_schema: bool = False,
        total_limit: int = TOTAL_LIMIT,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._total_limit = total_limit
        self._key = directory.resolve()
        with _registry_lock:
            shared = _registry.get(self._key)
            if shared is None:
                shared = _registry[self._key] = _Shared(self._key, replace_other_schema)
            shared.users += 1
        self._shared: _Shared | None = shared
        self.schema_changed = shared.schema_changed

    def close(self) -> None:
        """Let go of the directory; the last user in the process releases the writer lock."""
        shared, self._shared = self._shared, None
        if shared is None:
            return
        with _registry_lock:
            shared.users -= 1
            if shared.users == 0:
                del _registry[self._key]
                with shared.lock:
                    shared.close_writer()

    def __enter__(self) -> TantivySearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def upsert(self, documents: Sequence[IndexedDocument]) -> None:
        latest = {document.document_id: document for document in documents}
        if not latest:
            return
        with self._writing() as writer:
            for document in latest.values():
                writer.delete_documents_by_term("document_id", document.document_id)
                writer.add_document(_to_tantivy(document))

    def delete(self, document_id: str) -> None:
        with self._writing() as writer:
            writer.delete_documents_by_term("document_id", document_id)

    def count(self) -> int:
        shared = self._open()
        shared.index.reload()
        return shared.index.searcher().num_docs

    def recorded_position(self) -> int:
        try:
            return int((self._open().directory / POSITION_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def record_position(self, position: int) -> None:
        path = self._open().directory / POSITION_FILE
        # a name of this process and thread: several processes (a CLI rebuild beside the web
        # app) may record at once
        tmp = path.with_name(f"{POSITION_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(str(position))
        tmp.replace(path)

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        """Best hits first; a blank query finds nothing (see `find` for filters and pages)."""
        if parse_text(query).blank or limit <= 0:
            return []
        return self.find(SearchQuery(text=query, limit=min(limit, 10_000)), scope).hits

    def find(self, query: SearchQuery, scope: SearchScope) -> SearchResult:
        shared = self._open()
        parsed = parse_text(query.text)
        if _scope_filter(shared.schema, scope) is None:
            return SearchResult(hits=[], total=0, facets=empty_facets())
        shared.index.reload()  # cheap; sees commits made by other processes too
        searcher = shared.index.searcher()
        narrow = _is_narrow(searcher, scope)
        combined = _combined(shared.schema, parsed, query.filters, scope, True, narrow, searcher)
        matching = _combined(shared.schema, parsed, query.filters, scope, False, narrow, searcher)
        assert combined is not None and matching is not None  # the scope admits something
        # Facets are counted on another thread meanwhile (tantivy lets go of the GIL).
        counting = _FACET_COUNTERS.submit(
            count_facets, searcher, shared.schema, matching, query.filters, shared.issuer_ids
        )

        def hits_found() -> int:  # one year per document: the year counts add up to the hits
            return sum(counting.result().buckets["year"].values())

        sort = effective_sort(parsed, query.sort)
        need = query.offset + query.limit
        order, _ = ranked(
            searcher, shared.schema, combined, sort, need, counting=False, found=hits_found
        )
        page = order[query.offset : query.offset + query.limit]
        hits = [hit_from_source(source_at(searcher, at), score, parsed) for score, at in page]
        counted = counting.result()
        facets, others = bounded_facets(counted.buckets, counted.selected)
        found = hits_found()
        return SearchResult(
            hits=hits,
            total=min(found, self._total_limit),
            facets=facets,
            total_is_lower_bound=found > self._total_limit,
            other_issuers_hits=others,
        )

    def scan(self, query: SearchQuery, scope: SearchScope) -> Iterator[SearchHit]:
        shared = self._open()
        parsed = parse_text(query.text)
        if _scope_filter(shared.schema, scope) is None:
            return
        shared.index.reload()
        searcher = shared.index.searcher()
        narrow = _is_narrow(searcher, scope)
        combined = _combined(shared.schema, parsed, query.filters, scope, True, narrow, searcher)
        assert combined is not None  # the scope admits something
        sort = effective_sort(parsed, query.sort)
        total = hit_count(searcher.search(combined, 1, count=True))
        if not total:
            return
        order, _ = ranked(searcher, shared.schema, combined, sort, total)
        for score, address in order:
            yield hit_from_source(source_at(searcher, address), score, parsed, with_snippet=False)

    def _open(self) -> _Shared:
        if self._shared is None:
            raise RuntimeError("this TantivySearchIndex is closed")
        return self._shared

    @contextmanager
    def _writing(self) -> Iterator[tantivy.IndexWriter]:
        """The shared writer under its lock; committed and visible on success, else rolled back."""
        shared = self._open()
        with shared.lock:
            writer = shared.open_writer()
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            shared.index.reload()


def _to_tantivy(document: IndexedDocument) -> tantivy.Document:
    record = tantivy.Document()
    keywords = keyword_values(document)
    # At or below: a party is in its own subtree (`_scope_keys`).
    keywords["scope_unit_ids"] = list(
        dict.fromkeys((*keywords["party_unit_ids"], *keywords["scope_unit_ids"]))
    )
    for name, values in keywords.items():
        for value in values:
            record.add_text(name, value)
    for part, text in enumerate(text_parts(document)):  # one value per part: a position gap
        exact = normalize(text)
        folded = fold_normalized(exact)
        record.add_text(EXACT, exact)
        record.add_text(MATCHED, folded)
        record.add_text(PAIRS, " ".join(pairs(terms(folded))))
        if part == 0:
            record.add_text(SUBJECT, folded)
    record.add_date("issued_at", document.issued_at)
    for name, key in key_values(document).items():
        record.add_unsigned(name, key)
    record.add_unsigned(ISSUER_KEY, issuer_key(document.issuer_unit_id))
    record.add_bytes("source", json.dumps(source_of(document), ensure_ascii=False).encode())
    return record


def _text_query(
    schema: tantivy.Schema,
    parsed: ParsedText,
    scoring: bool = True,
    within: tantivy.Query | None = None,
    searcher: tantivy.Searcher | None = None,
) -> tantivy.Query:
    """Every folded word, prefix and phrase in the folded text (`search.fields.MATCHED`); the
    subject, exact words and prefixes and the whole-query phrase (its adjacent pairs) only add
    score (left out unless `scoring`: the same documents match without them). Blank text
    matches everything.

    `within` (the reader's scope, scoring 0), when given, is joined to every term, prefix
    and phrase (each "leaf"). tantivy adds up optional clauses with a union that, asked for a
    document, scores every document of the next 4,096 in each; over a narrow scope that is
    nearly the whole index (a grassroots union's 25 documents among 1,000,000 touch 25 windows
    of 4,096 in each field). Joined, each leaf goes from one document of the scope to the next.
    The scores are the same sums (x + 0.0), added in another order: equal to the last bit or
    one unit of it. `searcher`, when given, looks up the words of each prefix (`_prefix_in`)."""
    if parsed.blank:
        return tantivy.Query.all_query()

    def leaf(query: tantivy.Query) -> tantivy.Query:
        return query if within is None else _both(query, within)

    leaves = Leaves[tantivy.Query](
        term=lambda field, word: leaf(tantivy.Query.term_query(schema, field, word)),
        prefix=lambda field, start: _prefix_in(schema, field, start, within, searcher),
        phrase=lambda field, words: leaf(
            tantivy.Query.phrase_query(schema, field, list[str | tuple[int, str]](words))
        ),
    )
    clauses = [(tantivy.Occur.Must, query) for query in required_leaves(parsed, leaves)]
    if not scoring:
        return tantivy.Query.boolean_query(clauses)
    for boost, adding in scoring_leaves(parsed, leaves):
        any_of = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in adding])
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(any_of, boost)))
    return tantivy.Query.boolean_query(clauses)


def _both(first: tantivy.Query, second: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, first), (tantivy.Occur.Must, second)])


PREFIX_TERMS = 64
"""A prefix with at most this many words in a field's term dictionary is matched by those
words' postings; with more, by a regex query over the dictionary."""


def _prefix_in(
    schema: tantivy.Schema,
    name: str,
    prefix: str,
    within: tantivy.Query | None,
    searcher: tantivy.Searcher | None,
) -> tantivy.Query:
    """The words of field `name` starting with `prefix`, scoring 1 (as a regex query does),
    joined to `within` when given. A regex query marks every document of every matching word
    in a bitset of the whole segment before it is joined to anything: "chuyen*" over
    1,000,000 documents cost a clerk 10 ms. A few words, read from the term dictionary
    (`searcher`), are joined one by one instead."""
    words: list[str] | None = None
    if searcher is not None:
        found = searcher.terms_with_prefix(name, prefix, limit=PREFIX_TERMS + 1)
        if len(found) <= PREFIX_TERMS:
            words = [word for word, _ in found]
    if words is None:
        query = tantivy.Query.regex_query(schema, name, re.escape(prefix) + ".*")
        return query if within is None else _both(query, within)
    if not words:
        return tantivy.Query.empty_query()
    postings = (tantivy.Query.term_query(schema, name, word) for word in words)
    any_word = [
        (tantivy.Occur.Should, posting if within is None else _both(posting, within))
        for posting in postings
    ]
    return tantivy.Query.const_score_query(tantivy.Query.boolean_query(any_word), 1.0)


def _filter_query(schema: tantivy.Schema, filters: SearchFilters) -> list[tantivy.Query]:
    term = tantivy.Query.term_query
    queries: list[tantivy.Query] = []
    if filters.doc_types:
        queries.append(_any_of(schema, "doc_type", filters.doc_types))
    if filters.statuses:
        queries.append(_any_of(schema, "status", filters.statuses))
    if filters.issuer_unit_id:
        field = "issuer_path_ids" if filters.issuer_subtree else "issuer_unit_id"
        queries.append(term(schema, field, filters.issuer_unit_id))
    if filters.number_symbol is not None:
        queries.append(term(schema, "number_key", fold(filters.number_symbol).strip()))
    if filters.signer is not None:
        queries.append(term(schema, "signer_key", " ".join(fold(filters.signer).split())))
    start, end = day_bounds(filters)
    if start is not None or end is not None:
        queries.append(
            tantivy.Query.range_query(
                schema,
                "issued_at",
                tantivy.FieldType.Date,
                start,
                end,
                include_lower=True,
                include_upper=end is None,
            )
        )
    return queries


def _any_of(schema: tantivy.Schema, field: str, values: Sequence[str]) -> tantivy.Query:
    """Documents with any of `values` in keyword `field`: one value is read from its postings;
    a term set would first mark the documents of all of them in a bitset of the segment."""
    if len(values) == 1:
        return tantivy.Query.term_query(schema, field, values[0])
    return tantivy.Query.term_set_query(schema, field, list(values))


def _combined(
    schema: tantivy.Schema,
    parsed: ParsedText,
    filters: SearchFilters,
    scope: SearchScope,
    scoring: bool = True,
    narrow: bool = False,
    searcher: tantivy.Searcher | None = None,
) -> tantivy.Query | None:
    """Text, scope and filters; None when the scope admits nothing. Without `scoring`, the
    clauses that only add score are left out: the same documents, found faster (facets).
    `narrow` (`_is_narrow`): the scope is joined to each leaf of the text (the filters stay
    outside: a type or a date range admits a large share of any scope). `searcher`: see
    `_text_query`."""
    scope_filter = _scope_filter(schema, scope)
    if scope_filter is None:
        return None
    narrowing = [scope_filter, *_filter_query(schema, filters)]
    neutral = tantivy.Query.const_score_query(
        tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in narrowing]), 0.0
    )
    within = tantivy.Query.const_score_query(scope_filter, 0.0) if narrow else None
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, _text_query(schema, parsed, scoring, within, searcher)),
            (tantivy.Occur.Must, neutral),
        ]
    )


NARROW_SHARE = 0.25
"""A scope whose keys are on fewer than this share of the documents is narrow."""


def _is_narrow(searcher: tantivy.Searcher, scope: SearchScope) -> bool:
    """Whether `scope` admits few documents, bounded from above by the document frequency of
    its keys (a term dictionary lookup each). Only the cost of a search depends on it: a
    narrow scope is joined to every leaf of the text (`_text_query`); over a wide one that
    only adds work (the national scope: each leaf would check the scope in every document)."""
    if scope.everything:
        return False
    bound = sum(
        searcher.doc_freq(field, value)
        for field, values in _scope_keys(scope).items()
        for value in values
    )
    return bound < NARROW_SHARE * searcher.num_docs


def _scope_keys(scope: SearchScope) -> dict[str, list[str]]:
    """The keyword values that admit a document to `scope`, per field (any one suffices).
    `scope_unit_ids` holds the parties and every unit above them, so a subtree's root admits
    its own documents too: an auditor of the units they belong to (a provincial auditor's
    unit is the root of their subtree) is one key, not a union of two."""
    keys: dict[str, list[str]] = {}
    roots = list(dict.fromkeys(scope.subtree_root_ids))
    own = [unit for unit in dict.fromkeys(scope.unit_ids) if unit not in roots]
    if own:
        keys["party_unit_ids"] = own
    if roots:
        keys["scope_unit_ids"] = roots
    return keys


def _scope_filter(schema: tantivy.Schema, scope: SearchScope) -> tantivy.Query | None:
    """A filter for `scope`, or None when the scope admits nothing."""
    if scope.everything:
        return tantivy.Query.all_query()
    alternatives = [_any_of(schema, field, values) for field, values in _scope_keys(scope).items()]
    if not alternatives:
        return None
    if len(alternatives) == 1:
        return alternatives[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])


if TYPE_CHECKING:
    _implements_port: type[SearchIndex] = TantivySearchIndex
