"""The archive over HTTP on the real processes: a folder holding a really issued document is
exported by the auditor as a ZIP, which verifies offline (in the ZIP, unpacked, with the CLI) and
whose every kind of tampering is caught; its signed manifest (ban-ke-da-ky.pdf, sealed by the
exporting unit) is valid for pyHanko and pdfsig and checked by `eoffice verify-archive`; a unit
without a seal certificate cannot export; who may list and export folders; the transfer
reminder."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from documents import archive_check
from signing import DevPki, validate_pdf
from signing.embedded_files import embedded_file
from tests.e2e.flow import issued_plan
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack

THIS_YEAR = 2026


@pytest.fixture(scope="module")
def folder(stack: Stack) -> dict[str, Any]:
    """A closed folder of the Bến Tre federation with one issued, dispatched plan in it."""
    document_id = issued_plan(stack)
    clerk = stack.client("bentre.vanthu")
    created = clerk.post(
        "/api/v1/folders",
        json={
            "year": THIS_YEAR,
            "code": "07.KH",
            "title": "Kế hoạch chuyển đổi số",
            "retention_years": 10,
        },
    )
    assert created.status_code == 201, created.text
    folder_id = created.json()["id"]
    filed = clerk.post(f"/api/v1/documents/{document_id}/file", json={"folder_id": folder_id})
    assert filed.status_code == 200, filed.text
    assert clerk.post(f"/api/v1/folders/{folder_id}/close").status_code == 200
    return {"id": folder_id, "document_id": document_id}


@pytest.fixture(scope="module")
def exported(
    stack: Stack, folder: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    response = stack.client("kiemtra").get(f"/api/v1/folders/{folder['id']}/export.zip")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "ho-so-2026-07.KH.zip" in response.headers["content-disposition"]
    path = tmp_path_factory.mktemp("export") / "ho-so.zip"
    path.write_bytes(response.content)
    return path


def _rewrite(
    source: Path, target: Path, change: dict[str, bytes | None], add: dict[str, bytes]
) -> None:
    """A copy of the ZIP with some members changed (None: removed) and others added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            for suffix, replacement in change.items():
                if info.filename.endswith(suffix):
                    data = replacement  # type: ignore[assignment]
            if data is not None:
                new.writestr(info, data)
        for name, data in add.items():
            new.writestr(name, data)


def test_the_export_holds_the_signed_document_its_report_history_and_manifest(
    stack: Stack, folder: dict[str, Any], exported: Path
) -> None:
    auditor = stack.client("kiemtra")
    document = auditor.get(f"/api/v1/documents/{folder['document_id']}").json()
    with zipfile.ZipFile(exported) as archive:
        names = archive.namelist()
        root = "ho-so-2026-07.KH/"
        [pdf] = [n for n in names if n.endswith("/van-ban.pdf")]
        where = pdf.rsplit("/", 1)[0]
        assert where.startswith(root + "van-ban/001-") and "-KH-LDLD" in where
        manifest = json.loads(archive.read(root + "manifest.json"))
        report = json.loads(archive.read(f"{where}/kiem-tra-chu-ky.json"))
        summary = archive.read(f"{where}/kiem-tra-chu-ky.txt").decode()
        history = json.loads(archive.read(f"{where}/lich-su.json"))
        rows = list(
            csv.DictReader(io.StringIO(archive.read(root + "manifest.csv").decode("utf-8-sig")))
        )
        assert archive.read(root + "manifest.csv").startswith(b"\xef\xbb\xbf")
        assert b"<manifest" in archive.read(root + "manifest.xml")
        assert {root + "README.txt", root + "verify_manifest.py"} <= set(names)
    [entry] = [f for f in manifest["files"] if f["kind"] == "document"]
    assert entry["sha256"] == document["file_sha256"]
    assert (entry["number_symbol"], entry["subject"]) == (
        document["number_symbol"],
        document["subject"],
    )
    assert entry["doc_type_name"] == "Kế hoạch" and entry["date"] == document["issued_at"][:10]
    assert len(entry["signers"]) == 2  # the leader's signature and the unit's seal
    assert report["valid"] is True and len(report["signatures"]) == 2
    assert "HỢP LỆ" in summary and "Tất cả 2 chữ ký số đều hợp lệ" in summary
    events = [h["event"] for h in history]
    assert events[:3] == [
        "OutgoingDocument.Drafted",
        "OutgoingDocument.Submitted",
        "OutgoingDocument.ApprovedAndSigned",
    ]
    assert "OutgoingDocument.Filed" in events and history[0]["what"] == "Soạn dự thảo"
    folder_meta = manifest["folder"]
    assert (folder_meta["code"], folder_meta["unit_code"], folder_meta["year"]) == (
        "07.KH",
        "bentre",
        2026,
    )
    assert (folder_meta["status"], folder_meta["retention"]) == ("closed", "10 năm")
    assert folder_meta["closed_at"] and manifest["exported_by"] == "kiemtra"
    assert len(rows) == len(manifest["files"]) and rows[0]["folder_code"] == "07.KH"
    access = auditor.get(f"/api/v1/documents/{folder['document_id']}/access-log").json()
    assert ("kiemtra", "export") in [(row["username"], row["kind"]) for row in access]


