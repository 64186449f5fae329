"""Report steps that combine documents and signing: a unit's report rendered as a table and
signed by its leader before it is submitted; a round's summary (tables of the roll-up, the
units' lines, the missing units, the difficulties they wrote) signed by the requesting unit."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from documents.clock import now_vietnam
from documents.policy import Actor
from documents.report_forms import Aggregation, FieldType, ReportField, ReportForm, Value
from documents.report_rollup import FieldTotal
from documents.report_rounds import NOT_ACCEPTED, SUBMISSION_STATUS_LABELS
from documents.service.reports import Rollup
from signing.report_pdf import ReportTable, TablePdf, render_table_pdf, sign_invisibly
from workflow.services import OfficeServices, unit_key_id
from workflow.signing_keys import signing_key
from workflow.signing_steps import certificate_sha256, signing_refusals

MISSING_LISTED = 500


def number_vi(value: float | int | None, unit: str = "") -> str:
    """Vietnamese number style: 1.234.567 and 62,5 (and a unit after it)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", ".")
    else:
        whole, _, fraction = f"{value:,.2f}".rstrip("0").partition(".")
        text = whole.replace(",", ".") + ("," + fraction if fraction else "")
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def value_vi(item: ReportField, value: Value) -> str:
    if item.type is FieldType.TEXT:
        return str(value or "")
    if item.type is FieldType.BOOLEAN:
        return "Có" if value else "Không"
    return number_vi(value if isinstance(value, int | float) else None, item.unit)


def total_vi(item: ReportField, total: FieldTotal) -> str:
    if item.aggregation is Aggregation.COUNT_TRUE:
        if total.value is None:
            return "—"
        return f"{number_vi(total.value)} đơn vị ({number_vi(total.share, '%')})"
    if item.aggregation is Aggregation.LIST:
        return f"{len(total.texts)} ý kiến"
    if item.aggregation is Aggregation.NONE:
        return ""
    return number_vi(total.value, item.unit)


def _issuer_lines(services: OfficeServices, unit_id: UUID) -> list[str]:
    parent_line, unit_line = services.app.tree().issuer_header(unit_id)
    return [line for line in (parent_line, unit_line) if line]


def submit_signed_report(
    services: OfficeServices, actor: Actor, round_id: UUID, raw_values: Mapping[str, object]
) -> UUID:
    """Checks the figures, renders the unit's report, has the leader sign it (invisible PAdES
    signature at the unit's personal level), then submits it."""
    app = services.app
    values = app.check_report(actor, round_id, raw_values)
    report_round = app.report_round(round_id)
    form = app.report_form(round_id)
    account = app.account_by_id(actor.account_id)
    key = signing_key(services, account.key_id)
    moment = now_vietnam()
    unit = app.unit(actor.unit_id)
    pdf = render_table_pdf(
        TablePdf(
            issuer_lines=_issuer_lines(services, actor.unit_id),
            title=form.title,
            subtitle_lines=[
                f"{report_round.period_label} — {report_round.title}",
                f"Đơn vị báo cáo: {unit.name}",
            ],
            tables=[_values_table(form, values)],
            closing_lines=[
                f"Người ký: {account.full_name} ({account.title})",
                f"Thời điểm ký: {moment.isoformat(timespec='seconds')}",
            ],
        )
    )
    with signing_refusals():
        signed = sign_invisibly(
            pdf,
            key,
            moment,
            reason=f"Ký báo cáo: {report_round.title}",
            name=account.full_name,
            level=services.signature_levels(actor.unit_id).personal,
            services=services.keys.trust_services(),
        )
    return app.submit_report(
        actor, round_id, values, signed, certificate_sha256(key), submitted_at=moment
    )


def _values_table(form: ReportForm, values: Mapping[str, Value]) -> ReportTable:
    return ReportTable(
        heading="Số liệu báo cáo",
        columns=["TT", "Chỉ tiêu", "Số liệu"],
        rows=[
            [str(index), item.label, value_vi(item, values.get(item.key))]
            for index, item in enumerate(form.fields, 1)
        ],
        widths=[0.6, 6, 3.4],
    )


