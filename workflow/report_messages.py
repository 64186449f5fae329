"""Inputs and results of the report-round workflow and its activities: ids and plain values."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoundTemplate:
    """What a recurring round opens each period (Temporal Schedules start it)."""

    opened_by: str
    """The account id of the person the round is opened in the name of."""
    title: str
    form_code: str
    frequency: str
    """``quarterly`` or ``monthly``."""
    due_day: int
    """Day of the period's last month the reports are due (e.g. 25)."""
    target_levels: list[str] = field(default_factory=list)
    remind_days_before: int = 3
    schedule_id: str = ""


@dataclass(frozen=True)
class ReportRoundRequest:
    """Either an open round (``round_id``) or a template to open one from first."""

    round_id: str = ""
    template: RoundTemplate | None = None


@dataclass(frozen=True)
class ScheduledOpening:
    template: RoundTemplate
    scheduled_at: str
    """ISO 8601: the moment the schedule fired, which names the period."""


@dataclass(frozen=True)
class RoundTimes:
    """The round's due date and reminder moment, as ISO 8601 instants in Vietnam time."""

    round_id: str
    remind_at: str
    overdue_at: str
    asked: int = 0


@dataclass(frozen=True)
class ReminderRequest:
    round_id: str
    overdue: bool


@dataclass
class RoundProgress:
    round_id: str
    asked: int
    reminded: int
    overdue_listed: int
    phase: str
    """``asking``, ``waiting``, ``reminded``, ``overdue``, ``closed``."""


def report_round_workflow_id(round_id: str) -> str:
    return f"report-round-{round_id}"
