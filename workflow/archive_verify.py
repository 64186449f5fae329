"""``eoffice verify-archive``: the full check of a folder export (kiểm tra bản xuất hồ sơ).

First what ``verify_manifest.py`` checks offline (``documents/archive_check.py``: every file
against ``manifest.json``, the CSV and XML manifests against it), then the signed manifest
``ban-ke-da-ky.pdf``: its one signature valid for pyHanko against the configured trust roots
(embedded revocation data; online for a signature without it) with nothing changed after it but
validation data, the digest of ``manifest.json`` it carries equal to the file's, and every file
it lists present with the digest and size it gives — also in the table a person reads. Any
problem is listed in Vietnamese and English; exit code 1, or 2 when the export cannot be read.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from pypdf import PdfReader

from documents import archive_check
from documents.archive_check import Problem, UnreadableExport
from signing import SignatureReport
from signing.errors import InvalidPdfError
from workflow.archive_signing import SIGNED_MANIFEST, UnreadableSignedManifest, read_signed_list
from workflow.signing_steps import validate_signatures

_UNCHANGED_AFTER = ("none", "lta_updates")
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ArchiveVerdict:
    problems: list[Problem]
    signature: SignatureReport | None = None
    """The signed manifest's signature, when there is one."""
    listed: int = 0
    notes: list[str] = field(default_factory=list)


def verify_archive(target: Path, trust_roots: Sequence[x509.Certificate]) -> ArchiveVerdict:
    """Every problem of the export at ``target`` (a ZIP or a folder); ``UnreadableExport``."""
    problems = archive_check.check(target)
    source = archive_check.open_export(target)
    if SIGNED_MANIFEST not in source.names():
        problems.append(
            _problem(
                "unsigned",
                SIGNED_MANIFEST,
                f"THIẾU bản kê đã ký {SIGNED_MANIFEST}: không xác minh được ai đã xuất hồ sơ và "
                "các tệp có đúng như lúc xuất hay không",
                f"MISSING the signed manifest {SIGNED_MANIFEST}: who exported the folder, and "
                "whether its files are as exported, cannot be verified",
            )
        )
        return ArchiveVerdict(problems)
    pdf = source.read(SIGNED_MANIFEST)
    signature, signature_problems = _signature(pdf, trust_roots)
    problems += signature_problems
    if signature_problems:
        return ArchiveVerdict(problems, signature)
    try:
        signed = read_signed_list(pdf)
    except UnreadableSignedManifest as error:
        problems.append(
            _problem(
                "signed_manifest_unreadable",
                SIGNED_MANIFEST,
                f"Bản kê đã ký không có danh sách mã băm đọc được ({error})",
                f"The signed manifest carries no readable list of digests ({error})",
            )
        )
        return ArchiveVerdict(problems, signature)
    problems += _digests(source, signed)
    problems += table_problems(pdf, signed)
    return ArchiveVerdict(problems, signature, len(signed["files"]))


def _problem(code: str, path: str, vi: str, en: str) -> Problem:
    return Problem(code, path, vi, en)


def _signature(
    pdf: bytes, trust_roots: Sequence[x509.Certificate]
) -> tuple[SignatureReport | None, list[Problem]]:
    try:
        report = validate_signatures(pdf, trust_roots)
    except InvalidPdfError as error:
        return None, [
            _problem(
                "signature",
                SIGNED_MANIFEST,
                f"BẢN KÊ ĐÃ KÝ không đọc được: {error.message_vi}",
                f"THE SIGNED MANIFEST cannot be read: {error.message_en}",
            )
        ]
    if len(report.signatures) != 1:
        return None, [
            _problem(
                "signature",
                SIGNED_MANIFEST,
                f"BẢN KÊ ĐÃ KÝ phải có đúng một chữ ký số, có {len(report.signatures)}",
                f"THE SIGNED MANIFEST must carry exactly one signature; it has "
                f"{len(report.signatures)}",
            )
        ]
    [signature] = report.signatures
    if not signature.valid:
        return signature, [
            _problem(
                "signature",
                SIGNED_MANIFEST,
                f"CHỮ KÝ SỐ CỦA BẢN KÊ KHÔNG HỢP LỆ: {signature.summary_vi}",
                f"THE SIGNED MANIFEST'S SIGNATURE IS NOT VALID: {signature.summary_en}",
            )
        ]
    if signature.modification_level not in _UNCHANGED_AFTER:
        return signature, [
            _problem(
                "signature",
                SIGNED_MANIFEST,
                "BẢN KÊ ĐÃ KÝ bị sửa sau khi ký (" + signature.modification_level + ")",
                "THE SIGNED MANIFEST was changed after it was signed ("
                + signature.modification_level
                + ")",
            )
        ]
    return signature, []


