"""`SearchIndex` on tantivy: an embedded index in a directory, for one-machine installs.

Schema: subject, body and meta (number, issuer, signer, type) are each indexed twice, once as
`normalize` gives them (exact, diacritics kept) and once as `fold` gives them; both use one
analyzer (simple tokenizer + lowercase), registered whenever an index is opened. Unit ids are
raw keyword fields for the scope filter; the original values travel in a stored `source` blob,
as in Elasticsearch, so nothing long is indexed as a single term.

Queries are built with tantivy's Query API, never parsed, so user text cannot be a syntax
error: every folded word must occur in some folded field; exact words and whole-query phrases
only add score. One writer per directory per process is shared by every
`TantivySearchIndex` over that directory; another process that writes meanwhile gets
`IndexLockedError`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import tantivy

from search.normalize import fold, normalize
from search.port import IndexedDocument, SearchHit, SearchIndex, SearchScope
from search.text import excerpt, leading_excerpt, query_words

__all__ = ["IndexLockedError", "IndexSchemaError", "TantivySearchIndex"]

_ANALYZER = "eoffice_vi"
_WRITER_HEAP_BYTES = 64_000_000
_SNIPPET_WIDTH = 200

# Boosts per searched field. A word typed with diacritics that matches them exactly scores
# in both the exact and the folded field, so it outranks a word that matches only folded.
_FOLDED_FIELDS = {"subject_folded": 2.0, "meta_folded": 1.5, "body_folded": 1.0}
_EXACT_FIELDS = {"subject_exact": 3.0, "meta_exact": 2.0, "body_exact": 1.5}
_PHRASE_FIELDS = {"subject_folded": 3.0, "meta_folded": 2.0, "body_folded": 1.0}
_KEYWORD_FIELDS = (
    "document_id",
    "party_unit_ids",
    "scope_unit_ids",
    "issuer_unit_id",
    "doc_type",
    "status",
    "urgency",
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


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in _KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in (*_EXACT_FIELDS, *_FOLDED_FIELDS):
        builder.add_text_field(name, tokenizer_name=_ANALYZER)
    builder.add_date_field("issued_at", indexed=True, fast=True)
    builder.add_bytes_field("source", stored=True)
    return builder.build()


class _Shared:
    """The tantivy index of one directory and its lazily opened writer, shared in-process."""

    def __init__(self, directory: Path) -> None:
        self.schema = _schema()
        try:
            self.index = tantivy.Index(self.schema, path=str(directory))
        except ValueError as error:
            if "schema does not match" in str(error):
                raise IndexSchemaError(f"{directory}: {error}") from error
            raise
        self.analyzer = _analyzer()
        self.index.register_tokenizer(_ANALYZER, self.analyzer)
        self.lock = threading.Lock()
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


_registry: dict[Path, _Shared] = {}
_registry_lock = threading.Lock()


class TantivySearchIndex:
    """A `SearchIndex` in `directory` (created if missing, reopened if present)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._key = directory.resolve()
        with _registry_lock:
            shared = _registry.get(self._key)
            if shared is None:
                shared = _registry[self._key] = _Shared(self._key)
            shared.users += 1
        self._shared: _Shared | None = shared

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

    def search(self, query: str, scope: SearchScope, limit: int = 20) -> list[SearchHit]:
        shared = self._open()
        folded_words = shared.analyzer.analyze(fold(query))
        scope_filter = _scope_filter(shared.schema, scope)
        if not folded_words or scope_filter is None or limit <= 0:
            return []
        exact_words = shared.analyzer.analyze(normalize(query))
        text_query = _text_query(shared.schema, folded_words, exact_words)
        combined = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, text_query), (tantivy.Occur.Must, scope_filter)]
        )
        shared.index.reload()  # cheap; sees commits made by other processes too
        searcher = shared.index.searcher()
        snippet_words = query_words(query)
        hits = []
        for score, address in searcher.search(combined, limit).hits:
            stored = searcher.doc(address).get_first("source")
            if not isinstance(stored, bytes):  # written by every upsert; never expected
                continue
            hits.append(_to_hit(json.loads(stored), float(score), snippet_words))
        hits.sort(key=_rank)  # ties: newest first, then by id, as in Elasticsearch
        return hits

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
    meta = " ".join(
        (document.number_symbol, document.doc_type, document.issuer_name, document.signer_name)
    )
    texts = {"subject": document.subject, "body": document.body_text, "meta": meta}
    record = tantivy.Document()
    for name in ("document_id", "issuer_unit_id", "doc_type", "status", "urgency"):
        record.add_text(name, getattr(document, name))
    for unit_id in dict.fromkeys(document.party_unit_ids):
        record.add_text("party_unit_ids", unit_id)
    for unit_id in dict.fromkeys(document.scope_unit_ids):
        record.add_text("scope_unit_ids", unit_id)
    for name, text in texts.items():
        record.add_text(f"{name}_exact", normalize(text))
        record.add_text(f"{name}_folded", fold(text))
    record.add_date("issued_at", document.issued_at)
    record.add_bytes("source", json.dumps(_source(document), ensure_ascii=False).encode())
    return record


def _source(document: IndexedDocument) -> dict[str, Any]:
    return {
        "document_id": document.document_id,
        "number_symbol": document.number_symbol,
        "subject": document.subject,
        "body_text": document.body_text,
        "issuer_name": document.issuer_name,
        "doc_type": document.doc_type,
        "issued_at": document.issued_at.isoformat(),
    }


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


def _rank(hit: SearchHit) -> tuple[float, float, str]:
    return (-hit.score, -hit.issued_at.timestamp(), hit.document_id)


def _boosted(queries: Iterator[tuple[tantivy.Query, float]]) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.boost_query(query, boost))
            for query, boost in queries
        ]
    )


def _text_query(
    schema: tantivy.Schema, folded_words: list[str], exact_words: list[str]
) -> tantivy.Query:
    """Every folded word in some folded field; exact words and phrases only add score."""
    term = tantivy.Query.term_query
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for word in dict.fromkeys(folded_words):
        any_field = ((term(schema, name, word), boost) for name, boost in _FOLDED_FIELDS.items())
        clauses.append((tantivy.Occur.Must, _boosted(any_field)))
    for word in dict.fromkeys(exact_words):
        exact = ((term(schema, name, word), boost) for name, boost in _EXACT_FIELDS.items())
        clauses.append((tantivy.Occur.Should, _boosted(exact)))
    if len(folded_words) > 1:
        phrases = (
            (tantivy.Query.phrase_query(schema, name, list(folded_words)), boost)
            for name, boost in _PHRASE_FIELDS.items()
        )
        clauses.append((tantivy.Occur.Should, _boosted(phrases)))
    return tantivy.Query.boolean_query(clauses)


def _scope_filter(schema: tantivy.Schema, scope: SearchScope) -> tantivy.Query | None:
    """A score-neutral filter for `scope`, or None when the scope admits nothing."""
    if scope.everything:
        return tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0)
    terms = tantivy.Query.term_set_query
    alternatives: list[tantivy.Query] = []
    if scope.unit_ids:
        alternatives.append(terms(schema, "party_unit_ids", list(scope.unit_ids)))
    if scope.subtree_root_ids:
        roots = list(scope.subtree_root_ids)
        alternatives.append(terms(schema, "party_unit_ids", roots))
        alternatives.append(terms(schema, "scope_unit_ids", roots))
    if not alternatives:
        return None
    either = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])
    return tantivy.Query.const_score_query(either, 0.0)


if TYPE_CHECKING:
    _implements_port: type[SearchIndex] = TantivySearchIndex
