"""Report rounds as the API and the pages show them: rows of the read model and roll-ups turned
into plain JSON, and the roll-up as CSV (UTF-8 with BOM, so spreadsheet programs read the
Vietnamese text)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from documents.report_forms import Aggregation, ReportForm
from documents.report_rollup import FieldTotal
from documents.report_rounds import SUBMISSION_STATUS_LABELS, SubmissionStatus
from documents.service.reports import Rollup
from workflow.reporting import total_vi


def round_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "requester_unit_id": row["requester_unit_id"],
        "period_label": row["period_label"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "due_date": row["due_date"],
        "target_levels": [level for level in (row["target_levels"] or "").split(",") if level],
        "status": row["status"],
        "asked": row["target_count"],
        "opened_at": row["opened_at"],
        "closed_at": row["closed_at"],
        "summary_available": bool(row["summary_sha256"]),
        "schedule_id": row["schedule_id"],
        "reminders_sent": row["reminders_sent"],
        "overdue_notified": row["overdue_notified"],
        "form": json.loads(row["form"]),
    }


def submission_json(row: dict[str, Any]) -> dict[str, Any]:
    status = SubmissionStatus(row["status"])
    vi, en = SUBMISSION_STATUS_LABELS[status]
    return {
        "unit_id": row["unit_id"],
        "unit_name": row.get("unit_name"),
        "unit_code": row.get("unit_code"),
        "status": status.value,
        "status_vi": vi,
        "status_en": en,
        "due_date": row["due_date"],
        "values": json.loads(row["figures"]) if row.get("figures") else None,
        "revision": row["revision"],
        "submitted_at": row["submitted_at"],
        "signer_name": row["signer_name"],
        "reviewed_at": row["reviewed_at"],
        "return_reason": row["return_reason"],
    }


def total_json(total: FieldTotal) -> dict[str, Any]:
    data: dict[str, Any] = {"value": total.value}
    if total.share is not None:
        data["share"] = total.share
    if total.aggregation == Aggregation.LIST.value:
        data["texts"] = [{"unit": unit, "text": text} for unit, text in total.texts]
    return data


def rollup_json(rollup: Rollup) -> dict[str, Any]:
    return {
        "unit_id": str(rollup.root_id),
        "unit_name": rollup.root_name,
        "asked": rollup.asked,
        "accepted": rollup.counts.get(SubmissionStatus.ACCEPTED, 0),
        "missing": rollup.missing,
        "by_status": rollup.counts,
        "totals": {key: total_json(total) for key, total in rollup.totals.items()},
        "lines": [
            {
                "unit_id": str(line.unit_id),
                "unit_name": line.unit_name,
                "asked": line.asked,
                "accepted": line.accepted,
                "totals": {key: total_json(total) for key, total in line.totals.items()},
            }
            for line in rollup.lines
        ],
    }


def rollup_csv(form: ReportForm, rollup: Rollup) -> bytes:
    fields = [f for f in form.fields if f.aggregation is not Aggregation.NONE]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Đơn vị", "Đã tiếp nhận", "Được yêu cầu", *(f.label for f in fields)])
    rows = [(line.unit_name, line.accepted, line.asked, line.totals) for line in rollup.lines]
    accepted = rollup.counts.get(SubmissionStatus.ACCEPTED, 0)
    rows.append((f"Tổng cộng: {rollup.root_name}", accepted, rollup.asked, rollup.totals))
    for name, done, asked, totals in rows:
        writer.writerow([name, done, asked, *(total_vi(f, totals[f.key]) for f in fields)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