def test_the_signed_manifest_is_sealed_by_the_exporting_unit_and_lists_every_digest(
    stack: Stack, folder: dict[str, Any], exported: Path
) -> None:
    auditor = stack.client("kiemtra")
    document = auditor.get(f"/api/v1/documents/{folder['document_id']}").json()
    with zipfile.ZipFile(exported) as archive:
        pdf = archive.read("ho-so-2026-07.KH/ban-ke-da-ky.pdf")
        manifest_json = archive.read("ho-so-2026-07.KH/manifest.json")
    pki = DevPki(stack.pki_dir, stack.pki_dir / "root-ca.pem")
    report = validate_pdf(pdf, pki.trust_roots())
    [signature] = report.signatures
    assert report.valid, report.summary_en
    assert signature.signer_name == "Tổng Liên đoàn Lao động Việt Nam"  # the auditor's unit
    assert signature.level == "PAdES-B-LTA"  # the unit's seal level in the stack
    assert_pdfsig_valid(pdf, pki.root_cert_path, signatures=1)
    listed = json.loads(embedded_file(pdf, "ban-ke.json") or b"{}")
    assert listed["manifest_sha256"] == hashlib.sha256(manifest_json).hexdigest()
    assert document["file_sha256"] in [entry["sha256"] for entry in listed["files"]]
    assert listed["exported_by"] == "kiemtra"


def test_a_good_export_verifies_offline_zipped_unpacked_and_with_the_cli(
    stack: Stack, exported: Path, tmp_path: Path
) -> None:
    assert archive_check.check(exported) == []
    checked = stack.cli("verify-archive", str(exported)).stdout
    assert "ĐẠT" in checked and "bản kê đã ký hợp lệ" in checked, checked
    with zipfile.ZipFile(exported) as archive:
        archive.extractall(tmp_path)
    script = tmp_path / "ho-so-2026-07.KH" / "verify_manifest.py"
    run = subprocess.run(
        [sys.executable, "-I", str(script)], capture_output=True, text=True, cwd="/"
    )
    assert run.returncode == 0 and "ĐẠT" in run.stdout, run.stderr


