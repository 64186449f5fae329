"""Signing keys behind one interface (``SigningKey``: anything that gives a pyHanko ``Signer``);
here the default backend, a PKCS#12 file and its passphrase."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from pyhanko.sign.signers import Signer, SimpleSigner

from signing.errors import SigningError

__all__ = ["KeyMaterial", "SigningKey"]


@runtime_checkable
class SigningKey(Protocol):
    """A signing key wherever it lives: a PKCS#12 file, a PKCS#11 token, a remote service."""

    def signer(self) -> Signer:
        """The pyHanko signer that signs with this key."""
        ...


@dataclass(frozen=True)
class KeyMaterial:
    """A signing key kept in a PKCS#12 (``.p12``) file (khóa ký số lưu trong tệp)."""

    p12_path: Path
    """The PKCS#12 file holding the private key, its certificate and the issuing CA chain."""

    passphrase: bytes
    """The passphrase that decrypts the PKCS#12 file."""

    def __repr__(self) -> str:  # never print the passphrase
        return f"KeyMaterial(p12_path={str(self.p12_path)!r}, passphrase=***)"

    def signer(self) -> SimpleSigner:
        """The pyHanko signer for this key; loaded once per file version and then cached."""
        path = self.p12_path.resolve()
        try:
            mtime_ns = path.stat().st_mtime_ns
        except OSError as exc:
            raise SigningError(
                f"Không tìm thấy tệp khóa ký số {path.name}.",
                f"Signing key file {path} not found.",
            ) from exc
        return _load_signer(str(path), mtime_ns, self.passphrase)


@functools.lru_cache(maxsize=256)
def _load_signer(path: str, mtime_ns: int, passphrase: bytes) -> SimpleSigner:
    """Load a signer; ``mtime_ns`` is part of the cache key so a replaced file is reloaded."""
    del mtime_ns
    data = Path(path).read_bytes()
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except ValueError as exc:
        raise SigningError(
            "Không mở được tệp khóa ký số (sai mật khẩu hoặc tệp hỏng).",
            f"Cannot open the signing key {Path(path).name} (wrong passphrase or corrupt file).",
        ) from exc
