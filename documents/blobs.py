"""The blob store port: files content-addressed by SHA-256, never overwritten, size-limited.

``FilesystemBlobStore`` is the embedded adapter; S3-compatible servers are adapted outside the
domain (the domain imports no storage-server code).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Protocol

from documents.errors import (
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    UnavailableError,
)


class BlobStoreUnavailableError(UnavailableError):
    """The file store does not answer (its server is down, unreachable or overloaded)."""

    code = "files_unavailable"
    message_vi = (
        "Kho lưu trữ tệp tạm thời không trả lời: chưa mở, tải lên hay xuất được tệp. Vui lòng "
        "thử lại sau ít phút; dữ liệu đã lưu không bị ảnh hưởng."
    )
    message_en = (
        "The file store does not answer for now: files cannot be opened, uploaded or exported. "
        "Please try again in a few minutes; nothing already stored is affected."
    )


class BlobStore(Protocol):
    max_bytes: int

    def put(self, data: bytes) -> str:
        """Stores ``data``, returns its SHA-256 (hex). Storing the same bytes twice is a no-op."""
        ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_blob(text: str) -> bytes:
    """A document's text as stored beside its PDF: NFC, UTF-8 (content-addressed like a file)."""
    return unicodedata.normalize("NFC", text).encode("utf-8")


def read_text_blob(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"Tệp quá lớn: {len(data):,} byte, giới hạn là {max_bytes:,} byte.",
            f"File too large: {len(data):,} bytes, the limit is {max_bytes:,} bytes.",
        )
    if not data:
        raise InvalidInputError("Tệp rỗng.", "The file is empty.")


def _checked_digest(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFoundError("Không tìm thấy tệp.", "No such file.")
    return sha256


class FilesystemBlobStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        digest = _checked_digest(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        check_size(data, self.max_bytes)
        digest = sha256_hex(data)
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)
        path.chmod(0o444)
        return digest

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError("Không tìm thấy tệp.", "No such file.") from None

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()