def summary_pdf(services: OfficeServices, round_id: UUID, rollup: Rollup) -> bytes:
    """The round's summary as tables (not signed yet)."""
    app = services.app
    report_round = app.report_round(round_id)
    form = app.report_form(round_id)
    numeric = [f for f in form.fields if f.aggregation not in (Aggregation.LIST, Aggregation.NONE)]
    tables = [
        ReportTable(
            heading="I. Tổng hợp toàn đơn vị (chỉ từ báo cáo đã tiếp nhận)",
            columns=["TT", "Chỉ tiêu", "Tổng hợp"],
            rows=[
                [str(i), item.label, total_vi(item, rollup.totals[item.key])]
                for i, item in enumerate(numeric, 1)
            ],
            widths=[0.6, 6, 3.4],
        ),
        ReportTable(
            heading="II. Theo đơn vị trực thuộc",
            columns=["Đơn vị", "Đã tiếp nhận / được yêu cầu", *(f.label for f in numeric)],
            rows=[
                [
                    line.unit_name,
                    f"{line.accepted}/{line.asked}",
                    *(total_vi(f, line.totals[f.key]) for f in numeric),
                ]
                for line in rollup.lines
            ],
            widths=[3, 1.4, *([1.2] * len(numeric))],
        ),
    ]
    missing = app.views.submissions_under(
        round_id, rollup.root_id, NOT_ACCEPTED, limit=MISSING_LISTED
    )
    if missing:
        rows = [
            [row["unit_name"] or row["unit_id"], SUBMISSION_STATUS_LABELS[row["status"]][0]]
            for row in missing
        ]
        if rollup.missing > len(missing):
            rows.append([f"… và {rollup.missing - len(missing)} đơn vị khác", ""])
        tables.append(
            ReportTable(
                heading=f"III. Đơn vị chưa có báo cáo được tiếp nhận ({rollup.missing})",
                columns=["Đơn vị", "Tình trạng"],
                rows=rows,
                widths=[7, 3],
            )
        )
    for item in form.fields:
        if item.aggregation is Aggregation.LIST and rollup.totals[item.key].texts:
            tables.append(
                ReportTable(
                    heading=f"{item.label}",
                    columns=["Đơn vị", "Nội dung"],
                    rows=[list(pair) for pair in rollup.totals[item.key].texts],
                    widths=[3, 7],
                )
            )
    return render_table_pdf(
        TablePdf(
            issuer_lines=_issuer_lines(services, report_round.requester_unit_id),
            title=f"Bảng tổng hợp: {form.title}",
            subtitle_lines=[
                f"{report_round.period_label} — {report_round.title}",
                f"Hạn nộp: {report_round.due_date.strftime('%d/%m/%Y')}. "
                f"Đã tiếp nhận {rollup.asked - rollup.missing}/{rollup.asked} đơn vị.",
            ],
            tables=tables,
            closing_lines=[f"Khóa sổ lúc {now_vietnam().isoformat(timespec='seconds')}"],
            landscape=len(numeric) > 4,
        )
    )


def close_round(services: OfficeServices, actor: Actor, round_id: UUID) -> str:
    """Closes the round: the summary signed with the requesting unit's seal certificate."""
    app = services.app
    report_round = app.check_may_close(actor, round_id)
    rollup = app.rollup_of(round_id, report_round.requester_unit_id)
    pdf = summary_pdf(services, round_id, rollup)
    unit = app.unit(report_round.requester_unit_id)
    key = services.keys.key(unit_key_id(unit.code))
    with signing_refusals():
        signed = sign_invisibly(
            pdf,
            key,
            now_vietnam(),
            reason=f"Khóa sổ đợt báo cáo: {report_round.title}",
            name=unit.name,
            level=services.signature_levels(unit.id).seal,
            services=services.keys.trust_services(),
        )
    return app.close_report_round(
        actor, round_id, signed, rollup.asked - rollup.missing, rollup.missing
    )
