"""The on-disk layout of the development PKI: files written atomically with owner-only
permissions, a lock file serialising writers, passphrases, the index of issued certificates."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.dev_ca import Authority

__all__ = [
    "ISSUED_DIR",
    "PASSPHRASES_FILE",
    "atomic_write",
    "json_bytes",
    "load_authority",
    "locked",
    "read_json",
    "read_passphrases",
    "record_issued",
    "store_leaf",
    "write_passphrases",
]

PASSPHRASES_FILE = "passphrases.json"
ISSUED_DIR = "issued"


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def read_passphrases(directory: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v in read_json(directory / PASSPHRASES_FILE).items()}


def write_passphrases(directory: Path, passphrases: dict[str, str]) -> None:
    atomic_write(directory / PASSPHRASES_FILE, json_bytes(passphrases))


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def record_issued(directory: Path, cert: x509.Certificate) -> None:
    (directory / ISSUED_DIR).mkdir(exist_ok=True)
    path = directory / ISSUED_DIR / f"{cert.serial_number:x}.pem"
    atomic_write(path, cert.public_bytes(serialization.Encoding.PEM))


def load_authority(directory: Path, key_id: str, passphrase: str) -> Authority:
    key = serialization.load_pem_private_key(
        (directory / f"{key_id}.key").read_bytes(), passphrase.encode()
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    cert = x509.load_pem_x509_certificate((directory / f"{key_id}.pem").read_bytes())
    return Authority(cert, key)


def store_leaf(
    directory: Path,
    key_id: str,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: tuple[Authority, Authority],
    passphrase: str,
) -> None:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    data = pkcs12.serialize_key_and_certificates(
        name=str(names[0].value).encode("utf-8") if names else key_id.encode(),
        key=key,
        cert=cert,
        cas=[chain[0].cert, chain[1].cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    atomic_write(directory / f"{key_id}.p12", data)
    record_issued(directory, cert)
