"""Export of a whole file folder (xuất hồ sơ) for the archive, as a ZIP written while it is
sent: for each document the signed PDF as stored (the issued, sealed version), the report on its
signatures (JSON, and its Vietnamese summary as text) and its event history (JSON); then a
README, the offline checker ``verify_manifest.py`` (``documents/archive_check.py``), the
manifest in JSON, CSV and XML (``documents/archive_manifest.py``) and, last, the signed manifest
``ban-ke-da-ky.pdf`` (``workflow/archive_signing.py``): every file's digest and the JSON
manifest's, sealed by the exporting unit's seal certificate.

Any folder may be exported — an auditor reviews open folders too — and the manifest says its
status (open, closed, transferred): only a closed folder's contents are final. The export is
authorised, the exporting unit's seal certificate found (else a 409) and the export recorded (an
``export`` access on each document) before the first byte is sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from documents import archive_check
from documents.archive_manifest import Manifest, ManifestFile
from documents.clock import now_vietnam, to_vietnam
from documents.folders import FOLDER_STATUS_LABELS, FolderStatus, retention_label
from documents.policy import Actor
from documents.reference import document_types
from signing import SigningKey, ValidationReport
from workflow.archive_signing import (
    SIGNED_MANIFEST,
    Listed,
    exporting_seal,
    signed_manifest_pdf,
)
from workflow.services import OfficeServices
from workflow.signing_steps import verify_file

EventLabels = Mapping[str, tuple[str, str]]
README = """HỒ SƠ XUẤT TỪ VĂN PHÒNG ĐIỆN TỬ CÔNG ĐOÀN
========================================
Hồ sơ: {code} — {title}
Đơn vị: {unit_name} · Năm: {year} · Thời hạn bảo quản: {retention} · Trạng thái: {status_label}
Xuất lúc {exported_at} bởi {exported_by}.

Nội dung:
  van-ban/<stt>-<số ký hiệu>/van-ban.pdf           văn bản điện tử đã ký số, như được lưu
  van-ban/<stt>-<số ký hiệu>/kiem-tra-chu-ky.json  kết quả kiểm tra chữ ký số lúc xuất
  van-ban/<stt>-<số ký hiệu>/kiem-tra-chu-ky.txt   tóm tắt kết quả kiểm tra bằng tiếng Việt
  van-ban/<stt>-<số ký hiệu>/lich-su.json          toàn bộ lịch sử xử lý văn bản
  manifest.json, manifest.csv, manifest.xml        bản kê: mã SHA-256 và kích thước mọi tệp
  ban-ke-da-ky.pdf                                 bản kê đã ký số: mã SHA-256 mọi tệp và của
                                                   manifest.json, ký bằng chứng thư số của
                                                   đơn vị xuất ({exporting_unit})
  verify_manifest.py                               công cụ kiểm tra, chỉ cần Python 3.9+

Kiểm tra (không cần mạng):  python3 verify_manifest.py
Mọi tệp được băm lại và so với bản kê; tệp thiếu, thừa hoặc bị sửa đều được liệt kê.
Kiểm tra cả chữ ký số của bản kê:  eoffice verify-archive <tệp ZIP>
(hoặc mở ban-ke-da-ky.pdf bằng phần mềm đọc PDF có kiểm tra chữ ký số).

FILE FOLDER EXPORTED FROM THE TRADE UNION E-OFFICE. Check it offline with
`python3 verify_manifest.py` (Python 3.9+, standard library only): every file is hashed again
(SHA-256) and compared with the manifest; missing, extra or changed files are listed.
ban-ke-da-ky.pdf lists every file's digest and manifest.json's, signed by the exporting unit's
seal certificate: `eoffice verify-archive <zip>` checks that signature and those digests.
"""


@dataclass(frozen=True)
class FolderExport:
    """What to send: the ZIP's file name and its bytes, produced while they are sent."""

    filename: str
    chunks: Iterator[bytes]


