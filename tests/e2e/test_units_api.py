"""Administering the union tree over HTTP: import from CSV, rename, move, merge, dissolve, and
the register setting — each refused to anyone but an admin of the unit or above."""

from __future__ import annotations

from tests.e2e.flow import draft_plan, wait_for_status
from tests.stack import Stack

HEADER = "code,name,short_name,abbreviation,level,parent_code,place\n"


def csv_upload(text: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("units.csv", text.encode("utf-8"), "text/csv")}


def test_an_admin_imports_and_reorganises_units(stack: Stack) -> None:
    admin = stack.client("quantri")
    rows = HEADER + (
        "ben-tre-ql,Công đoàn cơ sở Trường THPT Quản Long,CĐCS THPT Quản Long,CĐCS,grassroots,"
        "bentre-tp,Bến Tre\n"
        "ben-tre-mt,Công đoàn cơ sở Công ty Mỏ Cày,CĐCS Công ty Mỏ Cày,CĐCS,grassroots,"
        "bentre-kcn,Bến Tre\n"
    )
    assert (
        stack.client("bentre.vanthu")
        .post("/api/v1/units/import", files=csv_upload(rows))
        .status_code
        == 403
    )
    imported = admin.post("/api/v1/units/import", files=csv_upload(rows))
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 2}
    bad = admin.post(
        "/api/v1/units/import", files=csv_upload(HEADER + "x,Tên,T,X,grassroots,khong-co,Huế\n")
    )
    assert bad.status_code == 422 and "dòng 2" in bad.json()["message"]
    latin1 = admin.post(
        "/api/v1/units/import", files={"file": ("u.csv", "Tên".encode("latin-1"), "text/csv")}
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["message"]

    renamed = admin.post(
        "/api/v1/units/ben-tre-ql/rename",
        json={
            "name": "Công đoàn cơ sở Trường THPT Quản Long mới",
            "short_name": "CĐCS QL",
            "abbreviation": "CĐCS",
        },
    )
    assert renamed.status_code == 200, renamed.text
    assert (
        admin.post("/api/v1/units/ben-tre-ql/move", json={"parent": "bentre-kcn"}).status_code
        == 200
    )
    cycle = admin.post("/api/v1/units/bentre/move", json={"parent": "bentre-tp"})
    assert cycle.status_code == 422
    assert (
        admin.post("/api/v1/units/ben-tre-ql/merge", json={"into": "ben-tre-mt"}).status_code == 200
    )
    dissolved = admin.post(
        "/api/v1/units/ben-tre-mt/dissolve", json={"reason": "Doanh nghiệp giải thể"}
    )
    assert dissolved.status_code == 200
    again = admin.post(
        "/api/v1/units/ben-tre-ql/rename",
        json={"name": "A", "short_name": "A", "abbreviation": "A"},
    )
    assert again.status_code == 409
    units = {u["code"]: u for u in admin.get("/api/v1/units").json()}
    assert units["ben-tre-ql"]["parent_id"] == units["bentre-kcn"]["id"]
    # a dissolved unit can no longer receive documents
    refused = draft_plan(stack.client("bentre.chuyenvien"), recipients=["ben-tre-mt"])
    assert refused.status_code == 422 and "giải thể" in refused.json()["message"]


def test_a_unit_numbers_each_document_type_in_its_own_register(stack: Stack) -> None:
    forbidden = stack.client("bentre.lanhdao").post(
        "/api/v1/units/thanhhoa/register-mode", json={"mode": "per_type"}
    )
    assert forbidden.status_code == 403
    admin = stack.client("quantri")
    assert admin.post("/api/v1/units/thanhhoa/register-mode", json={"mode": "x"}).status_code == 422
    assert (
        admin.post("/api/v1/units/thanhhoa/register-mode", json={"mode": "per_type"}).status_code
        == 200
    )
    assert (
        admin.post("/api/v1/units/bentre/register-mode", json={"mode": "per_type"}).status_code
        == 200
    )
    numbers = []
    for doc_type in ("ke_hoach", "thong_bao"):
        drafter = stack.client("bentre.chuyenvien")
        document_id = draft_plan(drafter, doc_type=doc_type).json()["id"]
        assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
        assert (
            stack.client("bentre.lanhdao").post(f"/api/v1/documents/{document_id}/sign").status_code
            == 200
        )
        clerk = stack.client("bentre.vanthu")
        assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
        numbers.append(wait_for_status(clerk, document_id, "dispatched")["number_symbol"])
    assert numbers == ["01/KH-LĐLĐ", "01/TB-LĐLĐ"]
