"""Benchmark (issue 7): indexing rate, index size, memory and query latency of the search index.

Two ways in, on either backend (`--backend tantivy|elasticsearch`):

- `--from-events N`: end to end. Units and N issued documents are appended to a SQLite event
  store as real aggregates (`bench.search_events`, real PDFs and their text blobs in the blob
  store), the read model catches up (the unit tree), then the real `SearchProjection.catch_up`
  reads the events, replays each document, reads its text blob (`--without-text`: extracts its
  PDF's text, as for documents drafted before text blobs) and writes the index: documents/s.
- `--documents N` (default 100,000): the index-write path. `IndexedDocument`s are generated
  (`bench.search_corpus`, ~2 KB bodies, issuers from the 126,000-unit tree) and upserted in the
  projection's batches of 200, each batch committed and visible as the projection does.

Then a fixed mixed query set (words with and without diacritics, phrases, prefixes, filters,
sort by date, facets always counted) runs under three readers' scopes: a grassroots union's
clerk, the auditor of a provincial federation (its subtree) and the national auditor (the whole
tree through the scope filter): p50/p95/p99 latency per scope and overall.

Memory: peak resident memory, and apart the highest anonymous (the process's own heap) and
file-backed (the index files tantivy maps, which the kernel drops under pressure) memory.
`--keep DIR` keeps the index and its readers; `--keep DIR --reuse` runs the query set alone over
a kept tantivy index, in a process that only reads it (as a web process does).

Run: `.venv/bin/python -m bench.search_index --backend tantivy --documents 100000`.
Elasticsearch is started by the tests' helper (`tests/servers/elasticsearch.py`) with a 1 GB heap
and the full JIT (`BENCH_JAVA_OPTS`; the tests use C1 only, for a fast start)
unless `--elasticsearch-url` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.search_corpus import Corpus, SyntheticTree
from search.port import SearchIndex, SearchScope
from search.query import SearchFilters, SearchQuery, Sort

BATCH = 200  # SearchProjection.catch_up's default batch


@dataclass(frozen=True)
class Reader:
    name: str
    scope: SearchScope
    unit_id: str


def readers(corpus: Corpus) -> list[Reader]:
    """The busiest grassroots union of the corpus, the first provincial federation, national."""
    tree = corpus.tree
    grassroots_ids = set(tree.by_level["grassroots"])
    busiest = [unit for unit, _ in corpus.party_counts.most_common() if unit in grassroots_ids]
    grassroots = tree.units[busiest[0]]
    provincial = tree.code("p00")
    national = tree.code("tld")
    return [
        Reader("grassroots clerk", SearchScope(unit_ids=[grassroots.id]), grassroots.id),
        Reader(
            "provincial auditor",
            SearchScope(unit_ids=[provincial.id], subtree_root_ids=[provincial.id]),
            provincial.id,
        ),
        Reader(
            "national auditor",
            SearchScope(unit_ids=[national.id], subtree_root_ids=[national.id]),
            national.id,
        ),
    ]


def query_set(reader: Reader) -> list[SearchQuery]:
    """The fixed mixed set; facets are counted by every `find`."""
    plain = [
        "công đoàn",
        "cong doan",
        "chuyển đổi số",
        "chuyen doi so",
        "thỏa ước lao động tập thể",
        "thoa uoc",
        "an toàn vệ sinh lao động",
        "mai am cong doan",
        "cổng thông tin điện tử",
        "cong thong tin",
        "SmartCA chữ ký số",
        "bảo hiểm xã hội",
        '"tháng công nhân"',
        '"thoa uoc lao dong tap the"',
        '"phần mềm quản lý đoàn viên"',
        "chuyen*",
        "tập huấn cán bộ*",
        "quyết toán tài chính",
        "Yên Định",
        "đối thoại nơi làm việc",
    ]
    queries = [SearchQuery(text=text) for text in plain]
    queries += [
        SearchQuery(text="kế hoạch", filters=SearchFilters(doc_types=("Kế hoạch",))),
        SearchQuery(text="bao cao ket qua", filters=SearchFilters(doc_types=("Báo cáo",))),
        SearchQuery(
            text="dai hoi",
            filters=SearchFilters(issued_from=date(2024, 1, 1), issued_to=date(2024, 12, 31)),
        ),
        SearchQuery(text="", sort=Sort.NEWEST),
        SearchQuery(text="người lao động", sort=Sort.NEWEST),
        SearchQuery(text="thi dua", sort=Sort.OLDEST, offset=20),
        SearchQuery(text="", filters=SearchFilters(number_symbol="1/KH-LĐLĐ")),
        SearchQuery(text="", filters=SearchFilters(signer="Nguyen Van An")),
        SearchQuery(
            text="chuyen doi so",
            filters=SearchFilters(issuer_unit_id=reader.unit_id, issuer_subtree=True),
        ),
        SearchQuery(
            text="",
            filters=SearchFilters(issued_from=date(2025, 3, 1), issued_to=date(2025, 3, 31)),
            sort=Sort.NEWEST,
        ),
    ]
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemorySampler:
    """The highest anonymous and file-backed resident memory of this process, sampled every
    0.2 s from /proc/self/status. File-backed pages are the index files tantivy maps: the
    kernel reads them in as queries touch them and drops them under memory pressure (page
    cache); anonymous pages are the process's own heap (Python, the writer's buffer)."""

    def __init__(self) -> None:
        self.anonymous_mb = 0.0
        self.file_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def sample(self) -> None:
        fields = {}
        with open("/proc/self/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("RssAnon", "RssFile"):
                    fields[name] = int(value.split()[0]) / 1024
        self.anonymous_mb = max(self.anonymous_mb, fields.get("RssAnon", 0.0))
        self.file_mb = max(self.file_mb, fields.get("RssFile", 0.0))

    def report(self) -> str:
        self.sample()
        return (
            f"peak resident memory {peak_rss_mb():,.0f} MB; highest anonymous "
            f"{self.anonymous_mb:,.0f} MB, highest file-backed (mapped index files) "
            f"{self.file_mb:,.0f} MB"
        )

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def save_readers(path: Path, everyone: list[Reader]) -> None:
    rows = [
        {
            "name": reader.name,
            "unit_ids": reader.scope.unit_ids,
            "subtree_root_ids": reader.scope.subtree_root_ids,
            "unit_id": reader.unit_id,
        }
        for reader in everyone
    ]
    path.write_text(json.dumps(rows, indent=1))


def load_readers(path: Path) -> list[Reader]:
    rows = json.loads(path.read_text())
    return [
        Reader(
            row["name"],
            SearchScope(unit_ids=row["unit_ids"], subtree_root_ids=row["subtree_root_ids"]),
            row["unit_id"],
        )
        for row in rows
    ]


def directory_bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


@contextlib.contextmanager
def open_index(backend: str, work: Path, es_url: str | None) -> Iterator[tuple[SearchIndex, Any]]:
    """The index and a function giving its size on disk in bytes."""
    if backend == "tantivy":
        from search.tantivy_index import TantivySearchIndex

        directory = work / "index"
        with contextlib.ExitStack() as stack:
            index = stack.enter_context(TantivySearchIndex(directory))
            yield index, lambda: directory_bytes(directory)
        return
    from search.elasticsearch_index import ElasticsearchSearchIndex

    with contextlib.ExitStack() as stack:
        if es_url is None:
            from tests.servers.elasticsearch import (
                BENCH_JAVA_OPTS,
                find_installation,
                running_elasticsearch,
            )

            installation = find_installation()
            if installation is None:
                raise SystemExit("Elasticsearch is not installed: scripts/install-elasticsearch.sh")
            server = stack.enter_context(running_elasticsearch(installation, BENCH_JAVA_OPTS))
            print(f"Elasticsearch {server.version} up in {server.startup_seconds:.0f} s")
            es_url = server.url
        es = stack.enter_context(ElasticsearchSearchIndex(es_url, f"bench-{time.time_ns()}"))

        def size() -> int:
            client = es._client  # the bench looks under the adapter, for the store size
            client.indices.flush(index=es.alias)
            stats = client.indices.stats(index=es.alias, metric="store")
            return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

        yield es, size


def settled(index: Any, directory: Path) -> SearchIndex:
    """Closes the writer (waiting for its merges) and reopens the index for reading: steady-state
    query latency, without background merges competing for the CPU."""
    from search.tantivy_index import TantivySearchIndex

    started = time.perf_counter()
    index.close()
    reopened = TantivySearchIndex(directory)
    segments = len(list(directory.glob("*.idx")))
    seconds = time.perf_counter() - started
    print(f"writer closed after its merges in {seconds:.1f} s; {segments} segments")
    return reopened


def index_documents(index: SearchIndex, corpus: Corpus, count: int) -> float:
    """The index-write path; returns the seconds spent in `upsert`."""
    spent = 0.0
    done = 0
    documents = corpus.documents(count)
    while done < count:
        batch = [next(documents) for _ in range(min(BATCH, count - done))]
        started = time.perf_counter()
        index.upsert(batch)
        spent += time.perf_counter() - started
        done += len(batch)
        if done % 50_000 == 0:
            print(f"  {done:,} documents, {done / spent:,.0f}/s so far", flush=True)
    return spent


def index_from_events(
    index: SearchIndex, corpus: Corpus, count: int, work: Path, with_text: bool = True
) -> float:
    """End to end: events appended, read model caught up, then the projection; returns the
    projection's seconds."""
    from bench.search_events import write_documents, write_units
    from documents.application import OfficeApplication
    from documents.blobs import FilesystemBlobStore
    from documents.views import ReadModel
    from search.projection import SearchProjection

    app = OfficeApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(work / "events.db")},
        ReadModel(work / "views.sqlite"),
        FilesystemBlobStore(work / "blobs", 10_000_000),
    )
    started = time.perf_counter()
    units = write_units(app, corpus.tree)
    events = write_documents(app, corpus, count, pdf_pool=min(count, 50), with_text=with_text)
    seconds = time.perf_counter() - started
    print(f"appended {units:,} units and {events:,} document events in {seconds:.0f} s")
    started = time.perf_counter()
    app.views.catch_up(app.notifications)
    print(f"read model caught up in {time.perf_counter() - started:.0f} s")
    projection = SearchProjection(index)
    started, cpu = time.perf_counter(), time.process_time()
    indexed = projection.catch_up(app)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"CPU time of this process in the projection: {cpu:.1f} s, {count / cpu:,.0f} docs per "
        "CPU-second (the machine is shared: wall time stretches with the load; "
        "Elasticsearch's own CPU is not counted)"
    )
    app.close()
    print(f"the projection made {indexed:,} upserts (a document whose events span two batches")
    print("  is indexed twice)")
    assert index.count() == count, f"the index holds {index.count()} of {count} documents"
    return seconds