def test_a_changed_byte_a_removed_file_and_an_added_file_are_each_caught(
    stack: Stack, exported: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported) as archive:
        [pdf_name] = [n for n in archive.namelist() if n.endswith("/van-ban.pdf")]
        pdf = bytearray(archive.read(pdf_name))
    pdf[len(pdf) // 2] ^= 0x01
    cases: dict[str, tuple[dict[str, bytes | None], dict[str, bytes], str]] = {
        "changed": ({"/van-ban.pdf": bytes(pdf)}, {}, "ĐÃ BỊ THAY ĐỔI"),
        "missing": ({"/lich-su.json": None}, {}, "THIẾU tệp"),
        "extra": ({}, {"ho-so-2026-07.KH/ghi-chu.txt": b"them"}, "THỪA tệp"),
    }
    for code, (change, add, words) in cases.items():
        tampered = tmp_path / f"{code}.zip"
        _rewrite(exported, tampered, change, add)
        [problem] = archive_check.check(tampered)
        assert problem.code == code and words in problem.message_vi, problem
    run = subprocess.run(
        [sys.executable, "-m", "eoffice.cli", "verify-archive", str(tmp_path / "changed.zip")],
        env=stack.env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "ĐÃ BỊ THAY ĐỔI" in run.stderr and "van-ban.pdf" in run.stderr


def test_a_changed_signed_manifest_fails_the_cli_check(
    stack: Stack, exported: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported) as archive:
        pdf = archive.read("ho-so-2026-07.KH/ban-ke-da-ky.pdf")
    changed = pdf.replace(b"ReportLab PDF Library", b"ReportLab PDF Librarz", 1)
    assert changed != pdf
    tampered = tmp_path / "signed-changed.zip"
    _rewrite(exported, tampered, {"/ban-ke-da-ky.pdf": changed}, {})
    assert archive_check.check(tampered) == []  # only the signature shows it
    run = subprocess.run(
        [sys.executable, "-m", "eoffice.cli", "verify-archive", str(tampered)],
        env=stack.env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "CHỮ KÝ SỐ CỦA BẢN KÊ KHÔNG HỢP LỆ" in run.stderr
    assert "SIGNATURE IS NOT VALID" in run.stderr


def test_a_unit_without_a_seal_certificate_cannot_export(stack: Stack) -> None:
    """A new upper unit with an auditor only (no leader or clerk: no seal certificate) and a
    grassroots union under it whose clerk keeps a folder: the auditor's export is refused."""
    admin = stack.client("quantri")
    rows = (
        "code,name,short_name,abbreviation,level,parent_code,place\n"
        "kcn-giaolong,Công đoàn Khu công nghiệp Giao Long,CĐ KCN Giao Long,CĐKCN,"
        "upper_grassroots,bentre,Bến Tre\n"
        "cty-aquatex,Công đoàn cơ sở Công ty Aquatex,CĐCS Aquatex,CĐCS,grassroots,"
        "kcn-giaolong,Bến Tre\n"
    )
    imported = admin.post(
        "/api/v1/units/import", files={"file": ("u.csv", rows.encode(), "text/csv")}
    )
    assert imported.status_code == 200, imported.text
    auditor = _auditor_of(stack, "kcn-giaolong")
    created = admin.post(
        "/api/v1/accounts",
        json={
            "username": "aquatex.vanthu",
            "full_name": "Trần Thị Lưu",
            "unit": "cty-aquatex",
            "roles": ["clerk"],
            "password": "vanthu-2026-x",
        },
    )
    assert created.status_code == 201, created.text
    clerk = stack.client("aquatex.vanthu", password="vanthu-2026-x")
    opened = clerk.post(
        "/api/v1/folders", json={"year": 2026, "code": "01.BC", "title": "Báo cáo năm 2026"}
    )
    assert opened.status_code == 201, opened.text
    refused = auditor.get(f"/api/v1/folders/{opened.json()['id']}/export.zip")
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert "chưa có chứng thư số" in body["message"] and "Giao Long" in body["message"]
    assert "no seal certificate" in body["message_en"]
    # the union's own clerk has its seal (given with the clerk's account) and exports it
    assert clerk.get(f"/api/v1/folders/{opened.json()['id']}/export.zip").status_code == 200


def test_the_cli_exports_the_same_folder(
    stack: Stack, folder: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "cli.zip"
    stack.cli("export-folder", folder["id"], "--as", "bentre.vanthu", "--output", str(target))
    assert archive_check.check(target) == []
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("ho-so-2026-07.KH/manifest.json"))
    assert manifest["exported_by"] == "bentre.vanthu"


def _auditor_of(stack: Stack, unit: str) -> httpx.Client:
    username = f"{unit}.kiemtra"
    created = stack.client("quantri").post(
        "/api/v1/accounts",
        json={
            "username": username,
            "full_name": "Cán bộ kiểm tra",
            "unit": unit,
            "roles": ["auditor"],
            "password": "kiemtra-2026-x",
        },
    )
    assert created.status_code in (201, 409), created.text
    return stack.client(username, password="kiemtra-2026-x")


def test_only_the_folders_readers_list_or_export_it(stack: Stack, folder: dict[str, Any]) -> None:
    units = {u["code"]: u["id"] for u in stack.client("kiemtra").get("/api/v1/units").json()}
    listed = stack.client("kiemtra").get(
        "/api/v1/archive/folders", params={"unit": units["bentre"]}
    )
    assert folder["id"] in [row["id"] for row in listed.json()]
    assert folder["id"] in [
        row["id"] for row in _auditor_of(stack, "bentre").get("/api/v1/archive/folders").json()
    ]
    for outsider in (
        _auditor_of(stack, "thanhhoa"),
        stack.client("thanhhoa.vanthu"),
        _auditor_of(stack, "bentre-tp"),
    ):
        assert folder["id"] not in [
            row["id"] for row in outsider.get("/api/v1/archive/folders").json()
        ]
        for path in ("", "/export.zip"):
            refused = outsider.get(f"/api/v1/folders/{folder['id']}{path}")
            assert refused.status_code == 403, refused.text
            assert "07.KH" not in refused.text and "Kế hoạch" not in refused.text
    drafter = stack.client("bentre.chuyenvien")
    assert drafter.get(f"/api/v1/folders/{folder['id']}/export.zip").status_code == 403
    assert drafter.get("/api/v1/archive/folders").status_code == 403
    bad = stack.client("kiemtra").get("/api/v1/archive/folders", params={"status": "lost"})
    assert bad.status_code == 422
    unknown = stack.client("kiemtra").get("/api/v1/folders/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


def test_a_folder_of_last_year_is_due_for_transfer_until_transferred(stack: Stack) -> None:
    clerk = stack.client("bentre-kcn.vanthu")
    created = clerk.post(
        "/api/v1/folders", json={"year": 2020, "code": "01.TB", "title": "Thông báo 2020"}
    )
    folder_id = created.json()["id"]
    [due] = [
        row for row in clerk.get("/api/v1/archive/transfer-due").json() if row["id"] == folder_id
    ]
    assert (due["transfer_due"], due["status"]) == ("2021-12-31", "open")
    assert clerk.post(f"/api/v1/folders/{folder_id}/transfer").status_code == 409
    assert clerk.post(f"/api/v1/folders/{folder_id}/close").status_code == 200
    assert (
        stack.client("bentre-kcn.lanhdao").post(f"/api/v1/folders/{folder_id}/transfer").status_code
        == 403
    )
    assert clerk.post(f"/api/v1/folders/{folder_id}/transfer").status_code == 200
    assert folder_id not in [row["id"] for row in clerk.get("/api/v1/archive/transfer-due").json()]
    [row] = [
        r for r in clerk.get("/api/v1/archive/folders", params={"status": "transferred"}).json()
    ]
    assert row["id"] == folder_id and row["transferred_at"]
