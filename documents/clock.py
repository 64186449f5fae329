"""Vietnam time (Asia/Ho_Chi_Minh, +07:00): the only clock the domain reads."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_vietnam() -> datetime:
    return datetime.now(VIETNAM_TZ)


def to_vietnam(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM_TZ)


def place_and_date_line(place: str, day: date) -> str:
    """The ND30 place-and-date line: ``Bến Tre, ngày 05 tháng 3 năm 2026``.

    Days below 10 and months below 3 are written with a leading zero (Nghị định 30, Phụ lục I).
    """
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day_text} tháng {month_text} năm {day.year}"