def measure_queries(index: SearchIndex, everyone: list[Reader], repeats: int) -> None:
    overall: list[float] = []
    for reader in everyone:
        queries = query_set(reader)
        totals = [index.find(query, reader.scope).total for query in queries]  # warm-up
        latencies: list[float] = []
        cpu = time.process_time()
        for _ in range(repeats):
            for query in queries:
                started = time.perf_counter()
                index.find(query, reader.scope)
                latencies.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(latencies)
        overall += latencies
        print(
            f"  {reader.name:20} {len(latencies):5} queries "
            f"(hits per query: median {statistics.median(totals):,.0f}, max {max(totals):,}): "
            + _percentiles(latencies)
            + f"; CPU {cpu_ms:.1f} ms/query"
        )
    print(f"  {'all scopes':20} {len(overall):5} queries: " + _percentiles(overall))


def _percentiles(latencies: list[float]) -> str:
    return ", ".join(
        f"p{int(share * 100)} {percentile(latencies, share):.1f} ms" for share in (0.5, 0.95, 0.99)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("tantivy", "elasticsearch"), default="tantivy")
    parser.add_argument("--documents", type=int, default=100_000, help="index-write path")
    parser.add_argument("--from-events", type=int, metavar="N", help="end to end, N documents")
    parser.add_argument(
        "--without-text",
        action="store_true",
        help="end to end: documents without a text blob (drafted before it existed): pypdf",
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs of the query set per scope")
    parser.add_argument("--elasticsearch-url", help="an existing node (else one is started)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument(
        "--settle", action="store_true", help="tantivy: finish merges before the queries"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="tantivy, with --keep: query the index a previous run kept (no indexing)",
    )
    args = parser.parse_args(argv)
    if args.reuse:
        if args.keep is None or args.backend != "tantivy":
            parser.error("--reuse needs --keep DIR and the tantivy backend")
        reuse_kept(args.keep, args.repeats)
        return
    end_to_end = args.from_events is not None
    count = args.from_events if end_to_end else args.documents
    with contextlib.ExitStack() as stack:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-search-")))
        # End to end uses two level-2 units (~4,700 units) so the event store stays small.
        tree = SyntheticTree(level2_limit=2 if end_to_end else None)
        corpus = Corpus(tree)
        index, size = stack.enter_context(open_index(args.backend, work, args.elasticsearch_url))
        path = "end to end from events" if end_to_end else "index-write path"
        print(f"{args.backend}: {count:,} documents, {path}, {len(tree.units):,} units")
        memory = MemorySampler()
        if end_to_end:
            seconds = index_from_events(index, corpus, count, work, not args.without_text)
        else:
            seconds = index_documents(index, corpus, count)
        print(f"indexed {count:,} documents in {seconds:.1f} s: {count / seconds:,.0f} docs/s")
        if args.settle and args.backend == "tantivy":
            index = settled(index, work / "index")
            stack.callback(index.close)  # type: ignore[attr-defined]
        print(f"index size on disk: {size() / 1e6:,.0f} MB ({index.count():,} documents)")
        print(f"indexing: {memory.report()}")
        everyone = readers(corpus)
        save_readers(work / READERS_FILE, everyone)
        print(f"query latency ({args.repeats} runs of the set per scope, facets counted):")
        measure_queries(index, everyone, args.repeats)
        print(f"after the queries: {memory.report()}")
        memory.stop()


READERS_FILE = "readers.json"
"""Kept beside the index: the readers of its corpus, for `--reuse`."""


def reuse_kept(work: Path, repeats: int) -> None:
    """The query set over a kept tantivy index, in a process that only reads it (as the web
    processes do): latency and the memory of reading alone."""
    from search.tantivy_index import TantivySearchIndex

    for kept in (work / READERS_FILE, work / "index" / "meta.json"):
        if not kept.exists():
            raise SystemExit(f"{kept} is missing: run once with --keep {work} (without --reuse)")
    memory = MemorySampler()
    everyone = load_readers(work / READERS_FILE)
    with TantivySearchIndex(work / "index") as index:
        directory = work / "index"
        print(f"tantivy: kept index of {index.count():,} documents in {directory}")
        print(f"index size on disk: {directory_bytes(directory) / 1e6:,.0f} MB")
        print(f"query latency ({repeats} runs of the set per scope, facets counted):")
        measure_queries(index, everyone, repeats)
        print(f"after the queries: {memory.report()}")
    memory.stop()


if __name__ == "__main__":
    main()
