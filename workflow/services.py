"""What the steps and activities need, built once by the wiring and passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable
from uuid import UUID

from cryptography import x509

from documents.application import OfficeApplication
from signing import (
    KeyMaterial,
    PersonIdentity,
    SignatureLevel,
    SigningKey,
    TrustServices,
    UnitIdentity,
)
from signing.signers import SignerConfig, SignerKind, SignerRegistry


class KeyStore(Protocol):
    """Where signing keys live (PKCS#12 files for now; tokens and remote signers later)."""

    def key(self, key_id: str) -> KeyMaterial: ...

    def trust_roots(self) -> list[x509.Certificate]: ...

    def trust_services(self) -> TrustServices:
        """The timestamp authority and trust roots that signing at B-T and above needs."""
        ...


@runtime_checkable
class KeyIssuer(Protocol):
    """A key store that can issue certificates itself (the development PKI). With a store that
    cannot (tokens, a remote signer), keys come from the CA and are configured by hand."""

    def provide(self, people: Sequence[PersonIdentity], units: Sequence[UnitIdentity]) -> None: ...


class SignerStore(Protocol):
    """The signers each person has (key file, token, remote service) and their keys."""

    def kinds(self, username: str, key_id: str | None) -> list[SignerKind]: ...

    def key(self, username: str, key_id: str | None, kind: SignerKind) -> SigningKey | None: ...


@dataclass(frozen=True)
class SignatureLevels:
    """The PAdES levels a unit signs at (mức chữ ký số): the leader's and the unit's seal."""

    personal: SignatureLevel = SignatureLevel.B_B
    seal: SignatureLevel = SignatureLevel.B_B


@dataclass
class OfficeServices:
    app: OfficeApplication
    keys: KeyStore
    levels: SignatureLevels = field(default_factory=SignatureLevels)
    """The configured levels (``EOFFICE_PERSONAL_SIGNATURE_LEVEL``,
    ``EOFFICE_SEAL_SIGNATURE_LEVEL``); B-B, which needs no trust services, when not given."""
    signers: SignerStore | None = None
    """The people's signers (``EOFFICE_SIGNERS_FILE``); not given: their key files only."""

    def personal_signers(self) -> SignerStore:
        return self.signers or SignerRegistry(self.keys.key, SignerConfig())

    def signature_levels(self, unit_id: UUID) -> SignatureLevels:
        """The levels the unit ``unit_id`` signs at: its own setting (``Unit.signature_level``,
        for its leaders and its seal alike), else the configured pair."""
        chosen = self.app.unit(unit_id).signature_level
        if chosen is None:
            return self.levels
        level = SignatureLevel(f"PAdES-{chosen}")
        return SignatureLevels(personal=level, seal=level)


def unit_key_id(unit_code: str) -> str:
    """The key id of a unit's seal certificate."""
    return f"unit-{unit_code}"


def person_key_id(username: str) -> str:
    return f"person-{username}"
