"""``FileFolder`` (hồ sơ): a unit's file of documents for one year of its file plan, with a
retention period (permanent or a number of years), a closing, and its transfer to the unit's
archive (nộp lưu).

Transfer is due one year after the work of the folder ends ("trong thời hạn 01 năm kể từ ngày
công việc kết thúc", Luật Lưu trữ 2011, Điều 11 — confirm against Nghị định 30/2020, Chương IV):
the day the folder was closed, or, while it is still open, 31 December of its file-plan year. The
clerk is reminded ``TRANSFER_REMINDER_DAYS`` before (Nghị định 30, Phụ lục VI)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError, InvalidInputError

MAX_RETENTION_YEARS = 100
TRANSFER_PERIOD_YEARS = 1  # after the work ends (confirm: keep in step with the archive law)
TRANSFER_REMINDER_DAYS = 30


class FolderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    TRANSFERRED = "transferred"  # nộp lưu: handed to the unit's archive


FOLDER_STATUS_LABELS = {
    FolderStatus.OPEN: ("Đang mở", "Open"),
    FolderStatus.CLOSED: ("Đã đóng", "Closed"),
    FolderStatus.TRANSFERRED: ("Đã nộp lưu", "Transferred to the archive"),
}


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def transfer_due_date(year: int, closed_on: date | None) -> date:
    """The last day to transfer the folder to the archive: one year after its work ended (the
    closing day, or 31 December of its year while it is open)."""
    work_ended = closed_on if closed_on is not None else date(year, 12, 31)
    return _years_later(work_ended, TRANSFER_PERIOD_YEARS)


def retention_label(retention_years: int | None) -> tuple[str, str]:
    if retention_years is None:
        return ("Vĩnh viễn", "Permanent")
    return (f"{retention_years} năm", f"{retention_years} years")


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
        self.transferred = False

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

    def transfer(self, by: UUID) -> None:
        """Hands the closed folder to the unit's archive (nộp lưu); once only."""
        if not self.closed:
            raise ConflictError(
                f"Hồ sơ «{self.code}» chưa đóng: đóng hồ sơ trước khi nộp lưu.",
                f"File folder '{self.code}' is open: close it before transferring it.",
            )
        if self.transferred:
            raise ConflictError(
                f"Hồ sơ «{self.code}» đã nộp lưu.",
                f"File folder '{self.code}' is transferred already.",
            )
        self._transferred(by=by)

    @event("Transferred")
    def _transferred(self, by: UUID) -> None:
        self.transferred = True
