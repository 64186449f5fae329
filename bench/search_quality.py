"""Search quality (issue 7): recall@10 and MRR on a labelled set, folded engines vs a baseline.

The labelled set is `bench.search_quality_set` (30 documents, 60 queries, half typed without
diacritics). Three indexes hold the same documents: the tantivy adapter, the Elasticsearch
adapter (both fold Vietnamese in Python, `search.normalize`) and a baseline, a plain tantivy
index with tantivy's default tokenizer on the raw text (no folding), queried with every word
required in the subject or the body, as the adapters require every word.

Run: `.venv/bin/python -m bench.search_quality` (starts an Elasticsearch node as the tests
do, or `--elasticsearch-url URL`; `--no-elasticsearch` for tantivy and the baseline only).
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import tantivy

from bench.search_quality_set import DOCUMENTS, QUERIES, LabelledDocument, LabelledQuery
from search.port import IndexedDocument, SearchIndex, SearchScope
from search.terms import terms

__all__ = ["Scores", "baseline_ranker", "engine_ranker", "evaluate", "indexed_documents"]

Ranker = Callable[[str], list[str]]
"""Query text -> document ids, best first (at least the first 10)."""

EVERYTHING = SearchScope(unit_ids=[], everything=True)
_ISSUED = datetime(2025, 6, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))


@dataclass(frozen=True)
class Scores:
    recall_at_10: float
    mrr: float
    queries: int


def indexed_documents(documents: Sequence[LabelledDocument] = DOCUMENTS) -> list[IndexedDocument]:
    """The labelled documents as the projection would index them; all issued the same day,
    so that dates never break a tie in the ranking."""
    return [
        IndexedDocument(
            document_id=document.id,
            number_symbol=f"{index + 1}/BC-LĐLĐ",
            doc_type=document.doc_type,
            subject=document.subject,
            body_text=document.body,
            issuer_unit_id="u-province",
            issuer_name="Liên đoàn Lao động tỉnh Bến Tre",
            signer_name=document.signer,
            status="issued",
            urgency="thuong",
            issued_at=_ISSUED,
            party_unit_ids=["u-province"],
            scope_unit_ids=["u-national"],
            issuer_path_ids=["u-province", "u-national"],
        )
        for index, document in enumerate(documents)
    ]


def engine_ranker(index: SearchIndex) -> Ranker:
    def rank(text: str) -> list[str]:
        return [hit.document_id for hit in index.search(text, EVERYTHING, limit=10)]

    return rank


def baseline_ranker(directory: Path, documents: Sequence[LabelledDocument] = DOCUMENTS) -> Ranker:
    """A plain tantivy index of the raw text: default tokenizer (simple, lowercase), no folding."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("subject")
    builder.add_text_field("body")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(directory))
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for document in documents:
        writer.add_document(
            tantivy.Document(id=document.id, subject=document.subject, body=document.body)
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()

    def rank(text: str) -> list[str]:
        words = terms(text)  # tantivy's default tokenizer: letters and digits, lower-cased
        if not words:
            return []
        clauses = [
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.term_query(schema, field, word))
                        for field in ("subject", "body")
                    ]
                ),
            )
            for word in words
        ]
        searcher = index.searcher()
        hits = searcher.search(tantivy.Query.boolean_query(clauses), 10).hits
        return [str(searcher.doc(address).get_first("id")) for _, address in hits]

    return rank


def evaluate(rank: Ranker, queries: Sequence[LabelledQuery] = QUERIES) -> Scores:
    """Mean recall@10 and mean reciprocal rank (0 for a query with no relevant hit)."""
    recall = reciprocal = 0.0
    for query in queries:
        ranked = rank(query.text)[:10]
        recall += len(query.relevant.intersection(ranked)) / len(query.relevant)
        first = next((i for i, d in enumerate(ranked, start=1) if d in query.relevant), None)
        reciprocal += 1 / first if first else 0.0
    return Scores(recall / len(queries), reciprocal / len(queries), len(queries))


def groups() -> dict[str, list[LabelledQuery]]:
    return {
        "with diacritics": [q for q in QUERIES if q.has_diacritics],
        "without diacritics": [q for q in QUERIES if not q.has_diacritics],
        "all": list(QUERIES),
    }


@contextlib.contextmanager
def rankers(work: Path, es_url: str | None, with_es: bool) -> Iterator[dict[str, Ranker]]:
    from search.tantivy_index import TantivySearchIndex

    documents = indexed_documents()
    with contextlib.ExitStack() as stack:
        tantivy_index = stack.enter_context(TantivySearchIndex(work / "tantivy"))
        tantivy_index.upsert(documents)
        found: dict[str, Ranker] = {"tantivy (folded)": engine_ranker(tantivy_index)}
        if with_es:
            from search.elasticsearch_index import ElasticsearchSearchIndex

            if es_url is None:
                from tests.servers.elasticsearch import find_installation, running_elasticsearch

                installation = find_installation()
                if installation is None:
                    raise SystemExit("Elasticsearch is not installed: run the install script")
                es_url = stack.enter_context(running_elasticsearch(installation)).url
            es = stack.enter_context(ElasticsearchSearchIndex(es_url, f"quality-{time.time_ns()}"))
            es.upsert(documents)
            found["Elasticsearch (folded)"] = engine_ranker(es)
        (work / "baseline").mkdir()
        found["baseline: plain, unfolded"] = baseline_ranker(work / "baseline")
        yield found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--elasticsearch-url")
    parser.add_argument("--no-elasticsearch", action="store_true")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-quality-")))
        found = stack.enter_context(
            rankers(work, args.elasticsearch_url, not args.no_elasticsearch)
        )
        print(f"{len(DOCUMENTS)} documents, {len(QUERIES)} queries")
        print("| index | queries | recall@10 | MRR |")
        print("|---|---|---|---|")
        for name, rank in found.items():
            for group, queries in groups().items():
                scores = evaluate(rank, queries)
                print(
                    f"| {name} | {group} ({scores.queries}) | "
                    f"{scores.recall_at_10:.3f} | {scores.mrr:.3f} |"
                )


if __name__ == "__main__":
    main()
