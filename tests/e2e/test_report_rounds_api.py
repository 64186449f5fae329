"""A report round over HTTP on the real processes (web app, worker, Temporal dev server, trust
services): Bến Tre opens a round for its grassroots unions, two of them sign and submit, the
upper-grassroots unit returns one and accepts the resubmission, every level reads its own roll-up
with the missing units, the CSV export, closing with a signed summary; bad input refused."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
from datetime import date, timedelta
from typing import Any

import httpx
import openpyxl

from documents.units import unit_id_for
from signing import ensure_dev_pki, validate_pdf
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack

FIGURES: dict[str, Any] = {
    "members": 120,
    "members_in_database": 100,
    "officers_with_signature": 1,
    "members_with_signature": 30,
    "work_files": 40,
    "online_share": "75,5",
    "trainings": 2,
    "cashless_guided": 50,
    "has_website": True,
    "difficulties": "Thiếu thiết bị cho cán bộ công đoàn",
}


def open_round(stack: Stack, **overrides: Any) -> httpx.Response:
    body = {
        "title": "Báo cáo kết quả chuyển đổi số quý IV/2026",
        "form": "chuyen-doi-so",
        "period_label": "Quý IV/2026",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "due_date": (date.today() + timedelta(days=20)).isoformat(),
        "target_levels": ["grassroots"],
        **overrides,
    }
    return stack.client("bentre.lanhdao").post("/api/v1/report-rounds", json=body)


def wait_until_asked(client: httpx.Client, round_id: str, count: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        data: dict[str, Any] = client.get(f"/api/v1/report-rounds/{round_id}").json()
        if data["asked"] == count:
            return data
        assert time.monotonic() < deadline, data
        time.sleep(0.3)


def submit(stack: Stack, unit: str, round_id: str, **changes: Any) -> httpx.Response:
    return stack.client(f"{unit}.lanhdao").post(
        f"/api/v1/report-rounds/{round_id}/submission", json={"values": {**FIGURES, **changes}}
    )


def test_a_round_from_opening_to_the_signed_summary(stack: Stack) -> None:
    created = open_round(stack)
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    province = stack.client("bentre.lanhdao")
    data = wait_until_asked(province, round_id, 4)
    assert data["rollup"]["missing"] == 4 and data["status"] == "open"

    # the unit's leader signs and submits; impossible figures are refused, nothing stored
    refused = submit(stack, "thcs-phutan", round_id, members_with_signature=500)
    assert refused.status_code == 422, refused.text
    assert "không thể lớn hơn «Tổng số đoàn viên»" in refused.json()["message"]
    assert submit(stack, "thcs-phutan", round_id).status_code == 200
    assert submit(stack, "may-viettien", round_id, members=300).status_code == 200
    again = submit(stack, "thcs-phutan", round_id)
    assert again.status_code == 409, again.text

    # the city federation (upper unit) returns one with a reason and accepts the other
    city = stack.client("bentre-tp.lanhdao")
    inbox = city.get("/api/v1/report-rounds").json()
    assert {r["unit_code"] for r in inbox["to_review"]} == {"thcs-phutan", "may-viettien"}
    phutan, viettien = unit_id_for("thcs-phutan"), unit_id_for("may-viettien")
    base = f"/api/v1/report-rounds/{round_id}/units"
    returned = city.post(f"{base}/{viettien}/return", json={"reason": "Số đoàn viên chưa khớp"})
    assert returned.status_code == 200, returned.text
    assert city.post(f"{base}/{phutan}/accept").status_code == 200
    own = stack.client("may-viettien.lanhdao").get("/api/v1/report-rounds").json()
    assert own["own_reports"][0]["status"] == "returned"
    assert own["own_reports"][0]["return_reason"] == "Số đoàn viên chưa khớp"
    assert submit(stack, "may-viettien", round_id, members=280).status_code == 200
    assert city.post(f"{base}/{viettien}/accept").status_code == 200

    # the province sees its whole subtree; the city federation its own lines
    rollup = province.get(f"/api/v1/report-rounds/{round_id}").json()["rollup"]
    assert (rollup["asked"], rollup["accepted"], rollup["missing"]) == (4, 2, 2)
    assert rollup["totals"]["members"]["value"] == 400
    assert rollup["totals"]["online_share"]["value"] == 75.5
    assert rollup["totals"]["has_website"] == {"value": 2, "share": 100.0}
    lines = {line["unit_name"]: line for line in rollup["lines"]}
    assert lines["Liên đoàn Lao động thành phố Bến Tre"]["totals"]["members"]["value"] == 400
    assert lines["Công đoàn các Khu công nghiệp tỉnh Bến Tre"]["accepted"] == 0
    city_view = city.get(f"/api/v1/report-rounds/{round_id}").json()["rollup"]
    assert city_view["unit_name"] == "Liên đoàn Lao động thành phố Bến Tre"
    assert {line["totals"]["members"]["value"] for line in city_view["lines"]} == {120, 280}
    missing = province.get(f"/api/v1/report-rounds/{round_id}/missing").json()
    assert {row["unit_code"] for row in missing} == {"thuysan-bentre", "dientu-giaolong"}
    forbidden = stack.client("bentre-kcn.lanhdao").get(
        f"/api/v1/report-rounds/{round_id}?unit={unit_id_for('bentre-tp')}"
    )
    assert forbidden.status_code == 403

    # the unit's signed report, and the CSV export (Excel reads the BOM)
    report_pdf = city.get(f"{base}/{phutan}/report.pdf")
    assert report_pdf.headers["content-type"] == "application/pdf"
    pki = ensure_dev_pki(stack.pki_dir, [], [])
    assert validate_pdf(report_pdf.content, pki.trust_roots()).valid
    exported = province.get(f"/api/v1/report-rounds/{round_id}/rollup.csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Đơn vị", "Đã tiếp nhận", "Được yêu cầu"]
    assert rows[-1][0] == "Tổng cộng: Liên đoàn Lao động tỉnh Bến Tre"
    assert rows[-1][3] == "400"
    workbook = province.get(f"/api/v1/report-rounds/{round_id}/rollup.xlsx")
    assert workbook.status_code == 200, workbook.text
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "tong-hop-" in workbook.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert cells[2][:3] == ["Đơn vị", "Đã tiếp nhận", "Được yêu cầu"]
    header = cells[2]
    total = cells[-1]
    assert total[0] == "Tổng cộng: Liên đoàn Lao động tỉnh Bến Tre"
    members = next(
        i for i, title in enumerate(header) if str(title).startswith("Tổng số đoàn viên")
    )
    assert total[members] == 400  # a number Excel can add up, not text
    by_unit = {line[0]: line for line in cells[3:-1]}
    assert by_unit["Liên đoàn Lao động thành phố Bến Tre"][members] == 400
    share = header.index("Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng (%)")
    assert total[share] == 75.5
    assert header.index("Có trang thông tin điện tử (Fanpage/Zalo): tỷ lệ (%)")
    assert unicodedata.is_normalized("NFC", "".join(str(v) for line in cells for v in line))

    # closing: only the requester's leader; the summary is signed by the unit
    assert city.post(f"/api/v1/report-rounds/{round_id}/close").status_code == 403
    closed = province.post(f"/api/v1/report-rounds/{round_id}/close")
    assert closed.status_code == 200, closed.text
    summary = province.get(f"/api/v1/report-rounds/{round_id}/summary.pdf").content
    report = validate_pdf(summary, pki.trust_roots())
    assert report.valid and len(report.signatures) == 1, report.summary_en
    assert_pdfsig_valid(summary, pki.root_cert_path, signatures=1)
    late = submit(stack, "thuysan-bentre", round_id)
    assert late.status_code == 409 and "khóa sổ" in late.json()["message"]


def test_bad_rounds_are_refused_with_bilingual_messages(stack: Stack) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for overrides, status, fragment in (
        ({"due_date": yesterday}, 422, "Hạn nộp"),
        ({"form": "khong-co"}, 422, "Không có biểu mẫu"),
        ({"form": {"title": "X", "fields": []}}, 422, "ít nhất một chỉ tiêu"),
        ({"target_levels": ["provincial"]}, 422, "Cấp đơn vị"),
        ({"period_end": "2026-09-01"}, 422, "kết thúc trước"),
    ):
        response = open_round(stack, **overrides)
        assert response.status_code == status, (overrides, response.text)
        body = response.json()
        assert fragment in body["message"] and body["message_en"], body
    clerk = stack.client("bentre.vanthu")
    response = clerk.post("/api/v1/report-rounds", json={})
    assert response.status_code == 422
    unknown = clerk.get("/api/v1/report-rounds/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404
    bad_schedule = stack.client("bentre.lanhdao").post(
        "/api/v1/report-schedules",
        json={"title": "Báo cáo", "form": "chuyen-doi-so", "frequency": "weekly", "due_day": 25},
    )
    assert bad_schedule.status_code == 422 and "Chu kỳ" in bad_schedule.json()["message"]