def _digests(source: archive_check.ExportFiles, signed: dict[str, object]) -> list[Problem]:
    problems: list[Problem] = []
    present = set(source.names())
    manifest_sha256 = str(signed["manifest_sha256"]).lower()
    if "manifest.json" in present:
        actual, _ = archive_check.file_digest(source, "manifest.json")
        if actual != manifest_sha256:
            problems.append(
                _problem(
                    "manifest_not_signed",
                    "manifest.json",
                    f"manifest.json KHÁC bản đã ký (SHA-256 {actual}; bản kê đã ký ghi "
                    f"{manifest_sha256})",
                    f"manifest.json DIFFERS from the signed one (SHA-256 {actual}; the signed "
                    f"manifest says {manifest_sha256})",
                )
            )
    entries = signed["files"]
    assert isinstance(entries, list)
    for entry in entries:
        try:
            path, sha256, size = (
                str(entry["path"]),
                str(entry["sha256"]).lower(),
                int(entry["size"]),
            )
        except (KeyError, TypeError, ValueError):
            problems.append(
                _problem(
                    "signed_manifest_unreadable",
                    SIGNED_MANIFEST,
                    f"Bản kê đã ký có một dòng hỏng: {entry!r}",
                    f"The signed manifest has a broken entry: {entry!r}",
                )
            )
            continue
        if path not in present or not _HEX.match(sha256):
            problems.append(
                _problem(
                    "missing",
                    path,
                    f"THIẾU tệp có trong bản kê đã ký: {path}",
                    f"MISSING a file of the signed manifest: {path}",
                )
            )
            continue
        actual, actual_size = archive_check.file_digest(source, path)
        if (actual, actual_size) != (sha256, size):
            problems.append(
                _problem(
                    "changed_after_signing",
                    path,
                    f"BỊ THAY ĐỔI SAU KHI KÝ: {path} (SHA-256 {actual}, {actual_size} byte; bản "
                    f"kê đã ký ghi {sha256}, {size} byte)",
                    f"CHANGED AFTER SIGNING: {path} (SHA-256 {actual}, {actual_size} bytes; the "
                    f"signed manifest says {sha256}, {size} bytes)",
                )
            )
    return problems


def table_problems(pdf: bytes, signed: dict[str, object]) -> list[Problem]:
    """The table a person reads says the same digests as the embedded list."""
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    entries = signed["files"]
    assert isinstance(entries, list)
    wanted = [str(signed["manifest_sha256"])]
    wanted += [str(e.get("sha256")) for e in entries if isinstance(e, dict)]
    shown = [digest for digest in wanted if digest.lower() in flat]
    if len(shown) == len(wanted):
        return []
    return [
        _problem(
            "signed_table_mismatch",
            SIGNED_MANIFEST,
            "Bảng trong bản kê đã ký không ghi đúng các mã băm của danh sách đính kèm",
            "The signed manifest's table does not show the digests of its embedded list",
        )
    ]


def main(target: str, trust_roots: Sequence[x509.Certificate]) -> int:
    try:
        verdict = verify_archive(Path(target), trust_roots)
    except UnreadableExport as error:
        print(
            f"Không đọc được bản xuất hồ sơ / cannot read the folder export: {error}",
            file=sys.stderr,
        )
        return 2
    if verdict.problems:
        count = len(verdict.problems)
        print(f"KHÔNG ĐẠT: {count} sai lệch / FAILED: {count} problems", file=sys.stderr)
        for problem in verdict.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    signature = verdict.signature
    assert signature is not None
    print("ĐẠT: mọi tệp khớp bản kê / OK: every file matches the manifest")
    print(
        f"ĐẠT: bản kê đã ký hợp lệ, ký bởi {signature.signer_name}; {verdict.listed} tệp khớp mã "
        f"băm đã ký / OK: the signed manifest is valid, signed by {signature.signer_name}; "
        f"{verdict.listed} files match the signed digests"
    )
    print(f"  {signature.summary_vi} / {signature.summary_en}")
    return 0
