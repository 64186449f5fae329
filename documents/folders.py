"""``FileFolder`` (hồ sơ): a unit's file of documents for one year of its file plan, with a
retention period (permanent or a number of years) and a closing."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError, InvalidInputError

MAX_RETENTION_YEARS = 100


def folder_id_for(unit_id: UUID, year: int, code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/folders/{unit_id}/{year}/{code}")


def check_retention(retention_years: int | None) -> None:
    """``None`` is permanent (vĩnh viễn); otherwise 1 … 100 years."""
    if retention_years is not None and not 1 <= retention_years <= MAX_RETENTION_YEARS:
        raise InvalidInputError(
            f"Thời hạn bảo quản phải từ 1 đến {MAX_RETENTION_YEARS} năm, hoặc vĩnh viễn.",
            f"Retention must be 1 to {MAX_RETENTION_YEARS} years, or permanent.",
        )


class FileFolder(Aggregate):
    @staticmethod
    def create_id(unit_id: UUID, year: int, code: str) -> UUID:
        return folder_id_for(unit_id, year, code)

    @event("Opened")
    def __init__(
        self, unit_id: UUID, year: int, code: str, title: str, retention_years: int | None
    ) -> None:
        self.unit_id = unit_id
        self.year = year
        self.code = code
        self.title = title
        self.retention_years = retention_years
        self.closed = False

    def ensure_open(self) -> None:
        if self.closed:
            raise ConflictError(
                f"Hồ sơ «{self.code}» đã đóng, không thêm văn bản được.",
                f"File folder '{self.code}' is closed; no document can be added.",
            )

    def close(self, by: UUID) -> None:
        self.ensure_open()
        self._closed(by=by)

    @event("Closed")
    def _closed(self, by: UUID) -> None:
        self.closed = True
