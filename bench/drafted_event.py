"""Benchmark: the size of a ``Drafted`` event and the time to load its document, recipients
named inline (as drafts were recorded before) or by the SHA-256 of their list in the blob store.

Target (issue 5): a draft to 126,000 units is an event of < 1 KB (it was ~8 MB). No unit tree
is needed: the aggregate is built directly, as ``OfficeApplication.draft_document`` builds it
after its checks. Run: ``.venv/bin/python -m bench.drafted_event`` (``--units``, ``--loads``).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from uuid import UUID, uuid4

from documents.application import OfficeApplication
from documents.blobs import FilesystemBlobStore
from documents.outgoing import OutgoingDocument
from documents.views import ReadModel


def office(directory: Path) -> OfficeApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(directory / "e.db")}
    blobs = FilesystemBlobStore(directory / "blobs", 64 * 1024 * 1024)
    return OfficeApplication(env, ReadModel(directory / "views.db"), blobs)


def draft(app: OfficeApplication, recipients: list[UUID], inline: bool) -> UUID:
    reference = (
        {"recipient_unit_ids": recipients}
        if inline
        else {
            "recipients_sha256": app.recipient_lists.put(recipients),
            "recipient_count": len(recipients),
        }
    )
    document = OutgoingDocument(
        issuer_unit_id=uuid4(),
        doc_type="ke_hoach",
        subject="Kế hoạch gửi mọi công đoàn cơ sở",
        urgency="thuong",
        drafted_by=uuid4(),
        body_sha256="0" * 64,
        body_size=1,
        body_source="upload",
        signer_authority=None,
        signer_id=uuid4(),
        **reference,  # type: ignore[arg-type]
    )
    app.save(document)
    return document.id


def event_bytes(directory: Path, document_id: UUID) -> int:
    with sqlite3.connect(directory / "e.db") as db:
        row = db.execute(
            "SELECT length(state) FROM stored_events WHERE originator_id=? "
            "AND originator_version=1",
            (document_id.hex,),
        ).fetchone()
    return int(row[0])


def timed_loads(app: OfficeApplication, document_id: UUID, loads: int) -> tuple[float, float]:
    """Median ms to load the document, and to load it and read its recipients."""
    load, with_recipients = [], []
    for _ in range(loads):
        started = time.perf_counter()
        document = app.document(document_id)
        load.append(time.perf_counter() - started)
        app.recipients_of(document)
        with_recipients.append(time.perf_counter() - started)
    return statistics.median(load) * 1000, statistics.median(with_recipients) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=126_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    recipients = [uuid4() for _ in range(args.units)]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = office(directory)
        for inline in (True, False):
            started = time.perf_counter()
            document_id = draft(app, recipients, inline)
            saved = (time.perf_counter() - started) * 1000
            app.recipient_lists = type(app.recipient_lists)(app.blobs)  # a cold cache
            cold = time.perf_counter()
            app.recipients_of(app.document(document_id))
            cold_ms = (time.perf_counter() - cold) * 1000
            load_ms, recipients_ms = timed_loads(app, document_id, args.loads)
            shape = "inline" if inline else "by reference"
            print(
                f"{shape:>12}: {args.units:,} recipients, Drafted event "
                f"{event_bytes(directory, document_id):,} bytes, saved in {saved:.0f} ms, "
                f"first load with recipients {cold_ms:.0f} ms, then load {load_ms:.1f} ms, "
                f"load + recipients {recipients_ms:.1f} ms (median of {args.loads})"
            )


if __name__ == "__main__":
    main()
