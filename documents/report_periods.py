"""Reporting periods of recurring rounds (kỳ báo cáo): the quarter or month a moment falls in,
its label, first and last day, and the due date on a given day of its last month."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from documents.errors import InvalidInputError

FREQUENCIES = ("quarterly", "monthly")
ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    due_date: date


def check_schedule(frequency: str, due_day: int) -> None:
    if frequency not in FREQUENCIES:
        raise InvalidInputError(
            "Chu kỳ phải là «quarterly» (hằng quý) hoặc «monthly» (hằng tháng).",
            "The frequency must be 'quarterly' or 'monthly'.",
        )
    if not 1 <= due_day <= 31:
        raise InvalidInputError(
            "Ngày hạn nộp phải từ 1 đến 31.", "The due day must be between 1 and 31."
        )


def period_for(frequency: str, day: date, due_day: int) -> Period:
    """The period ``day`` falls in; due on ``due_day`` of its last month (the month's last
    day when shorter)."""
    check_schedule(frequency, due_day)
    if frequency == "quarterly":
        quarter = (day.month - 1) // 3
        first_month, last_month = 3 * quarter + 1, 3 * quarter + 3
        label = f"Quý {ROMAN[quarter]}/{day.year}"
    else:
        first_month = last_month = day.month
        label = f"Tháng {day.month:02d}/{day.year}"
    last_day = calendar.monthrange(day.year, last_month)[1]
    return Period(
        label=label,
        start=date(day.year, first_month, 1),
        end=date(day.year, last_month, last_day),
        due_date=date(day.year, last_month, min(due_day, last_day)),
    )
