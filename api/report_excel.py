"""The roll-up of a report round as an Excel workbook (.xlsx, openpyxl): one line per unit
directly below and the total, figures as numbers (so they can be summed again), yes/no fields
as a count and a share, listed texts on a second sheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from documents.report_forms import Aggregation, ReportForm
from documents.report_rollup import FieldTotal
from documents.report_rounds import SubmissionStatus
from documents.service.reports import Rollup

NUMBER_FORMAT = "#,##0.##"


def _header(form: ReportForm) -> tuple[list[str], list[tuple[str, Aggregation, bool]]]:
    """Column titles and, per figure column, (field key, aggregation, is the share column)."""
    titles = ["Đơn vị", "Đã tiếp nhận", "Được yêu cầu"]
    columns: list[tuple[str, Aggregation, bool]] = []
    for item in form.fields:
        if item.aggregation in (Aggregation.NONE, Aggregation.LIST):
            continue
        unit = f" ({item.unit})" if item.unit else ""
        if item.aggregation is Aggregation.COUNT_TRUE:
            titles += [f"{item.label}: số đơn vị", f"{item.label}: tỷ lệ (%)"]
            columns += [(item.key, item.aggregation, False), (item.key, item.aggregation, True)]
        else:
            titles.append(f"{item.label}{unit}")
            columns.append((item.key, item.aggregation, False))
    return titles, columns


def _cell(total: FieldTotal | None, share: bool) -> float | int | None:
    if total is None:
        return None
    return total.share if share else total.value


def rollup_xlsx(form: ReportForm, rollup: Rollup, period_label: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    sheet.append([form.title])
    sheet.append([f"{period_label} — {rollup.root_name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    titles, columns = _header(form)
    sheet.append(titles)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    accepted = rollup.counts.get(SubmissionStatus.ACCEPTED, 0)
    lines = [(line.unit_name, line.accepted, line.asked, line.totals) for line in rollup.lines]
    lines.append((f"Tổng cộng: {rollup.root_name}", accepted, rollup.asked, rollup.totals))
    for name, done, asked, totals in lines:
        figures = [_cell(totals.get(key), share) for key, _, share in columns]
        sheet.append([name, done, asked, *figures])
        for cell in sheet[sheet.max_row][3:]:
            cell.number_format = NUMBER_FORMAT
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B4"
    sheet.column_dimensions["A"].width = 55
    for index in range(2, len(titles) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    listed = [f for f in form.fields if f.aggregation is Aggregation.LIST]
    if listed:
        texts = book.create_sheet("Ý kiến")
        texts.append(["Chỉ tiêu", "Đơn vị", "Nội dung"])
        for cell in texts[1]:
            cell.font = Font(bold=True)
        for item in listed:
            total = rollup.totals.get(item.key)
            for unit, text in total.texts if total else []:
                texts.append([item.label, unit, text])
        texts.column_dimensions["A"].width = 30
        texts.column_dimensions["B"].width = 45
        texts.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
