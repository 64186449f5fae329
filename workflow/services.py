"""What the steps and activities need, built once by the wiring and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cryptography import x509

from documents.application import OfficeApplication
from signing import KeyMaterial


class KeyStore(Protocol):
    """Where signing keys live (PKCS#12 files for now; tokens and remote signers later)."""

    def key(self, key_id: str) -> KeyMaterial: ...

    def trust_roots(self) -> list[x509.Certificate]: ...


@dataclass
class OfficeServices:
    app: OfficeApplication
    keys: KeyStore


def unit_key_id(unit_code: str) -> str:
    """The key id of a unit's seal certificate."""
    return f"unit-{unit_code}"


def person_key_id(username: str) -> str:
    return f"person-{username}"
