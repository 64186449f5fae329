"""Which signers a person has (bộ ký số của từng người) and the key for the one they choose: the
PKCS#12 file of the key store, a PKCS#11 token, or a credential on a remote CSC service.

The token and remote signers come from a configuration file (``EOFFICE_SIGNERS_FILE``, JSON)
that names, per username, a token label, key label and a file holding the PIN, or a CSC
credential id and a file holding the OAuth access token; the secrets themselves stay in those
files, never in the configuration or the code::

    {"pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so",
     "csc_service_url": "https://ky-so.example.vn", "csc_confirmation_timeout_seconds": 120,
     "people": {"bentre.lanhdao": {
         "token": {"token_label": "leader-usb", "key_label": "linh", "pin_file": "/run/pin"},
         "remote": {"credential_id": "linh-csc", "access_token_file": "/run/csc-token"}}}}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pyhanko.sign.signers import Signer

from signing.csc_key import CscKey
from signing.errors import SigningError
from signing.keys import KeyMaterial, SigningKey
from signing.pkcs11_key import Pkcs11Key

__all__ = [
    "PersonSigners",
    "RemoteCredential",
    "SignerConfig",
    "SignerKind",
    "SignerRegistry",
    "TokenReference",
    "UsedKey",
    "load_signer_config",
]


class SignerKind(StrEnum):
    """How a person signs: with the key file, a token, or remotely."""

    FILE = "file"
    TOKEN = "token"
    REMOTE = "remote"

    @property
    def label_vi(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    SignerKind.FILE: ("Tệp khóa (PKCS#12)", "Key file (PKCS#12)"),
    SignerKind.TOKEN: ("Thiết bị ký (PKCS#11)", "Signing token (PKCS#11)"),
    SignerKind.REMOTE: ("Ký từ xa (CSC)", "Remote signing (CSC)"),
}


@dataclass(frozen=True)
class TokenReference:
    """A key on a PKCS#11 token; the PIN is read from ``pin_file`` when signing."""

    token_label: str
    key_label: str
    pin_file: Path


@dataclass(frozen=True)
class RemoteCredential:
    """A credential on the CSC service; the access token is read from ``access_token_file``."""

    credential_id: str
    access_token_file: Path


@dataclass(frozen=True)
class PersonSigners:
    token: TokenReference | None = None
    remote: RemoteCredential | None = None


@dataclass(frozen=True)
class SignerConfig:
    """The signers beyond the key file: the token library, the CSC service, and per person."""

    pkcs11_module: str = ""
    csc_service_url: str = ""
    csc_confirmation_timeout_seconds: float = 120.0
    people: dict[str, PersonSigners] = field(default_factory=dict)


def load_signer_config(path: Path | None) -> SignerConfig:
    """The configuration file's content; none given: key files only. A bad file is refused
    with the entry at fault (``ValueError``)."""
    if path is None:
        return SignerConfig()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = {
            str(username): PersonSigners(
                token=_token(entry.get("token"), path.parent),
                remote=_remote(entry.get("remote"), path.parent),
            )
            for username, entry in dict(data.get("people", {})).items()
        }
        config = SignerConfig(
            pkcs11_module=str(data.get("pkcs11_module", "")),
            csc_service_url=str(data.get("csc_service_url", "")).rstrip("/"),
            csc_confirmation_timeout_seconds=float(
                data.get("csc_confirmation_timeout_seconds", 120.0)
            ),
            people=people,
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"signer configuration {path}: {exc!r}") from exc
    if any(p.token for p in people.values()) and not config.pkcs11_module:
        raise ValueError(f"signer configuration {path}: tokens need pkcs11_module")
    if any(p.remote for p in people.values()) and not config.csc_service_url:
        raise ValueError(f"signer configuration {path}: remote signers need csc_service_url")
    return config


def _token(entry: Any, base: Path) -> TokenReference | None:
    if entry is None:
        return None
    return TokenReference(
        str(entry["token_label"]), str(entry["key_label"]), base / str(entry["pin_file"])
    )


def _remote(entry: Any, base: Path) -> RemoteCredential | None:
    if entry is None:
        return None
    return RemoteCredential(str(entry["credential_id"]), base / str(entry["access_token_file"]))


class SignerRegistry:
    """The signers of each person and their keys; the key file is there whenever the person
    has a key in the key store (``files(key_id)``; ``KeyError`` when not)."""

    def __init__(self, files: Callable[[str], KeyMaterial], config: SignerConfig) -> None:
        self._files = files
        self._config = config

    def kinds(self, username: str, key_id: str | None) -> list[SignerKind]:
        """The signers ``username`` may choose, in the order the sign page shows them."""
        person = self._config.people.get(username, PersonSigners())
        found = []
        if key_id and self._has_file(key_id):
            found.append(SignerKind.FILE)
        if person.token is not None:
            found.append(SignerKind.TOKEN)
        if person.remote is not None:
            found.append(SignerKind.REMOTE)
        return found

    def key(self, username: str, key_id: str | None, kind: SignerKind) -> SigningKey | None:
        """The key of that signer, or None if the person does not have it."""
        if kind not in self.kinds(username, key_id):
            return None
        person = self._config.people.get(username, PersonSigners())
        if kind is SignerKind.TOKEN and person.token is not None:
            token = person.token
            return Pkcs11Key(
                self._config.pkcs11_module,
                token.token_label,
                token.key_label,
                _secret(token.pin_file, "mã PIN của thiết bị ký", "the token's PIN"),
            )
        if kind is SignerKind.REMOTE and person.remote is not None:
            remote = person.remote
            return CscKey(
                self._config.csc_service_url,
                remote.credential_id,
                _secret(remote.access_token_file, "khóa truy cập ký từ xa", "the CSC token"),
                confirmation_timeout_seconds=self._config.csc_confirmation_timeout_seconds,
            )
        assert key_id is not None
        return self._files(key_id)

    def _has_file(self, key_id: str) -> bool:
        try:
            self._files(key_id)
        except KeyError:
            return False
        return True


def _secret(path: Path, what_vi: str, what_en: str) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SigningError(
            f"Không đọc được {what_vi}; vui lòng báo quản trị hệ thống.",
            f"Cannot read {what_en} from {path}.",
        ) from exc


class UsedKey:
    """A key whose pyHanko signer is made once, so the certificate recorded with a signature
    is the one that signed (``certificate_sha256``)."""

    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self._signer: Signer | None = None

    def signer(self) -> Signer:
        if self._signer is None:
            self._signer = self._key.signer()
        return self._signer

    def certificate_sha256(self) -> str:
        """SHA-256 of the signing certificate (DER), hex."""
        certificate = self.signer().signing_cert
        return "" if certificate is None else hashlib.sha256(certificate.dump()).hexdigest()
