"""The signed manifest of a folder export (``ban-ke-da-ky.pdf``) on the embedded runtime: a
Vietnamese table with every file's SHA-256 and manifest.json's, fonts embedded, sealed invisibly
by the exporting unit (valid for pyHanko and poppler's pdfsig); ``eoffice verify-archive``'s check
passes it and fails — with a clear message — a changed byte in it, a file changed after signing
even when the unsigned manifests were rewritten to match, and an export without it. A unit
without a seal certificate cannot export (409), and nothing is recorded."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from api.passwords import ARGON2
from documents import archive_check
from documents.archive_manifest import Manifest, ManifestFile
from documents.errors import ConflictError
from documents.units import unit_id_for
from eoffice.bootstrap import Runtime
from signing import validate_pdf
from signing.embedded_files import embedded_file
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.workflow.office import actor, demo_runtime
from workflow import archive_verify
from workflow.archive_export import export_folder

ROOT = "ho-so-2025-05.TB"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return demo_runtime(tmp_path_factory.mktemp("archive-signing"))


@pytest.fixture(scope="module")
def exported(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> Path:
    clerk = actor(runtime, "bentre.vanthu")
    folder = runtime.app.open_folder(clerk, 2025, "05.TB", "Thông báo về công tác lưu trữ", 5)
    runtime.app.close_folder(clerk, folder)
    export = export_folder(runtime.services, clerk, folder)
    path = tmp_path_factory.mktemp("export") / "ho-so.zip"
    path.write_bytes(b"".join(export.chunks))
    return path


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"{ROOT}/{name}")


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            name = info.filename.removeprefix(f"{ROOT}/")
            data = change[name] if name in change else old.read(info)
            if data is not None:
                new.writestr(info, data)


def _verify(runtime: Runtime, target: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = archive_verify.main(str(target), runtime.services.keys.trust_roots())
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_signed_manifest_is_a_sealed_vietnamese_table_of_every_digest(
    runtime: Runtime, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _member(exported, "ban-ke-da-ky.pdf")
    manifest_json = _member(exported, "manifest.json")
    report = validate_pdf(pdf, runtime.services.keys.trust_roots())
    [signature] = report.signatures
    assert report.valid and signature.covers_whole_document, report.summary_en
    assert signature.signer_name == "Liên đoàn Lao động tỉnh Bến Tre"
    assert_pdfsig_valid(pdf, runtime.pki.root_cert_path, signatures=1)

    listed = json.loads(embedded_file(pdf, "ban-ke.json") or b"{}")
    assert listed["manifest_sha256"] == hashlib.sha256(manifest_json).hexdigest()
    assert listed["exporting_unit"]["code"] == "bentre" and listed["exported_by"] == "bentre.vanthu"
    paths = {entry["path"] for entry in listed["files"]}
    assert {"README.txt", "verify_manifest.py", "manifest.json", "manifest.xml"} <= paths

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text == unicodedata.normalize("NFC", text)
    assert "BẢN KÊ HỒ SƠ XUẤT" in text and "Thông báo về công tác lưu trữ" in text
    assert "Mã SHA-256 của bản kê manifest.json" in text
    flat = "".join(text.split())
    assert all(entry["sha256"] in flat for entry in listed["files"])
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), fonts  # embedded subsets

    assert archive_check.check(exported) == []
    code, output = _verify(runtime, exported, capsys)
    assert code == 0 and "bản kê đã ký hợp lệ" in output, output
    assert "Liên đoàn Lao động tỉnh Bến Tre" in output


def test_a_changed_byte_in_the_signed_manifest_fails_the_check(
    runtime: Runtime, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _member(exported, "ban-ke-da-ky.pdf")
    changed = pdf.replace(b"ReportLab PDF Library", b"ReportLab PDF Librarz", 1)
    assert changed != pdf
    tampered = tmp_path / "changed-signed.zip"
    _rewrite(exported, tampered, {"ban-ke-da-ky.pdf": changed})
    assert archive_check.check(tampered) == []  # the unsigned check cannot see it
    code, output = _verify(runtime, tampered, capsys)
    assert code == 1 and "CHỮ KÝ SỐ CỦA BẢN KÊ KHÔNG HỢP LỆ" in output, output


def test_a_file_changed_after_signing_fails_even_with_matching_manifests(
    runtime: Runtime, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone edits README.txt and writes the three unsigned manifests again to match."""
    readme = _member(exported, "README.txt") + b"\nSua sau khi ky.\n"
    data = json.loads(_member(exported, "manifest.json"))
    files = [
        ManifestFile(**{**entry, "sha256": hashlib.sha256(readme).hexdigest(), "size": len(readme)})
        if entry["path"] == "README.txt"
        else ManifestFile(**entry)
        for entry in data["files"]
    ]
    manifest = Manifest(data["folder"], data["exported_at"], data["exported_by"], files)
    tampered = tmp_path / "changed-file.zip"
    _rewrite(
        exported,
        tampered,
        {
            "README.txt": readme,
            "manifest.json": manifest.json_bytes(),
            "manifest.csv": manifest.csv_bytes(),
            "manifest.xml": manifest.xml_bytes(),
        },
    )
    assert archive_check.check(tampered) == []  # consistent, but not what was signed
    code, output = _verify(runtime, tampered, capsys)
    assert code == 1, output
    assert "BỊ THAY ĐỔI SAU KHI KÝ: README.txt" in output
    assert "manifest.json KHÁC bản đã ký" in output


def test_an_export_without_its_signed_manifest_fails(
    runtime: Runtime, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unsigned = tmp_path / "unsigned.zip"
    _rewrite(exported, unsigned, {"ban-ke-da-ky.pdf": None})
    code, output = _verify(runtime, unsigned, capsys)
    assert code == 1 and "THIẾU bản kê đã ký" in output and "MISSING the signed" in output


def test_a_unit_without_a_seal_certificate_cannot_export(runtime: Runtime) -> None:
    """A new unit whose clerk was given no keys (the key store issues them only through the
    administration's account steps): its folder cannot be exported, and nothing is recorded."""
    app = runtime.app
    admin = actor(runtime, "quantri")
    app.import_units(
        "code,name,short_name,abbreviation,level,parent_code,place\n"
        "kt-moi,Công đoàn Khu kinh tế mới,CĐ KKT mới,CĐKKT,upper_grassroots,bentre,Bến Tre\n",
        admin,
    )
    app.create_account(
        admin,
        "ktmoi.vanthu",
        "Lê Thị Lưu",
        unit_id_for("kt-moi"),
        ["clerk"],
        "Văn thư",
        "vanthu-2026-x",
        ARGON2,
    )
    clerk = actor(runtime, "ktmoi.vanthu")
    folder = app.open_folder(clerk, 2024, "01.BC", "Báo cáo năm 2024", None)
    position = app.views.position()
    with pytest.raises(ConflictError) as refused:
        export_folder(runtime.services, clerk, folder)
    assert "Công đoàn Khu kinh tế mới" in refused.value.message_vi
    assert "chưa có chứng thư số" in refused.value.message_vi
    assert "no seal certificate" in refused.value.message_en
    app.refresh_views()
    assert app.views.position() == position  # no export recorded
