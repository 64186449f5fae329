"""Activities of the report-round workflow: open a scheduled round, ask the target units in
batches (resuming from the last heartbeat), record reminders and the overdue notice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from documents.clock import VIETNAM_TZ
from documents.errors import DomainError
from documents.report_periods import period_for
from workflow.report_messages import ReminderRequest, RoundTimes, ScheduledOpening
from workflow.services import OfficeServices

ASK_BATCH = 1000
REMINDER_HOUR = time(8, 0)


class ReportActivities:
    def __init__(self, services: OfficeServices) -> None:
        self.services = services

    @activity.defn(name="open_scheduled_round")
    def open_scheduled_round(self, opening: ScheduledOpening) -> str:
        app = self.services.app
        template = opening.template
        moment = datetime.fromisoformat(opening.scheduled_at).astimezone(VIETNAM_TZ)
        period = period_for(template.frequency, moment.date(), template.due_day)
        try:
            actor = app.actor_of(app.account_by_id(UUID(template.opened_by)))
            round_id = app.open_report_round(
                actor,
                title=f"{template.title} {period.label}",
                form=template.form_code,
                period_label=period.label,
                period_start=period.start,
                period_end=period.end,
                due_date=period.due_date,
                target_levels=template.target_levels,
                remind_days_before=template.remind_days_before,
                schedule_id=template.schedule_id,
            )
        except DomainError as refusal:  # e.g. the person left the unit: retrying won't help
            raise ApplicationError(
                refusal.message_vi, refusal.message_en, non_retryable=True
            ) from refusal
        return str(round_id)

    @activity.defn(name="ask_report_targets")
    def ask_report_targets(self, round_id: str) -> RoundTimes:
        """Asks every target unit; idempotent, and a retry resumes after the last batch."""
        app = self.services.app
        identifier = UUID(round_id)
        targets = app.report_targets(identifier)
        details = activity.info().heartbeat_details
        start = int(details[0]) if details else 0
        for offset in range(start, len(targets), ASK_BATCH):
            app.ask_report_targets(identifier, targets[offset : offset + ASK_BATCH])
            activity.heartbeat(offset + ASK_BATCH)
        app.record_targets_asked(identifier, len(targets))
        report_round = app.report_round(identifier)
        due = report_round.due_date
        remind_day = due - timedelta(days=report_round.remind_days_before)
        return RoundTimes(
            round_id=round_id,
            remind_at=datetime.combine(remind_day, REMINDER_HOUR, VIETNAM_TZ).isoformat(),
            overdue_at=datetime.combine(due + timedelta(days=1), time(0), VIETNAM_TZ).isoformat(),
            asked=len(targets),
        )

    @activity.defn(name="record_report_reminders")
    def record_report_reminders(self, request: ReminderRequest) -> int:
        return self.services.app.record_report_reminders(UUID(request.round_id), request.overdue)
