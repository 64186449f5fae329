"""JSON API: report rounds (đợt báo cáo) — forms, opening a round, a unit's signed report,
review, the roll-up per level with the missing units, CSV export, closing with a signed
summary, and recurring rounds on a schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api import actions
from api.deps import Context, CurrentActor
from api.report_excel import rollup_xlsx
from api.report_presenters import rollup_csv, rollup_json, round_json, submission_json
from api.routes_v1 import PDF_FILE, Accepted, Created
from documents.errors import InvalidInputError, NotFoundError
from documents.report_forms import builtin_forms
from documents.report_periods import FREQUENCIES, check_schedule
from documents.service.reports import form_of
from workflow.report_messages import RoundTemplate
from workflow.report_starter import (
    create_round_schedule,
    delete_round_schedule,
    round_schedule,
    round_schedules,
    signal_round_closed,
    start_report_round,
)
from workflow.reporting import close_round, submit_signed_report

router = APIRouter(prefix="/api/v1", tags=["reports"])


class NewRound(BaseModel):
    title: str = Field(max_length=500)
    form: str | dict[str, Any] = Field(
        description="the code of a built-in form (GET /report-forms) or a form definition: "
        "{title, fields: [{key, label, type: integer|decimal|boolean|text, aggregation, "
        "minimum, maximum, at_most_field, weight_field, required, unit}]}"
    )
    period_label: str = Field(max_length=100)
    period_start: date
    period_end: date
    due_date: date
    target_levels: list[str] = Field(
        default_factory=list, description="levels under the unit to ask; empty = every level"
    )
    remind_days_before: int = Field(default=3, ge=0, le=60)


class NewSchedule(BaseModel):
    title: str = Field(max_length=400)
    form: str = Field(description="the code of a built-in form")
    frequency: str = Field(description=" or ".join(FREQUENCIES))
    due_day: int = Field(ge=1, le=31)
    target_levels: list[str] = Field(default_factory=list)
    remind_days_before: int = Field(default=3, ge=0, le=60)


class Figures(BaseModel):
    values: dict[str, str | int | float | bool | None]


class Reason(BaseModel):
    reason: str = Field(max_length=2000)


@router.get("/report-forms")
def report_forms() -> list[dict[str, Any]]:
    return [form.to_data() for form in builtin_forms().values()]


@router.post("/report-rounds", status_code=201, response_model=Created)
async def open_round(body: NewRound, actor: CurrentActor, context: Context) -> Created:
    app = context.services.app
    round_id = await actions.in_thread(
        lambda: app.open_report_round(
            actor,
            title=body.title,
            form=body.form,
            period_label=body.period_label,
            period_start=body.period_start,
            period_end=body.period_end,
            due_date=body.due_date,
            target_levels=body.target_levels,
            remind_days_before=body.remind_days_before,
        )
    )
    client = await context.temporal.client()
    await start_report_round(client, round_id, context.temporal.task_queue)
    return Created(id=str(round_id))


@router.get("/report-rounds")
def report_rounds(actor: CurrentActor, context: Context) -> dict[str, Any]:
    """Rounds the unit opened, rounds that reach its subtree, and its own reports."""
    app = context.services.app
    app.refresh_views()
    views = app.views
    return {
        "opened": [round_json(row) for row in views.report_rounds_opened_by(actor.unit_id)],
        "in_subtree": [round_json(row) for row in views.report_rounds_in_subtree_of(actor.unit_id)],
        "own_reports": [
            {**submission_json(row), "round_id": row["round_id"], "round_title": row["title"]}
            for row in views.reports_asked_of(actor.unit_id)
        ],
        "to_review": [
            {**submission_json(row), "round_id": row["round_id"], "round_title": row["title"]}
            for row in views.reports_to_review(actor.unit_id)
        ],
    }


def _round_row(context: Context, round_id: UUID) -> dict[str, Any]:
    context.services.app.refresh_views()
    row = context.services.app.views.report_round(round_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đợt báo cáo.", "No such report round.")
    return row


@router.get("/report-rounds/{round_id}")
async def report_round(
    round_id: UUID,
    actor: CurrentActor,
    context: Context,
    unit: Annotated[UUID | None, Query(description="the subtree to roll up")] = None,
) -> dict[str, Any]:
    """The round and the roll-up of a subtree (the requester's by default, or the reader's own
    unit when it sits below the requester)."""
    app = context.services.app
    row = _round_row(context, round_id)
    root = unit or app.default_rollup_root(actor, round_id)
    rollup = await actions.in_thread(app.report_rollup, actor, round_id, root)
    return {**round_json(row), "rollup": rollup_json(rollup)}


@router.get("/report-rounds/{round_id}/missing")
def missing_reports(
    round_id: UUID,
    actor: CurrentActor,
    context: Context,
    unit: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Units under ``unit`` (default: the reader's own unit inside the round, else the
    requester) whose report is not accepted yet."""
    app = context.services.app
    root = unit or app.default_rollup_root(actor, round_id)
    rows = app.missing_reports(actor, round_id, root, limit, offset)
    return [submission_json(r) for r in rows]


