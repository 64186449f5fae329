"""Use cases of report rounds (báo cáo định kỳ): open, ask the target units in batches, submit a
signed report, accept or return it, roll the figures up a subtree, remind, close."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from documents.clock import now_vietnam
from documents.errors import InvalidInputError, NotFoundError
from documents.policy import Actor
from documents.report_forms import ReportForm, Value, builtin_forms, form_from_data
from documents.report_policy import ReportAction, require
from documents.report_rollup import FieldTotal, roll_up
from documents.report_rounds import (
    MAX_REASON_LENGTH,
    NOT_ACCEPTED,
    ReportRound,
    ReportSubmission,
    SubmissionStatus,
    scheduled_round_id,
    submission_id_for,
)
from documents.service.base import MAX_SUBJECT_LENGTH, required_text
from documents.service.people import PeopleService
from documents.units import LEVEL_LABELS, UnitLevel, UnitTree

MAX_REMIND_DAYS = 60
LEVEL_ORDER = list(UnitLevel)

Target = tuple[UUID, list[UUID]]
"""A unit asked for a report, with its ancestors from the root down to its parent."""


@dataclass
class RollupLine:
    """One row of a roll-up table: a direct child's subtree (or the root's own report)."""

    unit_id: UUID
    unit_name: str
    asked: int
    accepted: int
    reported: int
    totals: dict[str, FieldTotal]


@dataclass
class Rollup:
    round_id: UUID
    root_id: UUID
    root_name: str
    counts: dict[str, int]
    """Units asked under the root, by submission status."""
    reported: int
    totals: dict[str, FieldTotal]
    lines: list[RollupLine] = field(default_factory=list)

    @property
    def asked(self) -> int:
        return sum(self.counts.values())

    @property
    def missing(self) -> int:
        return self.asked - self.counts.get(SubmissionStatus.ACCEPTED, 0)


def form_of(raw: Mapping[str, Any] | str) -> ReportForm:
    """A form given by the code of a built-in form, or as the form builder's JSON."""
    if isinstance(raw, str):
        forms = builtin_forms()
        if raw not in forms:
            raise InvalidInputError(
                f"Không có biểu mẫu «{raw}». Có: {', '.join(forms)}.",
                f"No form '{raw}'. Available: {', '.join(forms)}.",
            )
        return forms[raw]
    return form_from_data(raw)


def target_levels_of(requester_level: str, levels: Sequence[str]) -> list[str]:
    """The levels asked: below the requester's, at least one, known names only."""
    try:
        rank = LEVEL_ORDER.index(UnitLevel(requester_level))
    except ValueError:
        rank = 0
    below = LEVEL_ORDER[rank + 1 :]
    if not below:
        raise InvalidInputError(
            "Công đoàn cơ sở không có đơn vị cấp dưới để yêu cầu báo cáo.",
            "A grassroots union has no units below it to ask for reports.",
        )
    chosen = list(dict.fromkeys(levels)) or [level.value for level in below]
    unknown = [level for level in chosen if level not in {b.value for b in below}]
    if unknown:
        names = ", ".join(f"{b.value} ({LEVEL_LABELS[b]})" for b in below)
        raise InvalidInputError(
            f"Cấp đơn vị không hợp lệ: {', '.join(unknown)}. Chọn trong: {names}.",
            f"Unknown or not lower levels: {', '.join(unknown)}. Choose from: {names}.",
        )
    return chosen


