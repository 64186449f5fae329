"""``SavedSearches`` (tìm kiếm đã lưu): one person's named searches, one aggregate per account.

A saved search is a name, the query text and the filters as query-string values
(``{"type": ["ke_hoach"], "from": ["2025-01-01"]}``); what the filters mean is the search
side's business (``api/search_params.py``), so this module stays free of it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError, InvalidInputError, NotFoundError

MAX_SAVED = 100
MAX_NAME = 200
MAX_TEXT = 500
MAX_FILTER_KEYS = 20
MAX_FILTER_VALUES = 50
MAX_FILTER_VALUE = 200


def saved_searches_id_for(account_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"/saved-searches/{account_id}")


def check_saved_search(name: str, query: str, filters: dict[str, list[str]]) -> str:
    """The trimmed name; refuses an empty or long name, a long query, oversized filters."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("Cần đặt tên cho tìm kiếm.", "A name for the search is required.")
    if len(name) > MAX_NAME:
        raise InvalidInputError(
            f"Tên quá dài (tối đa {MAX_NAME} ký tự).",
            f"The name is too long (at most {MAX_NAME} characters).",
        )
    if len(query) > MAX_TEXT:
        raise InvalidInputError(
            f"Từ khóa quá dài (tối đa {MAX_TEXT} ký tự).",
            f"The query is too long (at most {MAX_TEXT} characters).",
        )
    too_big = len(filters) > MAX_FILTER_KEYS or any(
        len(values) > MAX_FILTER_VALUES or any(len(v) > MAX_FILTER_VALUE for v in values)
        for values in filters.values()
    )
    if too_big:
        raise InvalidInputError("Bộ lọc quá lớn.", "The filters are too large.")
    return name


class SavedSearches(Aggregate):
    """Every saved search of one account, by id, in the order saved."""

    @staticmethod
    def create_id(account_id: UUID) -> UUID:
        return saved_searches_id_for(account_id)

    @event("Started")
    def __init__(self, account_id: UUID) -> None:
        self.account_id = account_id
        self.searches: dict[str, dict[str, object]] = {}

    def save(
        self, search_id: UUID, name: str, query: str, filters: dict[str, list[str]], at: datetime
    ) -> None:
        name = check_saved_search(name, query, filters)
        if len(self.searches) >= MAX_SAVED:
            raise ConflictError(
                f"Đã lưu tối đa {MAX_SAVED} tìm kiếm; hãy xóa bớt.",
                f"At most {MAX_SAVED} searches can be saved; delete some first.",
            )
        if any(saved["name"] == name for saved in self.searches.values()):
            raise ConflictError(
                f"Đã có tìm kiếm tên «{name}».", f"A saved search named '{name}' exists."
            )
        self._saved(search_id=search_id, name=name, query=query, filters=filters, at=at)

    @event("Saved")
    def _saved(
        self, search_id: UUID, name: str, query: str, filters: dict[str, list[str]], at: datetime
    ) -> None:
        self.searches[str(search_id)] = {
            "id": str(search_id),
            "name": name,
            "query": query,
            "filters": filters,
            "saved_at": at,
        }

    def delete(self, search_id: UUID) -> None:
        if str(search_id) not in self.searches:
            raise NotFoundError("Không tìm thấy tìm kiếm đã lưu.", "No such saved search.")
        self._deleted(search_id=search_id)

    @event("Deleted")
    def _deleted(self, search_id: UUID) -> None:
        del self.searches[str(search_id)]
