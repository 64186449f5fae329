"""The signed manifest of a folder export (bản kê đã ký, ``ban-ke-da-ky.pdf``): a PDF a person
reads — the folder, a Vietnamese table of its documents with the SHA-256 of each signed file,
every other file of the export with its digest, and the digest of ``manifest.json`` — carrying
the same list as an embedded JSON file (``ban-ke.json``) for the checker, and sealed invisibly
by the exporting unit's seal certificate (the unit of the person who exports), at the unit's
seal level. ``workflow/archive_verify.py`` checks it.

An export needs that certificate: without it the export is refused (409) before anything is
recorded or sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from documents.archive_manifest import ManifestFile
from documents.errors import ConflictError
from documents.policy import Actor
from signing import SigningKey, seal_invisibly
from signing.embedded_files import embed_file, embedded_file
from signing.errors import InvalidPdfError
from signing.report_pdf import ReportTable, TablePdf, render_table_pdf
from workflow.services import OfficeServices, unit_key_id
from workflow.signing_steps import signing_refusals

SIGNED_MANIFEST = "ban-ke-da-ky.pdf"
EMBEDDED_NAME = "ban-ke.json"
FORMAT = "eoffice-signed-manifest"
VERSION = 1
FIELD_NAME = "ChuKySoBanKe"


@dataclass(frozen=True)
class Listed:
    """A file of the export as the signed manifest lists it."""

    path: str
    sha256: str
    size: int


def exporting_seal(services: OfficeServices, actor: Actor) -> SigningKey:
    """The seal key of ``actor``'s unit, which signs the manifest; a refusal (409) when the unit
    has no seal certificate."""
    unit = services.app.unit(actor.unit_id)
    try:
        return services.keys.key(unit_key_id(unit.code))
    except KeyError:
        raise ConflictError(
            f"Đơn vị «{unit.name}» chưa có chứng thư số của cơ quan để ký bản kê hồ sơ, nên "
            "chưa xuất được hồ sơ. Hãy đề nghị cấp chứng thư số cho đơn vị rồi xuất lại.",
            f"Unit '{unit.name}' has no seal certificate to sign the folder's manifest, so the "
            "folder cannot be exported yet. Ask for the unit's certificate, then export again.",
        ) from None


def grouped(sha256: str) -> str:
    """The digest in groups of 16 characters, so a table cell can wrap it."""
    return " ".join(sha256[i : i + 16] for i in range(0, len(sha256), 16))


def signed_manifest_pdf(
    services: OfficeServices,
    actor: Actor,
    key: SigningKey,
    folder: dict[str, Any],
    exported_at: datetime,
    documents: Sequence[ManifestFile],
    listed: Sequence[Listed],
    manifest_sha256: str,
) -> bytes:
    """The table PDF with its embedded list, sealed by ``key`` (the exporting unit's)."""
    app = services.app
    unit = app.unit(actor.unit_id)
    moment = exported_at.isoformat(timespec="seconds")
    data = {
        "format": FORMAT,
        "version": VERSION,
        "hash_algorithm": "SHA-256",
        "folder_id": folder["id"],
        "folder_code": folder["code"],
        "exported_at": moment,
        "exported_by": actor.username,
        "exporting_unit": {"code": unit.code, "name": unit.name},
        "manifest": "manifest.json",
        "manifest_sha256": manifest_sha256,
        "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in listed],
    }
    parent_line, unit_line = app.tree().issuer_header(actor.unit_id)
    page = TablePdf(
        issuer_lines=[line for line in (parent_line, unit_line) if line],
        title="Bản kê hồ sơ xuất",
        subtitle_lines=[
            f"Hồ sơ {folder['code']}: {folder['title']}",
            f"{folder['unit_name']} · năm {folder['year']} · thời hạn bảo quản "
            f"{folder['retention']} · {folder['status_label']}",
        ],
        tables=[
            ReportTable(
                heading=f"Văn bản trong hồ sơ ({len(documents)})",
                columns=["STT", "Số, ký hiệu", "Ngày", "Trích yếu", "Mã SHA-256 của tệp đã ký"],
                rows=[
                    [str(n), d.number_symbol, _day(d.date), d.subject, grouped(d.sha256)]
                    for n, d in enumerate(documents, start=1)
                ]
                or [["", "", "", "Hồ sơ chưa có văn bản.", ""]],
                widths=[0.9, 2.1, 1.6, 3.6, 3.8],
            ),
            ReportTable(
                heading=f"Mọi tệp của bản xuất ({len(listed)})",
                columns=["Tệp", "Kích thước (byte)", "Mã SHA-256"],
                rows=[[f.path, str(f.size), grouped(f.sha256)] for f in listed],
                widths=[4.6, 1.6, 3.8],
            ),
        ],
        closing_lines=[
            f"Mã SHA-256 của bản kê manifest.json: {grouped(manifest_sha256)}",
            f"Xuất lúc {moment} bởi {actor.username}. Bản kê được ký số bằng chứng thư số của "
            f"{unit.name}.",
            "Kiểm tra chữ ký và mọi mã băm: eoffice verify-archive <tệp ZIP>.",
        ],
    )
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    pdf = embed_file(render_table_pdf(page), EMBEDDED_NAME, body)
    with signing_refusals():
        return seal_invisibly(
            pdf,
            key,
            exported_at,
            reason=f"Bản kê hồ sơ {folder['code']} xuất lúc {moment}",
            name=unit.name,
            field_name=FIELD_NAME,
            level=services.signature_levels(unit.id).seal,
            services=services.keys.trust_services(),
        )


def _day(iso_date: str) -> str:
    return f"{iso_date[8:10]}/{iso_date[5:7]}/{iso_date[:4]}" if len(iso_date) == 10 else ""


class UnreadableSignedManifest(ValueError):
    """The signed PDF carries no list of this format."""


def read_signed_list(pdf: bytes) -> dict[str, Any]:
    """The list embedded in a signed manifest; ``UnreadableSignedManifest`` if it has none."""
    try:
        raw = embedded_file(pdf, EMBEDDED_NAME)
    except InvalidPdfError as error:
        raise UnreadableSignedManifest(error.message_en) from error
    if raw is None:
        raise UnreadableSignedManifest(f"no {EMBEDDED_NAME} in {SIGNED_MANIFEST}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableSignedManifest(f"{EMBEDDED_NAME}: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableSignedManifest(f"{EMBEDDED_NAME}: not a signed manifest")
    if not isinstance(data.get("files"), list) or not isinstance(data.get("manifest_sha256"), str):
        raise UnreadableSignedManifest(f"{EMBEDDED_NAME}: no file list")
    return data
