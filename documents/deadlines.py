"""Response deadlines (hạn trả lời) of outgoing documents: parsing, checking, and the moments of
the reminder (``remind_days_before`` the deadline's day at 08:00 Vietnam time) and of the overdue
list (00:00 the day after the deadline's day)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from documents.clock import VIETNAM_TZ, now_vietnam
from documents.errors import InvalidInputError
from documents.outgoing import OutgoingDocument

REMIND_DAYS_BEFORE = 1
REMINDER_HOUR = time(8, 0)
END_OF_DAY = time(23, 59, 59)
MAX_AHEAD = timedelta(days=5 * 366)


def parse_response_deadline(text: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (the end of that day, Vietnam time) or an ISO 8601 date and time (without
    an offset: Vietnam time); empty → None. Refuses text that is neither."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), END_OF_DAY, VIETNAM_TZ)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"Hạn trả lời không hợp lệ: «{value}» (ví dụ 2026-12-31 hoặc 2026-12-31T17:00).",
            f"Invalid response deadline '{value}' (e.g. 2026-12-31 or 2026-12-31T17:00).",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ)


def check_response_deadline(deadline: datetime, now: datetime | None = None) -> datetime:
    """The deadline in Vietnam time, if it is in the future and within five years."""
    now = now or now_vietnam()
    if deadline.tzinfo is None:
        raise InvalidInputError(
            "Hạn trả lời cần có múi giờ.", "The response deadline needs a time zone."
        )
    shown = deadline.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
    if deadline <= now:
        raise InvalidInputError(
            f"Hạn trả lời {shown} đã qua.", f"The response deadline {shown} is in the past."
        )
    if deadline - now > MAX_AHEAD:
        raise InvalidInputError(
            f"Hạn trả lời {shown} quá xa (tối đa 5 năm).",
            f"The response deadline {shown} is too far ahead (five years at most).",
        )
    return deadline.astimezone(VIETNAM_TZ)


def reminder_moment(deadline: datetime, remind_days_before: int) -> datetime:
    day = deadline.astimezone(VIETNAM_TZ).date() - timedelta(days=remind_days_before)
    return datetime.combine(day, REMINDER_HOUR, VIETNAM_TZ)


def overdue_moment(deadline: datetime) -> datetime:
    day = deadline.astimezone(VIETNAM_TZ).date() + timedelta(days=1)
    return datetime.combine(day, time(0), VIETNAM_TZ)


MAX_REMIND_DAYS_BEFORE = 30


def check_remind_days_before(remind_days_before: int | None, has_deadline: bool) -> None:
    """The reminder's lead time: 0 (the deadline's own day) to 30 days, and only with a
    response deadline to count from."""
    if remind_days_before is None:
        return
    if not 0 <= remind_days_before <= MAX_REMIND_DAYS_BEFORE:
        raise InvalidInputError(
            f"Số ngày nhắc trước hạn phải từ 0 đến {MAX_REMIND_DAYS_BEFORE}.",
            f"Days of reminder before the deadline must be 0 to {MAX_REMIND_DAYS_BEFORE}.",
        )
    if not has_deadline:
        raise InvalidInputError(
            "Cần đặt hạn trả lời trước khi chọn số ngày nhắc trước hạn.",
            "Set a response deadline to choose how many days before it to remind.",
        )


def set_response_deadline(
    document: OutgoingDocument,
    by: UUID,
    deadline: datetime,
    remind_days_before: int = REMIND_DAYS_BEFORE,
) -> None:
    """Checks and records the deadline on ``document`` (the caller saves it)."""
    check_remind_days_before(remind_days_before, has_deadline=True)
    document.set_response_deadline(
        by=by, deadline=check_response_deadline(deadline), remind_days_before=remind_days_before
    )


def check_deadline_for_issue(document: OutgoingDocument) -> None:
    """A deadline set while drafting must still be ahead when the document is issued."""
    deadline = document.response_deadline
    if deadline is not None and deadline <= now_vietnam():
        shown = deadline.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
        raise InvalidInputError(
            f"Hạn trả lời {shown} đã qua: đặt hạn mới khi phát hành.",
            f"The response deadline {shown} has passed: set a new one when issuing.",
        )
