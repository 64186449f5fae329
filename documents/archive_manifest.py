"""The manifest of an exported file folder (bản kê hồ sơ xuất): the folder's metadata and, for
every file of the export, its path, SHA-256, size and the document it belongs to — written three
ways with the same content: JSON, CSV (UTF-8 with BOM, for Excel) and XML.

``documents/archive_check.py`` (shipped in the export as ``verify_manifest.py``) reads them back.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any
from xml.etree import ElementTree

FORMAT = "eoffice-folder-export"
VERSION = 1
FOLDER_FIELDS = (
    "id",
    "code",
    "title",
    "unit_code",
    "unit_name",
    "year",
    "retention_years",
    "retention",
    "status",
    "status_label",
    "opened_at",
    "closed_at",
    "transferred_at",
    "transfer_due",
)
FILE_FIELDS = (
    "path",
    "kind",
    "sha256",
    "size",
    "document_id",
    "number_symbol",
    "date",
    "doc_type",
    "doc_type_name",
    "subject",
    "signers",
)


@dataclass(frozen=True)
class ManifestFile:
    """One file of the export. ``kind``: ``document`` (the signed PDF as stored),
    ``validation`` (report, JSON), ``validation_summary`` (Vietnamese text), ``history``
    (JSON), ``readme`` or ``verifier``. The document fields are empty for the last two."""

    path: str
    kind: str
    sha256: str
    size: int
    document_id: str = ""
    number_symbol: str = ""
    date: str = ""
    doc_type: str = ""
    doc_type_name: str = ""
    subject: str = ""
    signers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    folder: dict[str, Any]
    exported_at: str
    exported_by: str
    files: list[ManifestFile]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "hash_algorithm": "SHA-256",
            "exported_at": self.exported_at,
            "exported_by": self.exported_by,
            "folder": {name: self.folder.get(name) for name in FOLDER_FIELDS},
            "files": [asdict(entry) for entry in self.files],
        }

    def json_bytes(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode()

    def csv_bytes(self) -> bytes:
        """One line per file; the folder's columns (``folder_…``) repeated on each line."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([f"folder_{name}" for name in FOLDER_FIELDS] + list(FILE_FIELDS))
        folder = [_text(self.folder.get(name)) for name in FOLDER_FIELDS]
        for entry in self.files:
            values = asdict(entry)
            values["signers"] = "; ".join(entry.signers)
            writer.writerow(folder + [_text(values[name]) for name in FILE_FIELDS])
        return ("\ufeff" + out.getvalue()).encode()

    def xml_bytes(self) -> bytes:
        root = ElementTree.Element(
            "manifest", {"format": FORMAT, "version": str(VERSION), "hash": "SHA-256"}
        )
        ElementTree.SubElement(root, "exported_at").text = self.exported_at
        ElementTree.SubElement(root, "exported_by").text = self.exported_by
        folder = ElementTree.SubElement(root, "folder")
        for name in FOLDER_FIELDS:
            ElementTree.SubElement(folder, name).text = _text(self.folder.get(name))
        files = ElementTree.SubElement(root, "files")
        for entry in self.files:
            element = ElementTree.SubElement(files, "file")
            for name, value in asdict(entry).items():
                child = ElementTree.SubElement(element, name)
                if name == "signers":
                    for signer in value:
                        ElementTree.SubElement(child, "signer").text = signer
                else:
                    child.text = _text(value)
        ElementTree.indent(root)
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(value: object) -> str:
    return "" if value is None else str(value)
