"""Benchmark: rebuild of the read models (inbox, outbox, registers, history, units) from
1,000,000 events in a SQLite event store.

Target (issue 4): < 5 minutes. The history is written first (``bench.event_history``: units,
documents through their lifecycle, receipts, register numbers), then a new application on that
store times ``ReadModel.reset()`` and ``catch_up`` from zero, as ``eoffice rebuild-views`` does
(the search index, rebuilt by the same command, is not part of this figure).

Run: ``.venv/bin/python -m bench.rebuild_views`` (``--quick``: 100,000 events). ``--events-db
FILE`` keeps the generated store in FILE and reuses it when it exists.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from bench.event_history import write_history
from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.views import ReadModel


def office(events_db: Path, views: Path) -> OfficeApplication:
    return OfficeApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(events_db)},
        ReadModel(views),
        FilesystemBlobStore(views.parent / "blobs", 1_000_000),
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(events_db: Path, events: int) -> None:
    """Runs in a child process, so that the parent's peak memory is the rebuild's alone."""
    writer = office(events_db, events_db.parent / "writer" / "views.sqlite")
    started = time.perf_counter()
    written = write_history(writer, events)
    seconds = time.perf_counter() - started
    writer.close()
    print(f"generated {written:,} events in {seconds:.0f} s ({written / seconds:,.0f}/s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--quick", action="store_true", help="100,000 events")
    parser.add_argument("--events-db", type=Path, help="keep (or reuse) the event store here")
    args = parser.parse_args(argv)
    events = 100_000 if args.quick else args.events
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as directory:
        work = Path(directory)
        events_db = args.events_db or work / "events.sqlite"
        if not events_db.exists():
            events_db.parent.mkdir(parents=True, exist_ok=True)
            child = multiprocessing.get_context("spawn").Process(
                target=generate, args=(events_db, events)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                raise SystemExit(f"generating the events failed ({child.exitcode})")

        app = office(events_db, work / "rebuild" / "views.sqlite")
        started = time.perf_counter()
        app.views.reset()
        applied = app.views.catch_up(app.notifications)
        seconds = time.perf_counter() - started
        app.close()
    print(f"read models rebuilt from {applied:,} events: {seconds:.1f} s = {seconds / 60:.2f} min")
    print(f"  {applied / seconds:,.0f} events/s; peak resident memory {peak_rss_mb():,.0f} MB")
    verdict = "met" if seconds < 300 else "NOT met"
    print(f"target (< 5 minutes for 1,000,000 events): {verdict} at {applied:,} events")


if __name__ == "__main__":
    main()
