"""The search read model: follows the event store and indexes each document when it is issued.

A reorganisation (a unit moved, or merged into another) changes the ancestors of every unit
below it, which the index keeps per document (`scope_unit_ids`, `issuer_path_ids`) for the
auditors' scope and the "issuer or below" filter: the documents whose parties are the unit or
below it are found in the index by that scope and indexed again from the current unit tree,
so the index stays what a rebuild would give (the read model catches up first; see
`api.context.WebContext.refresh`).

Its position is recorded in the index itself (`SearchIndex.record_position`) after each batch
is committed (one commit per batch of up to `BATCH` notifications: a commit is what an index
write costs most); upserts are keyed by document id, so replaying a batch after a crash changes
nothing. An index that is new, emptied or replaced (a deleted tantivy directory, a new
Elasticsearch cluster) has no position, so it is filled from the first event.

The body's text is the text blob the draft recorded (`OutgoingDocument.text_sha256`: the typed
layout, or the upload's text extracted once), so an issued PDF is parsed again only for
documents drafted before that blob existed (pypdf: ~50 ms a document, 85% of a rebuild).
"""

from __future__ import annotations

from typing import cast
from uuid import UUID

from documents.application import OfficeApplication
from documents.blobs import read_text_blob
from documents.errors import NotFoundError
from documents.outgoing import OutgoingDocument
from documents.reference import document_type, urgent_labels
from documents.units import UnitTree
from search.port import IndexedDocument, SearchIndex, SearchScope
from search.query import SearchQuery
from search.text import extract_pdf_text

INDEXED_EVENTS = {
    "OutgoingDocument.NumberedAndIssued",  # before numbering and sealing became two events
    "OutgoingDocument.Sealed",
    "OutgoingDocument.Dispatched",
    "OutgoingDocument.Recalled",  # the status filter and the listed status follow the document
    "OutgoingDocument.Replaced",
    "OutgoingDocument.Filed",  # its file folder is searchable
}
REORGANISING_EVENTS = {"Unit.Moved", "Unit.MergedInto"}
"""Events that change the ancestors of a unit and of everything below it."""
BATCH = 5_000
"""Notifications read per step of a catch-up (an issued document has ~7 events): its
documents are written in one commit. 1,000 gave a commit and a read of the unit tree every
~140 documents; 5,000 cuts a rebuild's CPU by a fifth (docs/benchmarks.md, session 6)."""
MAX_UPSERT = 1_000
"""Documents per `upsert` (one commit; one bulk request of ~10 MB on Elasticsearch)."""


class SearchProjection:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def position(self) -> int:
        return self.index.recorded_position()

    def restart(self) -> None:
        """Replays every event into the index on the next catch-up (upserts are idempotent)."""
        self.index.record_position(0)

    def catch_up(self, app: OfficeApplication, batch_size: int = BATCH) -> int:
        indexed = 0
        while True:
            position = self.position()
            notifications = app.notifications.select_notifications(position + 1, batch_size)
            if not notifications:
                return indexed
            document_ids: dict[UUID, None] = {}
            reorganised: list[str] = []
            for notification in notifications:  # by topic: no event is decoded
                name = notification.topic.rpartition(":")[2]
                if name in INDEXED_EVENTS:
                    document_ids[cast(UUID, notification.originator_id)] = None
                elif name in REORGANISING_EVENTS:
                    reorganised.append(str(notification.originator_id))
            if reorganised:
                document_ids.update(dict.fromkeys(self._documents_under(reorganised)))
            issued = [d for d in map(app.document, document_ids) if d.issued_at is not None]
            tree = app.views.unit_tree() if issued else None
            folders = FolderNames(app)
            for start in range(0, len(issued), MAX_UPSERT):  # a reorganisation can touch many
                chunk = issued[start : start + MAX_UPSERT]
                self.index.upsert([indexed_document(app, d, tree, folders) for d in chunk])
                indexed += len(chunk)
            self.index.record_position(notifications[-1].id)

    def _documents_under(self, unit_ids: list[str]) -> list[UUID]:
        """Indexed documents whose parties are one of `unit_ids` or below it (as indexed)."""
        scope = SearchScope(unit_ids=[], subtree_root_ids=unit_ids)
        return [UUID(hit.document_id) for hit in self.index.scan(SearchQuery(), scope)]


def body_text(app: OfficeApplication, document: OutgoingDocument) -> str:
    """The text recorded with the draft, else (older documents) the issued PDF's text."""
    text_sha256: str | None = getattr(document, "text_sha256", None)
    if text_sha256 is not None:
        try:
            return read_text_blob(app.blobs.get(text_sha256))
        except NotFoundError:  # a blob lost from the store: the PDF still has the text
            pass
    assert document.issued_sha256, "only issued documents are indexed"
    return extract_pdf_text(app.blobs.get(document.issued_sha256))


class FolderNames:
    """ "code title" of file folders, each read from the event store once per catch-up step."""

    def __init__(self, app: OfficeApplication) -> None:
        self._app = app
        self._names: dict[UUID, str] = {}

    def of(self, document: OutgoingDocument) -> str:
        if document.folder_id is None:
            return ""
        name = self._names.get(document.folder_id)
        if name is None:
            folder = self._app.folder(document.folder_id)
            name = self._names[document.folder_id] = f"{folder.code} {folder.title}"
        return name


def _searchable_urgency(code: str) -> str:
    """ "Hỏa tốc" for `hoa_toc`; nothing for a normal document ("thường" is a common word)."""
    labels = urgent_labels(code)
    return labels[0] if labels else ""


def indexed_document(
    app: OfficeApplication,
    document: OutgoingDocument,
    tree: UnitTree | None = None,
    folders: FolderNames | None = None,
) -> IndexedDocument:
    tree = tree if tree is not None else app.views.unit_tree()
    folders = folders if folders is not None else FolderNames(app)
    parties = [document.issuer_unit_id, *app.recipients_of(document)]
    scope = {ancestor for unit in parties if unit in tree for ancestor in tree.ancestors(unit)}
    issuer = tree.get(document.issuer_unit_id)
    issuer_path = [document.issuer_unit_id, *tree.ancestors(document.issuer_unit_id)]
    assert document.issued_sha256 and document.issued_at, "only issued documents are indexed"
    return IndexedDocument(
        document_id=str(document.id),
        number_symbol=document.number_symbol or "",
        doc_type=document_type(document.doc_type).name,
        subject=document.subject,
        body_text=body_text(app, document),
        issuer_unit_id=str(document.issuer_unit_id),
        issuer_name=document.issuer_name or issuer.name,
        signer_name=document.signer_name or "",
        status=str(document.status),
        urgency=document.urgency,
        issued_at=document.issued_at,
        party_unit_ids=[str(unit) for unit in parties],
        scope_unit_ids=sorted(str(unit) for unit in scope),
        issuer_path_ids=[str(unit) for unit in issuer_path],
        urgency_label=_searchable_urgency(document.urgency),
        folder=folders.of(document),
    )
