"""``DocumentAccess``: one view or download of a document, by whom and from which unit.

One aggregate per access (a single event), so concurrent readers never contend. Changes of who
may access a document are the document's own events (delivery, recall, a unit's merger) and are in
its history.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class AccessKind(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    VALIDATION = "validation"
    EXPORT = "export"  # exported with its file folder for the archive


ACCESS_LABELS = {
    AccessKind.VIEW: ("Xem", "Viewed"),
    AccessKind.DOWNLOAD: ("Tải tệp", "Downloaded"),
    AccessKind.VALIDATION: ("Kiểm tra chữ ký", "Checked signatures"),
    AccessKind.EXPORT: ("Xuất cùng hồ sơ lưu trữ", "Exported with its file folder"),
}


class DocumentAccess(Aggregate):
    @event("Recorded")
    def __init__(self, document_id: UUID, account_id: UUID, unit_id: UUID, kind: str) -> None:
        self.document_id = document_id
        self.account_id = account_id
        self.unit_id = unit_id
        self.kind = kind
