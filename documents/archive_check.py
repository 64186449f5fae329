"""Kiểm tra bản xuất hồ sơ / check an exported file folder against its manifest, offline.

Shipped inside every export as ``verify_manifest.py``; needs only Python 3.9+ and its standard
library. Usage::

    python3 verify_manifest.py                 # the folder this script is in (unpacked export)
    python3 verify_manifest.py ho-so.zip       # the ZIP itself
    python3 verify_manifest.py path/to/folder  # an unpacked export elsewhere

Every file named in ``manifest.json`` is hashed again (SHA-256) and compared; files that are
missing, changed or not in the manifest are listed, and ``manifest.csv`` and ``manifest.xml``
must list the same files and folder as ``manifest.json``. Exit code 0 when everything matches,
1 on any mismatch, 2 when the export cannot be read at all. The signatures inside the PDFs are
reported on by each document's ``kiem-tra-chu-ky`` files (made at export time). The signed
manifest ``ban-ke-da-ky.pdf`` (every file's digest and ``manifest.json``'s, signed by the
exporting unit) needs a signature check this script cannot do: ``eoffice verify-archive``
does it, or any PDF reader that checks signatures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

MANIFESTS = ("manifest.json", "manifest.csv", "manifest.xml")
SIGNED_MANIFEST = "ban-ke-da-ky.pdf"
FORMAT = "eoffice-folder-export"
CHUNK = 1 << 20

Entry = tuple[str, str, int]  # path, sha256, size


@dataclass(frozen=True)
class Problem:
    code: str  # missing, changed, extra, unsafe_path, duplicate, manifest_mismatch, unreadable
    path: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


class UnreadableExport(Exception):
    """Not a ZIP or folder with a ``manifest.json`` of this format."""


class _Source:
    """The files of an export, by their path relative to the export's root."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()


class _Directory(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file()
        )

    def open(self, name: str) -> IO[bytes]:
        return (self.root / name).open("rb")


class _Zip(_Source):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        roots = sorted(
            (n for n in archive.namelist() if PurePosixPath(n).name == "manifest.json"),
            key=lambda n: n.count("/"),
        )
        if not roots:
            raise UnreadableExport("manifest.json")
        self.prefix = roots[0][: -len("manifest.json")]

    def names(self) -> list[str]:
        """Every file of the ZIP; one outside the export's root keeps its full path, prefixed
        with ``../`` so it can never match a manifest entry."""
        found = []
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            found.append(name[len(self.prefix) :] if name.startswith(self.prefix) else "../" + name)
        return sorted(found)

    def open(self, name: str) -> IO[bytes]:
        return self.archive.open(self.prefix + name)


ExportFiles = _Source
"""The files of an export (a ZIP or a folder), by path relative to the export's root."""


def _source(target: Path) -> _Source:
    if target.is_dir():
        if (target / "manifest.json").is_file():
            return _Directory(target)
        inner = [p.parent for p in target.glob("*/manifest.json")]
        if len(inner) == 1:
            return _Directory(inner[0])
        raise UnreadableExport(str(target))
    try:
        return _Zip(zipfile.ZipFile(target))
    except (OSError, zipfile.BadZipFile) as error:
        raise UnreadableExport(str(error)) from error


def open_export(target: Path) -> ExportFiles:
    """The files of the export at ``target`` (a ZIP or a folder); ``UnreadableExport``."""
    return _source(target)


def file_digest(source: ExportFiles, name: str) -> tuple[str, int]:
    """The SHA-256 (hex) and size of the export's file ``name`` (``KeyError``/``OSError`` when
    it is not there)."""
    return _sha256(source, name)


