"""Pages of report rounds: the list (open a round with a built-in form or the form builder),
one round (progress, roll-up per level with drill-down, missing units, the unit's own form to
fill and sign, reports to review, export, close) and the figures of earlier periods as a chart."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import actions
from api.deps import Context, check_csrf
from api.pages import _base, page_actor, render
from api.redirects import back_to_referer
from api.report_presenters import round_json, submission_json
from documents.errors import InvalidInputError
from documents.report_forms import Aggregation, FieldType, builtin_forms, form_from_data
from documents.report_policy import ReportAction, may
from documents.report_rounds import submission_id_for
from documents.service.reports import Rollup
from documents.units import LEVEL_LABELS, UnitLevel
from workflow.report_starter import signal_round_closed, start_report_round
from workflow.reporting import close_round, submit_signed_report, total_vi, value_vi

router = APIRouter(include_in_schema=False)

BUILDER_ROWS = 8
MISSING_SHOWN = 100
HISTORY_ROUNDS = 8


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/reports")
def reports_page(request: Request, context: Context) -> Response:
    base = _base(request, context)
    actor = base["actor"]
    app = context.services.app
    app.refresh_views()
    views = app.views
    unit = app.tree().get(actor.unit_id)
    levels = list(UnitLevel)
    below = levels[levels.index(UnitLevel(unit.level)) + 1 :] if unit.level in levels else []
    return render(
        request,
        "reports.html",
        opened=[round_json(r) for r in views.report_rounds_opened_by(actor.unit_id)],
        in_subtree=[round_json(r) for r in views.report_rounds_in_subtree_of(actor.unit_id)],
        own=[
            {
                **submission_json(r),
                "round_id": r["round_id"],
                "round_title": r["title"],
                "round_status": r["round_status"],
            }
            for r in views.reports_asked_of(actor.unit_id)
        ],
        to_review=[
            {**submission_json(r), "round_id": r["round_id"], "round_title": r["title"]}
            for r in views.reports_to_review(actor.unit_id)
        ],
        may_open=may(actor, ReportAction.OPEN, app.tree(), requester_unit_id=actor.unit_id)
        and bool(below),
        forms=list(builtin_forms().values()),
        levels=[(level.value, LEVEL_LABELS[level]) for level in below],
        builder_rows=BUILDER_ROWS,
        field_types=list(FieldType),
        aggregations=list(Aggregation),
        today=date.today().isoformat(),
        **base,
    )


def builder_form(fields: dict[str, list[str]], title: str) -> dict[str, Any]:
    """The form builder's rows (key, label, type, aggregation, min, max; empty rows skipped)
    as a form definition; checked by ``form_from_data``."""
    rows = []
    columns = ("key", "label", "type", "aggregation", "minimum", "maximum")
    count = max((len(fields.get(c, [])) for c in columns), default=0)
    for index in range(count):
        row = {c: (fields.get(c, [""] * count) + [""] * count)[index].strip() for c in columns}
        if row["key"] or row["label"]:
            rows.append({k: v for k, v in row.items() if v != ""})
    return {"title": title, "code": "tu-thiet-ke", "fields": rows}


@router.post("/reports")
async def open_round_page(request: Request, context: Context) -> Response:
    actor = page_actor(request, context)
    form = await request.form()
    check_csrf(request, context, str(form.get("csrf_token", "")))
    text = {key: str(form.get(key, "")).strip() for key in form}
    chosen = text.get("form", "")
    definition: str | dict[str, Any] = chosen
    if chosen == "builder":
        definition = builder_form(
            {
                c: [str(v) for v in form.getlist(c)]
                for c in ("key", "label", "type", "aggregation", "minimum", "maximum")
            },
            text.get("form_title") or text.get("title", ""),
        )
    app = context.services.app
    round_id = await actions.in_thread(
        lambda: app.open_report_round(
            actor,
            title=text.get("title", ""),
            form=definition,
            period_label=text.get("period_label", ""),
            period_start=_date(text.get("period_start", ""), "period"),
            period_end=_date(text.get("period_end", ""), "period"),
            due_date=_date(text.get("due_date", ""), "due"),
            target_levels=[str(v) for v in form.getlist("target_levels")],
            remind_days_before=_int(text.get("remind_days_before", "3")),
        )
    )
    client = await context.temporal.client()
    await start_report_round(client, round_id, context.temporal.task_queue)
    return _back(f"/reports/{round_id}")


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        vi, en = ("Hạn nộp", "due date") if what == "due" else ("Ngày của kỳ", "period date")
        raise InvalidInputError(
            f"{vi} không hợp lệ (dạng năm-tháng-ngày).", f"Invalid {en} (YYYY-MM-DD)."
        ) from None


def _int(value: str) -> int:
    try:
        return int(value or "0")
    except ValueError:
        raise InvalidInputError("Số ngày phải là số nguyên.", "Days must be a number.") from None


@router.get("/reports/{round_id}")
async def round_page(
    round_id: UUID,
    request: Request,
    context: Context,
    unit: UUID | None = None,
    periods: bool = False,
) -> Response:
    base = _base(request, context)
    actor = base["actor"]
    app = context.services.app
    report_round = app.report_round(round_id)
    tree = app.tree()
    requester = report_round.requester_unit_id
    root = unit or app.default_rollup_root(actor, round_id)
    reader = may(actor, ReportAction.READ, tree, requester_unit_id=requester, unit_id=root)
    rollup = await actions.in_thread(app.report_rollup, actor, round_id, root) if reader else None
    views = app.views
    row = views.report_round(round_id)
    assert row is not None
    form = form_from_data(report_round.form)
    own_row = views.submission_row(submission_id_for(round_id, actor.unit_id))
    missing = (
        app.missing_reports(actor, round_id, root, MISSING_SHOWN) if rollup is not None else []
    )
    reviewable = [
        submission_json(r)
        for r in views.submissions_under(round_id, root, ("submitted",), limit=MISSING_SHOWN)
        if may(
            actor,
            ReportAction.REVIEW,
            tree,
            requester_unit_id=requester,
            unit_id=UUID(r["unit_id"]),
        )
    ]
    parent = tree.get(root).parent_id if root in tree else None
    up = (
        parent
        if parent
        and may(actor, ReportAction.READ, tree, requester_unit_id=requester, unit_id=parent)
        else None
    )
    return render(
        request,
        "report_round.html",
        round=round_json(row),
        form=form,
        rollup=rollup,
        total_vi=total_vi,
        value_vi=value_vi,
        own=submission_json(own_row) if own_row else None,
        may_submit=own_row is not None
        and may(
            actor, ReportAction.SUBMIT, tree, requester_unit_id=requester, unit_id=actor.unit_id
        ),
        missing=[submission_json(r) for r in missing],
        reviewable=reviewable,
        may_close=may(actor, ReportAction.CLOSE, tree, requester_unit_id=requester)
        and row["status"] == "open",
        up=up,
        periods=periods,
        history=_history(context, requester, root, form.code, row, rollup)
        if rollup and periods
        else [],
        **base,
    )


def _history(
    context: Context,
    requester: UUID,
    root: UUID,
    code: str,
    row: dict[str, Any],
    current: Rollup,
) -> list[Any]:
    """Earlier rounds of the same form by the same unit, oldest first, then this one, with the
    totals of the reader's subtree (accepted reports only): the chart of figures over periods.
    Each earlier period is a whole roll-up, so the page computes them only when asked."""
    app = context.services.app
    earlier = [
        r
        for r in app.views.report_rounds_opened_by(requester)
        if json.loads(r["form"]).get("code") == code and r["opened_at"] < row["opened_at"]
    ][: HISTORY_ROUNDS - 1]
    periods = [
        {"label": r["period_label"], "totals": app.rollup_of(UUID(r["id"]), root).totals}
        for r in reversed(earlier)
    ]
    return [*periods, {"label": row["period_label"], "totals": current.totals}]


@router.post("/reports/{round_id}/submit")
async def submit_page(round_id: UUID, request: Request, context: Context) -> Response:
    actor = page_actor(request, context)
    form = await request.form()
    check_csrf(request, context, str(form.get("csrf_token", "")))
    report_form = context.services.app.report_form(round_id)
    values: dict[str, object] = {}
    for item in report_form.fields:
        raw = form.get(f"v_{item.key}")
        values[item.key] = (raw is not None) if item.type is FieldType.BOOLEAN else raw
    await actions.in_thread(submit_signed_report, context.services, actor, round_id, values)
    return _back(f"/reports/{round_id}")


@router.post("/reports/{round_id}/units/{unit_id}/{decision}")
async def review_page(
    round_id: UUID, unit_id: UUID, decision: str, request: Request, context: Context
) -> Response:
    actor = page_actor(request, context)
    form = await request.form()
    check_csrf(request, context, str(form.get("csrf_token", "")))
    app = context.services.app
    if decision == "accept":
        await actions.in_thread(app.accept_report, actor, round_id, unit_id)
    elif decision == "return":
        reason = str(form.get("reason", ""))
        await actions.in_thread(app.return_report, actor, round_id, unit_id, reason)
    else:
        raise InvalidInputError("Không có thao tác này.", "No such action.")
    return back_to_referer(request, f"/reports/{round_id}")


@router.post("/reports/{round_id}/close")
async def close_page(round_id: UUID, request: Request, context: Context) -> Response:
    actor = page_actor(request, context)
    form = await request.form()
    check_csrf(request, context, str(form.get("csrf_token", "")))
    await actions.in_thread(close_round, context.services, actor, round_id)
    client = await context.temporal.client()
    await signal_round_closed(client, round_id)
    return _back(f"/reports/{round_id}")