class ReportService(PeopleService):
    # -- opening ------------------------------------------------------------------------------
    def open_report_round(
        self,
        actor: Actor,
        *,
        title: str,
        form: Mapping[str, Any] | str,
        period_label: str,
        period_start: date,
        period_end: date,
        due_date: date,
        target_levels: Sequence[str] = (),
        remind_days_before: int = 3,
        schedule_id: str | None = None,
    ) -> UUID:
        tree = self.tree()
        levels = self.check_may_open_rounds(actor, target_levels)
        if schedule_id and scheduled_round_id(schedule_id, period_label) in self.repository:
            return scheduled_round_id(schedule_id, period_label)  # a retried opening
        report_form = form_of(form)
        title = required_text(title, "title")
        if len(title) > MAX_SUBJECT_LENGTH:
            raise InvalidInputError(
                f"Tên đợt báo cáo tối đa {MAX_SUBJECT_LENGTH} ký tự.",
                f"The round's title has at most {MAX_SUBJECT_LENGTH} characters.",
            )
        if period_end < period_start:
            raise InvalidInputError(
                "Kỳ báo cáo kết thúc trước khi bắt đầu.", "The period ends before it starts."
            )
        if due_date < now_vietnam().date():
            raise InvalidInputError(
                "Hạn nộp báo cáo đã qua; chọn một ngày từ hôm nay trở đi.",
                "The due date has passed; choose today or a later day.",
            )
        if not 0 <= remind_days_before <= MAX_REMIND_DAYS:
            raise InvalidInputError(
                f"Số ngày nhắc trước hạn phải từ 0 đến {MAX_REMIND_DAYS}.",
                f"Reminder days before the due date must be 0 to {MAX_REMIND_DAYS}.",
            )
        if not self._targets(tree, actor.unit_id, levels):
            raise InvalidInputError(
                "Không có đơn vị nào thuộc cấp đã chọn dưới đơn vị này.",
                "No unit of the chosen levels is under this unit.",
            )
        report_round = ReportRound(
            requester_unit_id=actor.unit_id,
            title=title,
            form=report_form.to_data(),
            period_label=required_text(period_label or title, "title"),
            period_start=period_start,
            period_end=period_end,
            due_date=due_date,
            target_levels=levels,
            opened_by=actor.account_id,
            remind_days_before=remind_days_before,
            schedule_id=schedule_id,
        )
        self.save_and_refresh(report_round)
        return report_round.id

    def check_may_open_rounds(self, actor: Actor, target_levels: Sequence[str]) -> list[str]:
        """May the actor open rounds for their unit, asking these levels? The levels asked."""
        tree = self.tree()
        require(actor, ReportAction.OPEN, tree, requester_unit_id=actor.unit_id)
        return target_levels_of(tree.get(actor.unit_id).level, target_levels)

    def check_may_manage_schedules(self, actor: Actor, requester_unit_id: UUID) -> None:
        """Who may open the unit's rounds may list and stop its recurring ones."""
        require(actor, ReportAction.OPEN, self.tree(), requester_unit_id=requester_unit_id)

    def report_round(self, round_id: UUID) -> ReportRound:
        return cast(ReportRound, self._get(round_id, ReportRound, "đợt báo cáo", "report round"))

    def report_form(self, round_id: UUID) -> ReportForm:
        return form_from_data(self.report_round(round_id).form)

    @staticmethod
    def _targets(tree: UnitTree, root_id: UUID, levels: Sequence[str]) -> list[Target]:
        found: list[Target] = []
        wanted = set(levels)
        chain = tree.ancestors(root_id)[::-1] + [root_id]

        def walk(unit_id: UUID, ancestors: list[UUID]) -> None:
            for child in tree.children(unit_id):
                if not child.is_active:
                    continue
                if child.level in wanted:
                    found.append((child.id, ancestors))
                walk(child.id, [*ancestors, child.id])

        walk(root_id, chain)
        return found

    def report_targets(self, round_id: UUID) -> list[Target]:
        """Every unit the round asks, in a stable order (the tree as it is now)."""
        report_round = self.report_round(round_id)
        return self._targets(
            self.tree(), report_round.requester_unit_id, report_round.target_levels
        )

    def ask_report_targets(self, round_id: UUID, targets: Sequence[Target]) -> int:
        """Creates each unit's (empty) report; idempotent per (round, unit)."""
        report_round = self.report_round(round_id)

        def asked(unit_id: UUID, ancestors: list[UUID]) -> ReportSubmission:
            return ReportSubmission(
                round_id=round_id,
                unit_id=unit_id,
                ancestor_ids=ancestors,
                requester_unit_id=report_round.requester_unit_id,
                due_date=report_round.due_date,
            )

        unique = list({unit_id: (unit_id, a) for unit_id, a in targets}.values())
        try:
            self.save_and_refresh(*(asked(u, a) for u, a in unique))
            return len(unique)
        except IntegrityError:  # a retried batch: some units were asked already
            new = [
                (u, a) for u, a in unique if submission_id_for(round_id, u) not in self.repository
            ]
            if new:
                self.save_and_refresh(*(asked(u, a) for u, a in new))
            return len(new)

    def record_targets_asked(self, round_id: UUID, count: int) -> None:
        report_round = self.report_round(round_id)
        if report_round.target_count != count:
            report_round.targets_asked(count=count)
            self.save_and_refresh(report_round)

    # -- a unit's report ----------------------------------------------------------------------
    def report_submission(self, round_id: UUID, unit_id: UUID) -> ReportSubmission:
        submission: object
        try:
            submission = self.repository.get(submission_id_for(round_id, unit_id))
        except AggregateNotFoundError:
            submission = None
        if not isinstance(submission, ReportSubmission):
            raise NotFoundError(
                "Đơn vị này không được yêu cầu báo cáo trong đợt này.",
                "This unit is not asked for a report in this round.",
            )
        return submission

    def check_report(
        self, actor: Actor, round_id: UUID, raw_values: Mapping[str, object]
    ) -> dict[str, Value]:
        """May the actor submit their unit's report now, and are the figures valid? Returns the
        cleaned figures (to render and sign before ``submit_report``)."""
        report_round = self.report_round(round_id)
        report_round.ensure_open()
        require(
            actor,
            ReportAction.SUBMIT,
            self.tree(),
            requester_unit_id=report_round.requester_unit_id,
            unit_id=actor.unit_id,
        )
        submission = self.report_submission(round_id, actor.unit_id)
        submission.ensure_open_for_submission()
        return form_from_data(report_round.form).clean(raw_values)

    def submit_report(
        self,
        actor: Actor,
        round_id: UUID,
        values: Mapping[str, Value],
        signed_pdf: bytes,
        certificate_sha256: str,
        submitted_at: datetime | None = None,
    ) -> UUID:
        """Records the unit's signed report; a resubmission after a return replaces it."""
        cleaned = self.check_report(actor, round_id, values)
        submission = self.report_submission(round_id, actor.unit_id)
        sha256 = self.blobs.put(signed_pdf)
        submission.submit(
            values=dict(cleaned),
            by=actor.account_id,
            signer_name=actor.full_name,
            certificate_sha256=certificate_sha256,
            file_sha256=sha256,
            submitted_at=submitted_at or now_vietnam(),
        )
        self.save_and_refresh(submission)
        return submission.id

    def _reviewable(self, actor: Actor, round_id: UUID, unit_id: UUID) -> ReportSubmission:
        report_round = self.report_round(round_id)
        report_round.ensure_open()
        require(
            actor,
            ReportAction.REVIEW,
            self.tree(),
            requester_unit_id=report_round.requester_unit_id,
            unit_id=unit_id,
        )
        return self.report_submission(round_id, unit_id)

    def accept_report(self, actor: Actor, round_id: UUID, unit_id: UUID) -> None:
        submission = self._reviewable(actor, round_id, unit_id)
        submission.accept(by=actor.account_id)
        self.save_and_refresh(submission)

    def return_report(self, actor: Actor, round_id: UUID, unit_id: UUID, reason: str) -> None:
        submission = self._reviewable(actor, round_id, unit_id)
        reason = required_text(reason, "reason")
        if len(reason) > MAX_REASON_LENGTH:
            raise InvalidInputError(
                f"Lý do tối đa {MAX_REASON_LENGTH} ký tự.",
                f"The reason has at most {MAX_REASON_LENGTH} characters.",
            )
        submission.return_to_unit(by=actor.account_id, reason=reason)
        self.save_and_refresh(submission)

    def report_file(self, actor: Actor, round_id: UUID, unit_id: UUID) -> bytes:
        """The signed PDF of a unit's report, for the unit itself and the units above it."""
        self.require_report_reader(actor, round_id, unit_id)
        submission = self.report_submission(round_id, unit_id)
        if submission.file_sha256 is None:
            raise NotFoundError("Đơn vị chưa nộp báo cáo.", "The unit has not submitted yet.")
        return self.blobs.get(submission.file_sha256)

    # -- reading ------------------------------------------------------------------------------
    def require_report_reader(self, actor: Actor, round_id: UUID, unit_id: UUID) -> ReportRound:
        report_round = self.report_round(round_id)
        require(
            actor,
            ReportAction.READ,
            self.tree(),
            requester_unit_id=report_round.requester_unit_id,
            unit_id=unit_id,
        )
        return report_round

    def default_rollup_root(self, actor: Actor, round_id: UUID) -> UUID:
        """Whose roll-up a reader sees first: their own unit's when it is inside the round's
        subtree, otherwise the requester's."""
        requester = self.report_round(round_id).requester_unit_id
        inside = self.tree().is_in_subtree(actor.unit_id, requester)
        return actor.unit_id if inside else requester

    def report_rollup(self, actor: Actor, round_id: UUID, root_id: UUID | None = None) -> Rollup:
        """The figures of the root's subtree from accepted reports only, with one line per
        direct child (its own subtree) and one for the root's own report if it was asked."""
        report_round = self.report_round(round_id)
        root = root_id or report_round.requester_unit_id
        self.require_report_reader(actor, round_id, root)
        return self.rollup_of(round_id, root)

    def rollup_of(self, round_id: UUID, root_id: UUID) -> Rollup:
        """One pass over the subtree's rows: totals, and per direct child (or the root's own
        report) its counts by status and its totals."""
        self.refresh_views()
        report_form = self.report_form(round_id)
        tree = self.views.unit_tree()
        marker = f"/{root_id}/"
        reports: dict[str, list[tuple[str, dict[str, Value]]]] = {}
        counts: dict[str, dict[str, int]] = {}
        for row in self.views.iter_submissions_under(round_id, root_id):
            below = row["path"].split(marker, 1)[1].split("/", 1)[0] or str(root_id)
            by_status = counts.setdefault(below, {})
            by_status[row["status"]] = by_status.get(row["status"], 0) + 1
            if row["figures"] is not None:
                report = (row["unit_name"] or row["unit_id"], json.loads(row["figures"]))
                reports.setdefault(below, []).append(report)
        everything = [report for group in reports.values() for report in group]
        reported, totals = roll_up(report_form, everything)
        lines = []
        for key in sorted(counts, key=lambda k: (k != str(root_id), self._name(tree, k))):
            line_reported, line_totals = roll_up(report_form, reports.get(key, []))
            lines.append(
                RollupLine(
                    unit_id=UUID(key),
                    unit_name=self._name(tree, key),
                    asked=sum(counts[key].values()),
                    accepted=counts[key].get(SubmissionStatus.ACCEPTED, 0),
                    reported=line_reported,
                    totals=line_totals,
                )
            )
        overall: dict[str, int] = {}
        for by_status in counts.values():
            for status, count in by_status.items():
                overall[status] = overall.get(status, 0) + count
        return Rollup(
            round_id=round_id,
            root_id=root_id,
            root_name=self._name(tree, str(root_id)),
            counts=overall,
            reported=reported,
            totals=totals,
            lines=lines,
        )

    @staticmethod
    def _name(tree: UnitTree, unit_id: str) -> str:
        key = UUID(unit_id)
        return tree.get(key).name if key in tree else unit_id

    def missing_reports(
        self, actor: Actor, round_id: UUID, root_id: UUID, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Units under the root whose report is not accepted yet (not submitted, awaiting
        review, or returned), by name."""
        self.require_report_reader(actor, round_id, root_id)
        self.refresh_views()
        return self.views.submissions_under(
            round_id, root_id, NOT_ACCEPTED, limit=limit, offset=offset
        )

    # -- reminders and closing ----------------------------------------------------------------
    def record_report_reminders(self, round_id: UUID, overdue: bool) -> int:
        """Reminds every unit that has not submitted (before the due date), or lists them as
        overdue to the requester (after it). Returns how many; nothing when the round is closed."""
        report_round = self.report_round(round_id)
        if report_round.status != "open":
            return 0
        self.refresh_views()
        waiting = self.views.submission_counts_under(round_id, report_round.requester_unit_id)
        count = waiting.get(SubmissionStatus.ASKED, 0) + waiting.get(SubmissionStatus.RETURNED, 0)
        if count:
            report_round.reminders_sent(count=count, overdue=overdue)
            self.save_and_refresh(report_round)
        return count

    def close_report_round(
        self, actor: Actor, round_id: UUID, summary_pdf: bytes, accepted: int, missing: int
    ) -> str:
        report_round = self.check_may_close(actor, round_id)
        sha256 = self.blobs.put(summary_pdf)
        report_round.close(
            by=actor.account_id, summary_sha256=sha256, accepted=accepted, missing=missing
        )
        self.save_and_refresh(report_round)
        return sha256

    def check_may_close(self, actor: Actor, round_id: UUID) -> ReportRound:
        """The requester's leader closes an open round."""
        report_round = self.report_round(round_id)
        require(
            actor,
            ReportAction.CLOSE,
            self.tree(),
            requester_unit_id=report_round.requester_unit_id,
        )
        report_round.ensure_open()
        return report_round


__all__ = ["ReportService", "Rollup", "RollupLine", "form_of"]