def _sha256(source: _Source, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with source.open(name) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and "\\" not in path and ".." not in parts


def _json_manifest(source: _Source) -> dict[str, object]:
    try:
        data = json.loads(source.read("manifest.json").decode("utf-8"))
    except (KeyError, OSError, ValueError) as error:
        raise UnreadableExport(f"manifest.json: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableExport("manifest.json: not an e-office folder export")
    return data


def _entries_of_json(data: dict[str, object]) -> list[Entry]:
    files = data.get("files")
    if not isinstance(files, list):
        raise UnreadableExport("manifest.json: no file list")
    try:
        return [(str(f["path"]), str(f["sha256"]).lower(), int(f["size"])) for f in files]
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableExport(f"manifest.json: bad file entry ({error})") from error


def _csv_view(source: _Source) -> tuple[list[Entry], dict[str, str]]:
    text = source.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    entries = [(r["path"], r["sha256"].lower(), int(r["size"])) for r in rows]
    folder = {}
    if rows:
        folder = {k[len("folder_") :]: v for k, v in rows[0].items() if k.startswith("folder_")}
    return entries, folder


def _xml_view(source: _Source) -> tuple[list[Entry], dict[str, str]]:
    root = ElementTree.fromstring(source.read("manifest.xml"))
    entries = [
        (
            element.findtext("path") or "",
            (element.findtext("sha256") or "").lower(),
            int(element.findtext("size") or "-1"),
        )
        for element in root.iterfind("files/file")
    ]
    folder_element = root.find("folder")
    folder = {} if folder_element is None else {c.tag: c.text or "" for c in folder_element}
    return entries, folder


def _compare_manifests(
    source: _Source, entries: list[Entry], folder: dict[str, object]
) -> list[Problem]:
    expected_folder = {k: "" if v is None else str(v) for k, v in folder.items()}
    problems = []
    for name, read in (("manifest.csv", _csv_view), ("manifest.xml", _xml_view)):
        try:
            other_entries, other_folder = read(source)
        except KeyError:
            problems.append(Problem("missing", name, f"THIẾU tệp: {name}", f"MISSING: {name}"))
            continue
        except (ValueError, ElementTree.ParseError, UnicodeDecodeError) as error:
            problems.append(
                Problem(
                    "manifest_mismatch",
                    name,
                    f"{name} không đọc được ({error})",
                    f"{name} cannot be read ({error})",
                )
            )
            continue
        if sorted(other_entries) != sorted(entries) or other_folder != expected_folder:
            differing = sorted(set(other_entries) ^ set(entries))
            where = differing[0][0] if differing else "folder"
            problems.append(
                Problem(
                    "manifest_mismatch",
                    name,
                    f"{name} KHÔNG KHỚP manifest.json (khác ở: {where})",
                    f"{name} DOES NOT MATCH manifest.json (differs at: {where})",
                )
            )
    return problems


def check(target: Path) -> list[Problem]:
    """Every mismatch between the export at ``target`` (a ZIP or a folder) and its manifest;
    an empty list when it is intact. Raises ``UnreadableExport``."""
    source = _source(target)
    data = _json_manifest(source)
    entries = _entries_of_json(data)
    folder = data.get("folder")
    problems = _compare_manifests(source, entries, folder if isinstance(folder, dict) else {})
    present = set(source.names())
    listed = set()
    for path, sha256, size in entries:
        if not _safe(path):
            problems.append(
                Problem(
                    "unsafe_path",
                    path,
                    f"ĐƯỜNG DẪN KHÔNG HỢP LỆ trong bản kê: {path}",
                    f"UNSAFE PATH in the manifest: {path}",
                )
            )
            continue
        if path in listed:
            problems.append(
                Problem("duplicate", path, f"TRÙNG trong bản kê: {path}", f"DUPLICATE: {path}")
            )
            continue
        listed.add(path)
        if path not in present:
            problems.append(Problem("missing", path, f"THIẾU tệp: {path}", f"MISSING: {path}"))
            continue
        actual, actual_size = _sha256(source, path)
        if actual != sha256 or actual_size != size:
            problems.append(
                Problem(
                    "changed",
                    path,
                    f"ĐÃ BỊ THAY ĐỔI: {path} (SHA-256 {actual}, {actual_size} byte; "
                    f"bản kê ghi {sha256}, {size} byte)",
                    f"CHANGED: {path} (SHA-256 {actual}, {actual_size} bytes; "
                    f"the manifest says {sha256}, {size} bytes)",
                )
            )
    for path in sorted(present - listed - set(MANIFESTS) - {SIGNED_MANIFEST}):
        problems.append(
            Problem(
                "extra",
                path,
                f"THỪA tệp không có trong bản kê: {path}",
                f"EXTRA file not in the manifest: {path}",
            )
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).resolve().parent
    try:
        problems = check(target)
    except UnreadableExport as error:
        print(
            f"Không đọc được bản xuất hồ sơ / cannot read the folder export: {error}",
            file=sys.stderr,
        )
        return 2
    if not problems:
        print("ĐẠT: mọi tệp khớp bản kê / OK: every file matches the manifest")
        print(
            f"(Chữ ký số của {SIGNED_MANIFEST}: kiểm tra bằng eoffice verify-archive hoặc phần mềm "
            f"đọc PDF / check the signature of {SIGNED_MANIFEST} with eoffice verify-archive "
            "or a PDF reader)"
        )
        return 0
    print(
        f"KHÔNG ĐẠT: {len(problems)} sai lệch / FAILED: {len(problems)} mismatches",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
