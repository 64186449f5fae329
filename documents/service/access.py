"""Use cases of the access history: record each view and download, read it back (auditors)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from documents.access import AccessKind, DocumentAccess
from documents.accounts import Role
from documents.errors import ForbiddenError
from documents.policy import Action, Actor
from documents.service.incoming import IncomingService


class AccessService(IncomingService):
    def record_access(self, actor: Actor, document_id: UUID, kind: AccessKind) -> None:
        """Records that ``actor`` viewed or downloaded the document (after authorising it).
        Concurrent accesses of this process share one save and one catch-up (group commit,
        ``documents/group_save.py``); it returns once its own record is stored."""
        document = self.document(document_id)
        self.authorize(actor, Action.VIEW, document)
        access = DocumentAccess(
            document_id=document_id,
            account_id=actor.account_id,
            unit_id=actor.unit_id,
            kind=kind.value,
        )
        self.group_saver.save(access.collect_events())

    def access_log(self, actor: Actor, document_id: UUID) -> list[dict[str, Any]]:
        """Who viewed or downloaded the document: for auditors whose scope covers it."""
        document = self.document(document_id)
        self.authorize(actor, Action.VIEW, document)
        if not actor.has(Role.AUDITOR):
            raise ForbiddenError(
                "Chỉ cán bộ kiểm tra được xem lịch sử truy cập.",
                "Only auditors may read the access history.",
            )
        return self.views.access_log(document_id)