def slug(text: str) -> str:
    """ASCII for a path inside the ZIP: diacritics dropped, đ → d, anything else → ``-``."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9.]+", "-", ascii_text).strip("-.") or "x"


def export_folder(
    services: OfficeServices,
    actor: Actor,
    folder_id: UUID,
    event_labels: EventLabels | None = None,
) -> FolderExport:
    """Authorises and records the export of the folder now; the ZIP is built as it is read.
    Refused (``ConflictError``) when the exporting unit has no seal certificate to sign the
    manifest with — nothing is recorded then."""
    app = services.app
    shown = app.archive_folder(actor, folder_id)  # who may not read it learns nothing of the seal
    key = exporting_seal(services, actor)
    _files_answer(services, shown["document_rows"])
    folder = app.record_folder_export(actor, folder_id)
    exported_at = now_vietnam()
    metadata = _folder_metadata(folder)
    root = f"ho-so-{folder['year']}-{slug(folder['code'])}"
    writer = _ArchiveWriter(services, actor, metadata, exported_at, event_labels or {}, key)
    return FolderExport(f"{root}.zip", writer.chunks(root, folder["document_rows"]))


def _files_answer(services: OfficeServices, rows: list[dict[str, Any]]) -> None:
    """Asks the file store for the first document's PDF before the export is recorded and
    sent: a store that does not answer is refused then (`BlobStoreUnavailableError`, a 503),
    not found out halfway through a ZIP already on its way (a store that stops meanwhile
    still cuts it short; the manifest check then fails)."""
    if rows:
        services.app.blobs.exists(services.app.document(UUID(rows[0]["id"])).current_sha256)


def _vietnam(value: str | None) -> str | None:
    return to_vietnam(datetime.fromisoformat(value)).isoformat() if value else None


def _folder_metadata(folder: dict[str, Any]) -> dict[str, Any]:
    status = FolderStatus(folder["status"])
    return {
        "id": folder["id"],
        "code": folder["code"],
        "title": folder["title"],
        "unit_code": folder["unit_code"],
        "unit_name": folder["unit_name"],
        "year": folder["year"],
        "retention_years": folder["retention_years"],
        "retention": retention_label(folder["retention_years"])[0],
        "status": status.value,
        "status_label": FOLDER_STATUS_LABELS[status][0],
        "opened_at": _vietnam(folder["opened_at"]),
        "closed_at": _vietnam(folder["closed_at"]),
        "transferred_at": _vietnam(folder["transferred_at"]),
        "transfer_due": folder["transfer_due"],
    }


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream: ``zipfile`` then writes data descriptors, and what it
    wrote so far is taken out with ``drain``."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        chunks, self._chunks = self._chunks, []
        if chunks:
            yield b"".join(chunks)


class _ArchiveWriter:
    def __init__(
        self,
        services: OfficeServices,
        actor: Actor,
        folder: dict[str, Any],
        exported_at: datetime,
        event_labels: EventLabels,
        key: SigningKey,
    ) -> None:
        self.services = services
        self.key = key
        self.actor = actor
        self.folder = folder
        self.exported_at = exported_at
        self.event_labels = event_labels
        self.files: list[ManifestFile] = []
        self.types = document_types()

    def chunks(self, root: str, documents: list[dict[str, Any]]) -> Iterator[bytes]:
        sink = _Sink()
        with zipfile.ZipFile(sink, "w") as archive:
            self.archive, self.root = archive, root
            for index, row in enumerate(documents, start=1):
                self._document(index, row)
                yield from sink.drain()
            self._add("README.txt", "readme", self._readme())
            verifier = Path(archive_check.__file__).read_bytes()
            self._add("verify_manifest.py", "verifier", verifier)
            manifest = Manifest(
                folder=self.folder,
                exported_at=self.exported_at.isoformat(timespec="seconds"),
                exported_by=self.actor.username,
                files=self.files,
            )
            listed = [Listed(f.path, f.sha256, f.size) for f in self.files]
            manifest_json = manifest.json_bytes()
            for name, data in (
                ("manifest.json", manifest_json),
                ("manifest.csv", manifest.csv_bytes()),
                ("manifest.xml", manifest.xml_bytes()),
            ):
                self._write(name, data)
                listed.append(Listed(name, hashlib.sha256(data).hexdigest(), len(data)))
            yield from sink.drain()
            signed = signed_manifest_pdf(
                self.services,
                self.actor,
                self.key,
                self.folder,
                self.exported_at,
                [f for f in self.files if f.kind == "document"],
                listed,
                manifest_sha256=hashlib.sha256(manifest_json).hexdigest(),
            )
            self._write(SIGNED_MANIFEST, signed, compress=False)
        yield from sink.drain()

    def _write(self, path: str, data: bytes, compress: bool = True) -> None:
        info = zipfile.ZipInfo(f"{self.root}/{path}", self.exported_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, data)

    def _add(self, path: str, kind: str, data: bytes, **document: Any) -> None:
        self._write(path, data, compress=kind != "document")
        digest = hashlib.sha256(data).hexdigest()
        self.files.append(ManifestFile(path, kind, digest, len(data), **document))

    def _document(self, index: int, row: dict[str, Any]) -> None:
        app = self.services.app
        document = app.document(UUID(row["id"]))
        sha256 = document.current_sha256
        report = verify_file(self.services, sha256)
        doc_type = self.types.get(row["doc_type"])
        issued = _vietnam(row["issued_at"])
        fields = {
            "document_id": row["id"],
            "number_symbol": row["number_symbol"] or "",
            "date": issued[:10] if issued else "",
            "doc_type": row["doc_type"],
            "doc_type_name": doc_type.name if doc_type else row["doc_type"],
            "subject": row["subject"],
            "signers": [s.signer_name for s in report.signatures]
            or ([row["signer_name"]] if row["signer_name"] else []),
        }
        where = f"van-ban/{index:03d}-{slug(row['number_symbol'] or row['id'][:8])}"
        self._add(f"{where}/van-ban.pdf", "document", app.blobs.get(sha256), **fields)
        self._add(f"{where}/kiem-tra-chu-ky.json", "validation", _json(report.to_dict()), **fields)
        summary = _summary(report, row["number_symbol"], sha256).encode()
        self._add(f"{where}/kiem-tra-chu-ky.txt", "validation_summary", summary, **fields)
        self._add(f"{where}/lich-su.json", "history", _json(self._history(row["id"])), **fields)

    def _history(self, document_id: str) -> list[dict[str, Any]]:
        app = self.services.app
        accounts = {row["id"]: row for row in app.views.accounts()}
        tree = app.views.unit_tree()
        entries = []
        for entry in app.views.history(UUID(document_id)):
            account = accounts.get(entry.actor_id or "")
            unit_id = UUID(entry.unit_id) if entry.unit_id else None
            label = self.event_labels.get(entry.event, (entry.event, entry.event))
            entries.append(
                {
                    "at": to_vietnam(entry.at).isoformat(),
                    "event": entry.event,
                    "what": label[0],
                    "what_en": label[1],
                    "actor_username": account["username"] if account else None,
                    "actor": account["full_name"] if account else None,
                    "unit": tree.get(unit_id).name if unit_id and unit_id in tree else None,
                    "detail": entry.detail,
                }
            )
        return entries

    def _readme(self) -> bytes:
        values = {
            **self.folder,
            "exported_at": self.exported_at.isoformat(timespec="seconds"),
            "exported_by": self.actor.username,
            "exporting_unit": self.services.app.unit(self.actor.unit_id).name,
        }
        return README.format(**values).encode()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n").encode()


def _summary(report: ValidationReport, number_symbol: str | None, sha256: str) -> str:
    lines = [
        f"Văn bản: {number_symbol or '(chưa có số)'}",
        f"SHA-256: {sha256}",
        f"Kết quả: {'HỢP LỆ' if report.valid else 'KHÔNG HỢP LỆ'} — {report.summary_vi}",
        "",
    ]
    for number, signature in enumerate(report.signatures, start=1):
        lines.append(f"{number}. {signature.signer_name}: {signature.summary_vi}")
    lines += ["", f"Result: {'VALID' if report.valid else 'NOT VALID'} — {report.summary_en}"]
    lines += [f"{n}. {s.signer_name}: {s.summary_en}" for n, s in enumerate(report.signatures, 1)]
    return "\n".join(lines) + "\n"
