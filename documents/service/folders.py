"""Use cases of file folders (hồ sơ)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast
from uuid import UUID

from documents.access import AccessKind, DocumentAccess
from documents.accounts import Role
from documents.archive_policy import archive_scope, require_folder_read
from documents.errors import ConflictError, InvalidInputError
from documents.folders import (
    TRANSFER_REMINDER_DAYS,
    FileFolder,
    FolderStatus,
    check_retention,
    folder_id_for,
)
from documents.policy import Action, Actor, DocumentParties, holds, is_allowed, require
from documents.service.base import required_text
from documents.service.outgoing import OutgoingService
from documents.views import FolderQuery


class FolderService(OutgoingService):
    def open_folder(
        self, actor: Actor, year: int, code: str, title: str, retention_years: int | None
    ) -> UUID:
        require(actor, Action.FILE, DocumentParties(actor.unit_id), self.tree)
        check_retention(retention_years)
        folder_id = folder_id_for(actor.unit_id, year, code.strip())
        if folder_id in self.repository:
            raise ConflictError(
                f"Hồ sơ «{code}» năm {year} đã có.", f"File folder '{code}' of {year} exists."
            )
        folder = FileFolder(
            unit_id=actor.unit_id,
            year=year,
            code=required_text(code, "code"),
            title=required_text(title, "title"),
            retention_years=retention_years,
        )
        self.save_and_refresh(folder)
        return folder.id

    def folder(self, folder_id: UUID) -> FileFolder:
        return cast(FileFolder, self._get(folder_id, FileFolder, "hồ sơ", "file folder"))

    def file_document(self, actor: Actor, document_id: UUID, folder_id: UUID) -> None:
        document, folder = self.document(document_id), self.folder(folder_id)
        self.authorize(actor, Action.FILE, document)
        if not holds(folder.unit_id, document.issuer_unit_id, self.tree):
            raise InvalidInputError(
                "Hồ sơ phải thuộc đơn vị ban hành văn bản (hoặc đơn vị nó đã hợp nhất vào).",
                "The folder must belong to the document's issuer (or the unit it merged into).",
            )
        folder.ensure_open()
        document.file_into(by=actor.account_id, folder_id=folder_id)
        self.save_and_refresh(document)

    def close_folder(self, actor: Actor, folder_id: UUID) -> None:
        folder = self.folder(folder_id)
        require(actor, Action.FILE, DocumentParties(folder.unit_id), self.tree)
        folder.close(by=actor.account_id)
        self.save_and_refresh(folder)

    def transfer_folder(self, actor: Actor, folder_id: UUID) -> None:
        """The clerk hands a closed folder to the unit's archive (nộp lưu)."""
        folder = self.folder(folder_id)
        require(actor, Action.FILE, DocumentParties(folder.unit_id), self.tree)
        folder.transfer(by=actor.account_id)
        self.save_and_refresh(folder)

    def folder_commands(self, actor: Actor, folder_id: UUID) -> dict[str, bool]:
        """Which of ``close`` (đóng hồ sơ) and ``transfer`` (nộp lưu) ``actor`` may do on the
        folder now — the policy ``close_folder`` and ``transfer_folder`` apply (the unit's
        clerks) and the folder's state; the pages show only these buttons."""
        folder = self.folder(folder_id)
        may_file = is_allowed(actor, Action.FILE, DocumentParties(folder.unit_id), self.tree)
        return {
            "close": may_file and not folder.closed,
            "transfer": may_file and folder.closed and not folder.transferred,
        }

    # -- the archive (auditors, clerks, leaders) ---------------------------------------
    def archive_folders(
        self,
        actor: Actor,
        unit_id: UUID | None = None,
        year: int | None = None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        """The folders ``actor`` may read, narrowed to one unit of that scope, a year, a
        status (``FolderStatus``)."""
        tree = self.tree()
        scope = archive_scope(actor, tree)
        if unit_id is not None:
            require_folder_read(actor, unit_id, tree)
        if status is not None and status not in set(FolderStatus):
            raise InvalidInputError("Trạng thái hồ sơ không hợp lệ.", "Unknown file folder status.")
        query = FolderQuery(
            unit_ids=None if scope is None else [str(u) for u in scope],
            unit_id=str(unit_id) if unit_id else None,
            year=year,
            status=status,
        )
        return self.views.archive_folders(query)

    def archive_folder(self, actor: Actor, folder_id: UUID) -> dict[str, Any]:
        """One folder the actor may read, with its documents (``documents``)."""
        folder = self.folder(folder_id)
        require_folder_read(actor, folder.unit_id, self.tree())
        row = self.views.folder(folder_id)
        if row is None:  # saved but not yet in the read model: caught up by ``folder``'s save
            raise ConflictError("Hồ sơ đang được cập nhật.", "The folder is being updated.")
        return {**row, "document_rows": self.views.folder_documents(folder_id)}

    def record_folder_export(self, actor: Actor, folder_id: UUID) -> dict[str, Any]:
        """Authorises the export of a whole folder and records, in one save, an access of
        kind ``export`` on each of its documents; returns the folder as ``archive_folder``."""
        folder = self.archive_folder(actor, folder_id)
        accesses = [
            DocumentAccess(
                document_id=UUID(row["id"]),
                account_id=actor.account_id,
                unit_id=actor.unit_id,
                kind=AccessKind.EXPORT.value,
            )
            for row in folder["document_rows"]
        ]
        if accesses:
            self.save_and_refresh(*accesses)
        return folder

    def folders_due_for_transfer(self, actor: Actor, today: date) -> list[dict[str, Any]]:
        """The unit's folders not yet transferred whose transfer is due within
        ``TRANSFER_REMINDER_DAYS`` of ``today`` (or overdue): the clerk's reminder."""
        if not actor.has(Role.CLERK):
            return []
        units = self.tree().absorbed(actor.unit_id)
        due_by = today + timedelta(days=TRANSFER_REMINDER_DAYS)
        query = FolderQuery(unit_ids=[str(u) for u in units], due_by=due_by.isoformat())
        rows = self.views.archive_folders(query)
        return sorted(rows, key=lambda row: (row["transfer_due"], row["code"]))
