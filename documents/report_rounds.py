"""Report rounds (đợt báo cáo định kỳ): ``ReportRound`` opened by an upper unit, and one
``ReportSubmission`` per target unit (asked, filled, signed and submitted, accepted or returned).

A round names its targets by rule (the requesting unit's subtree, at chosen levels); the
submissions are created in batches when the round's workflow fans out, each with a derived id
(round, unit), so a retried batch asks nobody twice. Each submission carries the unit's ancestor
chain at the time it was asked, so roll-ups read one table and never walk the tree.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from documents.errors import ConflictError

MAX_REASON_LENGTH = 2000


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SubmissionStatus(StrEnum):
    ASKED = "asked"  # waiting for the unit
    SUBMITTED = "submitted"  # signed and sent, waiting for the upper unit
    ACCEPTED = "accepted"
    RETURNED = "returned"  # sent back with a reason; the unit resubmits


NOT_ACCEPTED = (SubmissionStatus.ASKED, SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED)
"""A unit whose report is in one of these is still missing from the roll-up."""

SUBMISSION_STATUS_LABELS = {
    SubmissionStatus.ASKED: ("Chưa nộp", "Not submitted"),
    SubmissionStatus.SUBMITTED: ("Đã nộp, chờ duyệt", "Submitted, awaiting review"),
    SubmissionStatus.ACCEPTED: ("Đã tiếp nhận", "Accepted"),
    SubmissionStatus.RETURNED: ("Bị trả lại", "Returned"),
}


def submission_id_for(round_id: UUID, unit_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"/report-rounds/{round_id}/units/{unit_id}")


def scheduled_round_id(schedule_id: str, period_label: str) -> UUID:
    """A round opened by a schedule has an id derived from the schedule and the period, so a
    retried opening finds the round it opened."""
    return uuid5(NAMESPACE_URL, f"/report-schedules/{schedule_id}/{period_label}")


class ReportRound(Aggregate):
    @staticmethod
    def create_id(schedule_id: str | None, period_label: str, **_: Any) -> UUID:
        return scheduled_round_id(schedule_id, period_label) if schedule_id else uuid4()

    @event("Opened")
    def __init__(
        self,
        requester_unit_id: UUID,
        title: str,
        form: dict[str, Any],
        period_label: str,
        period_start: date,
        period_end: date,
        due_date: date,
        target_levels: list[str],
        opened_by: UUID,
        remind_days_before: int,
        schedule_id: str | None,
    ) -> None:
        self.requester_unit_id = requester_unit_id
        self.title = title
        self.form = form
        self.period_label = period_label
        self.period_start = period_start
        self.period_end = period_end
        self.due_date = due_date
        self.target_levels = target_levels
        self.opened_by = opened_by
        self.remind_days_before = remind_days_before
        self.schedule_id = schedule_id
        self.status = RoundStatus.OPEN
        self.target_count: int | None = None
        self.summary_sha256: str | None = None

    def ensure_open(self) -> None:
        if self.status != RoundStatus.OPEN:
            raise ConflictError(
                f"Đợt báo cáo «{self.title}» đã khóa sổ.",
                f"The report round '{self.title}' is closed.",
            )

    @event("TargetsAsked")
    def targets_asked(self, count: int) -> None:
        self.target_count = count

    @event("RemindersSent")
    def reminders_sent(self, count: int, overdue: bool) -> None:
        """Reminders (before the due date) or the overdue notice (after it), to ``count`` units."""

    def close(self, by: UUID, summary_sha256: str, accepted: int, missing: int) -> None:
        self.ensure_open()
        self._closed(by=by, summary_sha256=summary_sha256, accepted=accepted, missing=missing)

    @event("Closed")
    def _closed(self, by: UUID, summary_sha256: str, accepted: int, missing: int) -> None:
        self.status = RoundStatus.CLOSED
        self.summary_sha256 = summary_sha256


class ReportSubmission(Aggregate):
    """One unit's report in one round."""

    @staticmethod
    def create_id(round_id: UUID, unit_id: UUID) -> UUID:
        return submission_id_for(round_id, unit_id)

    @event("Asked")
    def __init__(
        self,
        round_id: UUID,
        unit_id: UUID,
        ancestor_ids: list[UUID],
        requester_unit_id: UUID,
        due_date: date,
    ) -> None:
        self.round_id = round_id
        self.unit_id = unit_id
        self.ancestor_ids = ancestor_ids
        """From the root down to the unit's parent, when the round asked it."""
        self.requester_unit_id = requester_unit_id
        self.due_date = due_date
        self.status = SubmissionStatus.ASKED
        self.values: dict[str, Any] = {}
        self.revision = 0
        self.file_sha256: str | None = None

    def ensure_open_for_submission(self) -> None:
        if self.status == SubmissionStatus.SUBMITTED:
            raise ConflictError(
                "Báo cáo đã nộp và đang chờ cấp trên duyệt; chỉ nộp lại khi bị trả lại.",
                "The report is submitted and awaits review; resubmit only after it is returned.",
            )
        if self.status == SubmissionStatus.ACCEPTED:
            raise ConflictError(
                "Báo cáo đã được cấp trên tiếp nhận, không nộp lại được.",
                "The report was accepted; it cannot be submitted again.",
            )

    def submit(
        self,
        values: dict[str, Any],
        by: UUID,
        signer_name: str,
        certificate_sha256: str,
        file_sha256: str,
        submitted_at: datetime,
    ) -> None:
        self.ensure_open_for_submission()
        self._submitted(
            values=values,
            by=by,
            signer_name=signer_name,
            certificate_sha256=certificate_sha256,
            file_sha256=file_sha256,
            submitted_at=submitted_at,
            replaces=self.file_sha256,
        )

    @event("Submitted")
    def _submitted(
        self,
        values: dict[str, Any],
        by: UUID,
        signer_name: str,
        certificate_sha256: str,
        file_sha256: str,
        submitted_at: datetime,
        replaces: str | None,
    ) -> None:
        self.status = SubmissionStatus.SUBMITTED
        self.values = values
        self.file_sha256 = file_sha256
        self.revision += 1

    def _expect_submitted(self, action_vi: str, action_en: str) -> None:
        if self.status != SubmissionStatus.SUBMITTED:
            vi, en = SUBMISSION_STATUS_LABELS[SubmissionStatus(self.status)]
            raise ConflictError(
                f"Không thể {action_vi}: báo cáo đang ở trạng thái «{vi}».",
                f"Cannot {action_en}: the report is '{en}'.",
            )

    def accept(self, by: UUID) -> None:
        self._expect_submitted("tiếp nhận", "accept")
        self._accepted(by=by, revision=self.revision)

    @event("Accepted")
    def _accepted(self, by: UUID, revision: int) -> None:
        self.status = SubmissionStatus.ACCEPTED

    def return_to_unit(self, by: UUID, reason: str) -> None:
        self._expect_submitted("trả lại", "return")
        self._returned(by=by, reason=reason, revision=self.revision)

    @event("Returned")
    def _returned(self, by: UUID, reason: str, revision: int) -> None:
        self.status = SubmissionStatus.RETURNED
