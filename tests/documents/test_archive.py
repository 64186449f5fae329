"""The archive of file folders: transfer due dates and the clerk's reminder, transfer to the
archive, who reads which folders, the export's access record, and the offline manifest check."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from documents import archive_check
from documents.application import OfficeApplication
from documents.archive_manifest import Manifest, ManifestFile
from documents.clock import now_vietnam
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.folders import transfer_due_date
from tests.documents.builders import actor, office, with_tree
from tests.documents.test_lifecycle_steps import issued


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    return with_tree(app)


def test_transfer_is_due_a_year_after_the_work_ends() -> None:
    assert transfer_due_date(2025, None) == date(2026, 12, 31)
    assert transfer_due_date(2025, date(2025, 6, 10)) == date(2026, 6, 10)
    assert transfer_due_date(2024, date(2024, 2, 29)) == date(2025, 2, 28)


def test_the_clerk_is_reminded_30_days_before_a_folder_is_due(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    clerk = actor(app, "prov-a.clerk")
    folder = app.open_folder(clerk, 2025, "01.KH", "Kế hoạch năm 2025", 10)
    app.open_folder(actor(app, "prov-b.clerk"), 2025, "01.KH", "Của đơn vị khác", 10)

    def due(today: date) -> list[str]:
        return [row["code"] for row in app.folders_due_for_transfer(clerk, today)]

    assert due(date(2026, 11, 30)) == []
    assert due(date(2026, 12, 1)) == ["01.KH"]  # 30 days before 31 December 2026
    assert due(date(2027, 3, 1)) == ["01.KH"]  # overdue stays listed
    [row] = app.folders_due_for_transfer(clerk, date(2026, 12, 1))
    assert (row["transfer_due"], row["status"]) == ("2026-12-31", "open")
    assert app.folders_due_for_transfer(actor(app, "prov-a.drafter"), date(2027, 1, 1)) == []

    with pytest.raises(ConflictError, match="chưa đóng"):
        app.transfer_folder(clerk, folder)
    app.close_folder(clerk, folder)
    closed_on = now_vietnam().date()
    [row] = app.archive_folders(clerk)
    assert row["transfer_due"] == transfer_due_date(2025, closed_on).isoformat()
    assert due(transfer_due_date(2025, closed_on)) == ["01.KH"]
    with pytest.raises(ForbiddenError):
        app.transfer_folder(actor(app, "prov-a.leader"), folder)
    app.transfer_folder(clerk, folder)
    assert due(date(2099, 1, 1)) == []
    assert app.archive_folders(clerk, status="transferred")[0]["transferred_at"]
    with pytest.raises(ConflictError, match="đã nộp lưu"):
        app.transfer_folder(clerk, folder)


def test_the_folder_page_offers_exactly_the_commands_the_policy_allows(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    clerk = actor(app, "prov-a.clerk")
    folder = app.open_folder(clerk, 2025, "02.TB", "Thông báo năm 2025", None)
    others = ("prov-a.leader", "prov-a.auditor", "root.auditor", "prov-a.drafter", "prov-b.clerk")

    def offered(username: str) -> dict[str, bool]:
        return app.folder_commands(actor(app, username), folder)

    def agrees_with_the_use_cases(username: str) -> None:
        """A command offered is one the use case accepts; one not offered, it refuses."""
        for command, use_case in (("close", app.close_folder), ("transfer", app.transfer_folder)):
            if offered(username)[command]:
                continue
            with pytest.raises((ForbiddenError, ConflictError)):
                use_case(actor(app, username), folder)

    assert offered("prov-a.clerk") == {"close": True, "transfer": False}
    for username in (*others, "prov-a.clerk"):
        agrees_with_the_use_cases(username)
    assert all(offered(u) == {"close": False, "transfer": False} for u in others)
    app.close_folder(clerk, folder)
    assert offered("prov-a.clerk") == {"close": False, "transfer": True}
    for username in (*others, "prov-a.clerk"):
        agrees_with_the_use_cases(username)
    assert all(offered(u) == {"close": False, "transfer": False} for u in others)
    app.transfer_folder(clerk, folder)
    assert offered("prov-a.clerk") == {"close": False, "transfer": False}
    agrees_with_the_use_cases("prov-a.clerk")


def test_auditors_read_their_subtree_and_clerks_their_unit(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    for unit in ("root", "prov-a", "upper-a1", "prov-b"):
        app.open_folder(actor(app, f"{unit}.clerk"), 2026, "01", f"Hồ sơ {unit}", None)
    theirs = {
        username: sorted(row["title"] for row in app.archive_folders(actor(app, username)))
        for username in ("root.auditor", "prov-a.auditor", "prov-a.clerk", "prov-a.leader")
    }
    assert theirs == {
        "root.auditor": ["Hồ sơ prov-a", "Hồ sơ prov-b", "Hồ sơ root", "Hồ sơ upper-a1"],
        "prov-a.auditor": ["Hồ sơ prov-a", "Hồ sơ upper-a1"],
        "prov-a.clerk": ["Hồ sơ prov-a"],
        "prov-a.leader": ["Hồ sơ prov-a"],
    }
    auditor = actor(app, "prov-a.auditor")
    only = app.archive_folders(auditor, unit_id=ids["upper-a1"], year=2026, status="open")
    assert [row["title"] for row in only] == ["Hồ sơ upper-a1"]
    assert app.archive_folders(auditor, year=2025) == []
    with pytest.raises(InvalidInputError):
        app.archive_folders(auditor, status="lost")
    with pytest.raises(ForbiddenError):
        app.archive_folders(auditor, unit_id=ids["prov-b"])
    with pytest.raises(ForbiddenError):
        app.archive_folders(actor(app, "prov-a.drafter"))
    [prov_b] = app.archive_folders(actor(app, "prov-b.clerk"))
    for outsider in ("prov-a.auditor", "upper-a1.auditor", "prov-a.clerk", "root.drafter"):
        with pytest.raises(ForbiddenError) as refused:
            app.archive_folder(actor(app, outsider), UUID(prov_b["id"]))
        assert "prov-b" not in refused.value.message_vi


def test_an_export_is_recorded_on_every_document_of_the_folder(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    clerk = actor(app, "prov-a.clerk")
    folder = app.open_folder(clerk, 2026, "02.BC", "Báo cáo năm 2026", 5)
    documents = [issued(app, ids), issued(app, ids)]
    for document_id in documents:
        app.file_document(clerk, document_id, folder)
    with pytest.raises(ForbiddenError):
        app.record_folder_export(actor(app, "prov-b.auditor"), folder)
    exported = app.record_folder_export(actor(app, "root.auditor"), folder)
    assert sorted(row["id"] for row in exported["document_rows"]) == sorted(map(str, documents))
    summary = (exported["code"], exported["unit_code"], exported["documents"])
    assert summary == ("02.BC", "prov-a", 2)
    for document_id in documents:
        kinds = [(r["username"], r["kind"]) for r in app.views.access_log(document_id)]
        assert kinds == [("root.auditor", "export")]


def _export_directory(root: Path) -> None:
    """A small export on disk, its manifest written by ``Manifest``."""
    files = {"van-ban/001-01-KH/van-ban.pdf": b"%PDF-1.7 signed", "README.txt": "Hồ sơ".encode()}
    entries = []
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
        kind = "document" if path.endswith(".pdf") else "readme"
        entries.append(
            ManifestFile(path, kind, hashlib.sha256(data).hexdigest(), len(data), signers=["A"])
        )
    folder = {"code": "01.KH", "title": "Kế hoạch", "year": 2026, "retention_years": None}
    manifest = Manifest(folder, "2026-05-01T08:00:00+07:00", "kiemtra", entries)
    (root / "manifest.json").write_bytes(manifest.json_bytes())
    (root / "manifest.csv").write_bytes(manifest.csv_bytes())
    (root / "manifest.xml").write_bytes(manifest.xml_bytes())


def test_the_manifest_check_catches_changed_missing_and_extra_files(tmp_path: Path) -> None:
    _export_directory(tmp_path)
    assert (tmp_path / "manifest.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert archive_check.check(tmp_path) == []
    (tmp_path / "README.txt").write_text("Hồ sơ đã sửa")
    (tmp_path / "van-ban/001-01-KH/van-ban.pdf").unlink()
    (tmp_path / "extra.txt").write_text("x")
    found = {(p.code, p.path) for p in archive_check.check(tmp_path)}
    assert found == {
        ("changed", "README.txt"),
        ("missing", "van-ban/001-01-KH/van-ban.pdf"),
        ("extra", "extra.txt"),
    }
    assert archive_check.main([str(tmp_path)]) == 1
    assert archive_check.main([str(tmp_path / "nowhere")]) == 2


def test_the_three_manifests_must_agree(tmp_path: Path) -> None:
    _export_directory(tmp_path)
    xml = (tmp_path / "manifest.xml").read_text().replace("Kế hoạch", "Kế hoạch khác")
    (tmp_path / "manifest.xml").write_text(xml)
    [problem] = archive_check.check(tmp_path)
    assert (problem.code, problem.path) == ("manifest_mismatch", "manifest.xml")
    assert "KHÔNG KHỚP" in problem.message_vi
