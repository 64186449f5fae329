"""Use cases of saved searches: each person saves, lists, reads and deletes their own."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from documents.clock import now_vietnam
from documents.errors import NotFoundError
from documents.policy import Actor
from documents.saved_searches import SavedSearches, check_saved_search, saved_searches_id_for
from documents.service.base import ServiceBase


class SavedSearchService(ServiceBase):
    def save_search(
        self, actor: Actor, name: str, query: str, filters: dict[str, list[str]]
    ) -> UUID:
        check_saved_search(name, query, filters)
        searches = self._saved_searches(actor) or SavedSearches(account_id=actor.account_id)
        search_id = uuid4()
        searches.save(search_id, name, query, filters, at=now_vietnam())
        self.save(searches)
        return search_id

    def saved_searches(self, actor: Actor) -> list[dict[str, Any]]:
        """The actor's saved searches, oldest first."""
        searches = self._saved_searches(actor)
        return [dict(saved) for saved in searches.searches.values()] if searches else []

    def saved_search(self, actor: Actor, search_id: UUID) -> dict[str, Any]:
        for saved in self.saved_searches(actor):
            if saved["id"] == str(search_id):
                return saved
        raise NotFoundError("Không tìm thấy tìm kiếm đã lưu.", "No such saved search.")

    def delete_saved_search(self, actor: Actor, search_id: UUID) -> None:
        searches = self._saved_searches(actor)
        if searches is None:
            raise NotFoundError("Không tìm thấy tìm kiếm đã lưu.", "No such saved search.")
        searches.delete(search_id)
        self.save(searches)

    def _saved_searches(self, actor: Actor) -> SavedSearches | None:
        try:
            aggregate: Any = self.repository.get(saved_searches_id_for(actor.account_id))
        except AggregateNotFoundError:
            return None
        return cast(SavedSearches, aggregate)
