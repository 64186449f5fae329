"""Benchmark: import of the ~126,000-unit tree from CSV into a fresh SQLite event store.

Target (issue 4): < 60 s and < 1 GB resident memory. Run: ``.venv/bin/python -m bench.import_units``
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from bench.union_tree import union_tree_csv
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.views import ReadModel


def main() -> None:
    text = union_tree_csv()
    rows = text.count("\n") - 1
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        app = OfficeApplication(
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data / "ev.db")},
            ReadModel(data / "views.db"),
            FilesystemBlobStore(data / "blobs", 1_000_000),
        )
        started = time.perf_counter()
        imported = app.import_units(text)
        elapsed = time.perf_counter() - started
        tree_started = time.perf_counter()
        app.views.unit_tree()
        rebuilt = time.perf_counter() - tree_started
        tree_started = time.perf_counter()
        app.views.unit_tree()
        cached = time.perf_counter() - tree_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert imported == rows
    print(f"units imported: {imported}")
    print(f"import (parse, check, save, read model): {elapsed:.1f} s ({imported / elapsed:,.0f}/s)")
    print(f"unit tree built from the read model: {rebuilt * 1000:.0f} ms")
    print(f"unit tree read again (cached): {cached * 1000:.2f} ms")
    print(f"peak resident memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