@router.get(
    "/report-rounds/{round_id}/rollup.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def rollup_export(
    round_id: UUID, actor: CurrentActor, context: Context, unit: UUID | None = None
) -> Response:
    app = context.services.app
    row = _round_row(context, round_id)
    root = unit or app.default_rollup_root(actor, round_id)
    rollup = app.report_rollup(actor, round_id, root)
    data = rollup_csv(app.report_form(round_id), rollup)
    name = quote(f"tong-hop-{row['period_label']}.csv".replace("/", "-"))
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/report-rounds/{round_id}/rollup.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
def rollup_excel(
    round_id: UUID, actor: CurrentActor, context: Context, unit: UUID | None = None
) -> Response:
    """The roll-up as an Excel workbook: figures as numbers, listed texts on a second sheet."""
    app = context.services.app
    row = _round_row(context, round_id)
    root = unit or app.default_rollup_root(actor, round_id)
    rollup = app.report_rollup(actor, round_id, root)
    data = rollup_xlsx(app.report_form(round_id), rollup, row["period_label"])
    name = quote(f"tong-hop-{row['period_label']}.xlsx".replace("/", "-"))
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/report-rounds/{round_id}/units/{unit_id}")
def unit_report(
    round_id: UUID, unit_id: UUID, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    app = context.services.app
    app.require_report_reader(actor, round_id, unit_id)
    app.refresh_views()
    submission = app.report_submission(round_id, unit_id)
    row = app.views.submission_row(submission.id)
    assert row is not None
    return {
        **submission_json(row),
        "history": app.views.report_history(round_id, unit_id),
    }


@router.post("/report-rounds/{round_id}/submission", response_model=Accepted)
async def submit_report(
    round_id: UUID, body: Figures, actor: CurrentActor, context: Context
) -> Accepted:
    """The leader signs and submits their unit's report (again, after a return)."""
    submission_id = await actions.in_thread(
        submit_signed_report, context.services, actor, round_id, body.values
    )
    return Accepted(id=str(submission_id))


@router.post("/report-rounds/{round_id}/units/{unit_id}/accept", response_model=Accepted)
def accept_report(round_id: UUID, unit_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.accept_report(actor, round_id, unit_id)
    return Accepted(id=str(unit_id))


@router.post("/report-rounds/{round_id}/units/{unit_id}/return", response_model=Accepted)
def return_report(
    round_id: UUID, unit_id: UUID, body: Reason, actor: CurrentActor, context: Context
) -> Accepted:
    context.services.app.return_report(actor, round_id, unit_id, body.reason)
    return Accepted(id=str(unit_id))


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


@router.get(
    "/report-rounds/{round_id}/units/{unit_id}/report.pdf",
    response_class=Response,
    responses={200: PDF_FILE},
)
def unit_report_file(
    round_id: UUID, unit_id: UUID, actor: CurrentActor, context: Context
) -> Response:
    data = context.services.app.report_file(actor, round_id, unit_id)
    return _pdf(data, "bao-cao.pdf")


@router.post("/report-rounds/{round_id}/close", response_model=Accepted)
async def close(round_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    """Khóa sổ: the summary PDF is made and signed by the requesting unit."""
    await actions.in_thread(close_round, context.services, actor, round_id)
    client = await context.temporal.client()
    await signal_round_closed(client, round_id)
    return Accepted(id=str(round_id))


@router.get(
    "/report-rounds/{round_id}/summary.pdf", response_class=Response, responses={200: PDF_FILE}
)
def summary_file(round_id: UUID, actor: CurrentActor, context: Context) -> Response:
    app = context.services.app
    requester = app.report_round(round_id).requester_unit_id
    report_round = app.require_report_reader(actor, round_id, requester)
    if report_round.summary_sha256 is None:
        raise NotFoundError(
            "Đợt báo cáo chưa khóa sổ nên chưa có bảng tổng hợp.",
            "The round is not closed yet, so there is no summary.",
        )
    return _pdf(app.blobs.get(report_round.summary_sha256), "bang-tong-hop.pdf")


@router.post("/report-schedules", status_code=201, response_model=Created)
async def create_schedule(body: NewSchedule, actor: CurrentActor, context: Context) -> Created:
    """A recurring round: opened at 07:00 on the first day of each period's last month
    (quarterly or monthly), due on ``due_day`` of that month."""
    app = context.services.app
    form_of(body.form)
    levels = app.check_may_open_rounds(actor, body.target_levels)
    if not body.title.strip():
        raise InvalidInputError("Cần nhập tiêu đề.", "A title is required.")
    check_schedule(body.frequency, body.due_day)
    template = RoundTemplate(
        opened_by=str(actor.account_id),
        title=body.title.strip(),
        form_code=body.form,
        frequency=body.frequency,
        due_day=body.due_day,
        target_levels=levels,
        remind_days_before=body.remind_days_before,
    )
    client = await context.temporal.client()
    schedule_id = await create_round_schedule(
        client, template, actor.unit_id, context.temporal.task_queue
    )
    return Created(id=schedule_id)


@router.get("/report-schedules")
async def list_schedules(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """The recurring rounds of the actor's unit (leaders and drafters, who may open rounds):
    form, frequency, due day, levels asked and the next openings."""
    app = context.services.app
    await actions.in_thread(app.check_may_manage_schedules, actor, actor.unit_id)
    client = await context.temporal.client()
    return [scheduled.to_data() for scheduled in await round_schedules(client, actor.unit_id)]


@router.delete("/report-schedules/{schedule_id}", status_code=204, response_class=Response)
async def delete_schedule(schedule_id: str, actor: CurrentActor, context: Context) -> Response:
    """Stops a recurring round: no further rounds open from it (those opened go on)."""
    client = await context.temporal.client()
    scheduled = await round_schedule(client, schedule_id)
    if scheduled is None or not scheduled.requester_unit_id:
        raise NotFoundError("Không tìm thấy lịch báo cáo định kỳ.", "No such report schedule.")
    app = context.services.app
    await actions.in_thread(
        app.check_may_manage_schedules, actor, UUID(scheduled.requester_unit_id)
    )
    await delete_round_schedule(client, schedule_id)
    return Response(status_code=204)
