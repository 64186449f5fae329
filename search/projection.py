"""The search read model: follows the event store and indexes each document when it is issued.

A reorganisation (a unit moved, or merged into another) changes the ancestors of every unit
below it, which the index keeps per document (`scope_unit_ids`, `issuer_path_ids`) for the
auditors' scope and the "issuer or below" filter: the documents whose parties are the unit or
below it are found in the index by that scope and indexed again from the current unit tree,
so the index stays what a rebuild would give (the read model catches up first; see
`api.context.WebContext.refresh`).

Its position is recorded beside the index after each batch is committed; upserts are keyed by
document id, so replaying a batch after a crash changes nothing. Delete the index directory and
the position file to rebuild from the event store.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

from documents.application import OfficeApplication
from documents.outgoing import OutgoingDocument
from documents.reference import document_type
from search.port import IndexedDocument, SearchIndex, SearchScope
from search.query import SearchQuery
from search.text import extract_pdf_text

INDEXED_EVENTS = {
    "OutgoingDocument.NumberedAndIssued",  # before numbering and sealing became two events
    "OutgoingDocument.Sealed",
    "OutgoingDocument.Dispatched",
    "OutgoingDocument.Recalled",  # the status filter and the listed status follow the document
    "OutgoingDocument.Replaced",
}
REORGANISING_EVENTS = {"Unit.Moved", "Unit.MergedInto"}
"""Events that change the ancestors of a unit and of everything below it."""


class SearchProjection:
    def __init__(self, index: SearchIndex, position_file: Path) -> None:
        self.index = index
        self.position_file = position_file

    def position(self) -> int:
        try:
            return int(self.position_file.read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def restart(self) -> None:
        """Replays every event into the index on the next catch-up (upserts are idempotent)."""
        self._record(0)

    def _record(self, position: int) -> None:
        # a name of this process and thread: several web processes may record at once
        tmp = self.position_file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(str(position))
        tmp.replace(self.position_file)

    def catch_up(self, app: OfficeApplication, batch_size: int = 200) -> int:
        indexed = 0
        while True:
            position = self.position()
            notifications = app.notifications.select_notifications(position + 1, batch_size)
            if not notifications:
                return indexed
            document_ids: dict[UUID, None] = {}
            reorganised: list[str] = []
            for notification in notifications:
                event: Any = app.notifications.to_domain_event(notification)
                name = type(event).__qualname__
                if name in INDEXED_EVENTS:
                    document_ids[event.originator_id] = None
                elif name in REORGANISING_EVENTS:
                    reorganised.append(str(event.originator_id))
            if reorganised:
                document_ids.update(dict.fromkeys(self._documents_under(reorganised)))
            issued = [d for d in map(app.document, document_ids) if d.issued_at is not None]
            for start in range(0, len(issued), batch_size):  # a reorganisation can touch many
                chunk = issued[start : start + batch_size]
                self.index.upsert([indexed_document(app, d) for d in chunk])
                indexed += len(chunk)
            self._record(notifications[-1].id)

    def _documents_under(self, unit_ids: list[str]) -> list[UUID]:
        """Indexed documents whose parties are one of `unit_ids` or below it (as indexed)."""
        scope = SearchScope(unit_ids=[], subtree_root_ids=unit_ids)
        return [UUID(hit.document_id) for hit in self.index.scan(SearchQuery(), scope)]


def indexed_document(app: OfficeApplication, document: OutgoingDocument) -> IndexedDocument:
    tree = app.views.unit_tree()
    parties = [document.issuer_unit_id, *document.recipient_unit_ids]
    scope = {ancestor for unit in parties if unit in tree for ancestor in tree.ancestors(unit)}
    issuer = tree.get(document.issuer_unit_id)
    issuer_path = [document.issuer_unit_id, *tree.ancestors(document.issuer_unit_id)]
    assert document.issued_sha256 and document.issued_at, "only issued documents are indexed"
    return IndexedDocument(
        document_id=str(document.id),
        number_symbol=document.number_symbol or "",
        doc_type=document_type(document.doc_type).name,
        subject=document.subject,
        body_text=extract_pdf_text(app.blobs.get(document.issued_sha256)),
        issuer_unit_id=str(document.issuer_unit_id),
        issuer_name=document.issuer_name or issuer.name,
        signer_name=document.signer_name or "",
        status=str(document.status),
        urgency=document.urgency,
        issued_at=document.issued_at,
        party_unit_ids=[str(unit) for unit in parties],
        scope_unit_ids=sorted(str(unit) for unit in scope),
        issuer_path_ids=[str(unit) for unit in issuer_path],
    )
