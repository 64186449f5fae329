"""Use cases of file folders (hồ sơ)."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from documents.errors import ConflictError, InvalidInputError
from documents.folders import FileFolder, check_retention, folder_id_for
from documents.policy import Action, Actor, DocumentParties, require
from documents.service.base import required_text
from documents.service.outgoing import OutgoingService


class FolderService(OutgoingService):
    def open_folder(
        self, actor: Actor, year: int, code: str, title: str, retention_years: int | None
    ) -> UUID:
        require(actor, Action.FILE, DocumentParties(actor.unit_id), self.tree())
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
        if folder.unit_id != document.issuer_unit_id:
            raise InvalidInputError(
                "Hồ sơ phải thuộc đơn vị ban hành văn bản.",
                "The folder must belong to the document's issuer.",
            )
        folder.ensure_open()
        document.file_into(by=actor.account_id, folder_id=folder_id)
        self.save_and_refresh(document)

    def close_folder(self, actor: Actor, folder_id: UUID) -> None:
        folder = self.folder(folder_id)
        require(actor, Action.FILE, DocumentParties(folder.unit_id), self.tree())
        folder.close(by=actor.account_id)
        self.save_and_refresh(folder)
