"""How signing times are written: Vietnam time (+07:00, no daylight saving), ISO 8601 on the
seal (Nghị định 30/2020, Phụ lục I), a short form in reports. The number and the date line of
a document are the caller's (the registers own those rules)."""

from __future__ import annotations

import datetime as dt

__all__ = ["VIETNAM_TZ", "iso_vietnam", "short_vietnam", "to_vietnam_time"]

VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
"""Vietnam's time zone (Asia/Ho_Chi_Minh), a fixed +07:00."""


def to_vietnam_time(moment: dt.datetime) -> dt.datetime:
    """The same instant in Vietnam time; a naive datetime is refused (ambiguous)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(VIETNAM_TZ)


def iso_vietnam(moment: dt.datetime) -> str:
    """ISO 8601 with the Vietnam offset, to the second: ``2026-11-23T10:57:43+07:00``."""
    return to_vietnam_time(moment).replace(microsecond=0).isoformat()


def short_vietnam(moment: dt.datetime) -> str:
    """``10:57 ngày 23/11/2026``: how a signing time is told to a user."""
    local = to_vietnam_time(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
