"""A development PKI (hạ tầng khóa công khai thử nghiệm), generated locally, never for production.

A root CA and an issuing CA are created once; then one personal certificate per person and one
unit (seal) certificate per unit, each in ``<key_id>.p12``. Passphrases sit in
``passphrases.json`` next to them: this is development material only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.keys import KeyMaterial

__all__ = ["DevPki", "PersonIdentity", "UnitIdentity", "ensure_dev_pki"]

# The whole phrase "Công đoàn Việt Nam - CA thử nghiệm (chỉ dùng để phát triển)" is 77 UTF-8
# bytes, more than a common name may hold: its parenthesis goes to OU.
ROOT_CA_NAME = "Công đoàn Việt Nam - CA thử nghiệm"
ISSUING_CA_NAME = "Công đoàn Việt Nam - CA cấp chứng thư thử nghiệm"
DEV_ONLY = "Chỉ dùng để phát triển"
ORGANISATION = "Công đoàn Việt Nam"
VALIDITY = dt.timedelta(days=5 * 365)
CA_VALIDITY = dt.timedelta(days=20 * 365)
PASSPHRASES_FILE = "passphrases.json"
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_CN_MAX_BYTES = 64


@dataclass(frozen=True)
class PersonIdentity:
    """A person who signs with a personal certificate (chứng thư số cá nhân)."""

    key_id: str
    full_name: str
    email: str
    unit_name: str


@dataclass(frozen=True)
class UnitIdentity:
    """A unit whose seal is applied as a digital signature (chứng thư số của cơ quan)."""

    key_id: str
    unit_name: str


@dataclass(frozen=True)
class DevPki:
    """A development PKI on disk."""

    directory: Path
    root_cert_path: Path
    """PEM file of the root CA: the trust anchor to give to validators."""

    def key(self, key_id: str) -> KeyMaterial:
        """The key material of a person or unit; ``KeyError`` if there is none."""
        passphrases = _read_passphrases(self.directory)
        p12_path = self.directory / f"{key_id}.p12"
        if key_id not in passphrases or not p12_path.exists():
            raise KeyError(key_id)
        return KeyMaterial(p12_path=p12_path, passphrase=passphrases[key_id].encode())

    def trust_roots(self) -> list[x509.Certificate]:
        """The root certificates to trust (``cryptography`` objects)."""
        return [x509.load_pem_x509_certificate(self.root_cert_path.read_bytes())]


@dataclass(frozen=True)
class _Authority:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def ensure_dev_pki(
    directory: Path, people: Sequence[PersonIdentity], units: Sequence[UnitIdentity]
) -> DevPki:
    """Create what is missing of the development PKI in ``directory`` and return it.

    Idempotent: existing CAs and key files are reused as they are (a changed name for an existing
    ``key_id`` is not re-issued: delete its ``.p12`` to re-issue it, or the whole directory to
    start over). Safe against a concurrent call from another process (a lock file serialises
    them).
    """
    for key_id in [p.key_id for p in people] + [u.key_id for u in units]:
        if not _KEY_ID.match(key_id) or key_id in {"root-ca", "issuing-ca"}:
            raise ValueError(f"invalid key id {key_id!r}: use letters, digits, '.', '_' or '-'")
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory):
        passphrases = _read_passphrases(directory)
        known = dict(passphrases)
        root = _ensure_authority(directory, "root-ca", ROOT_CA_NAME, None, passphrases)
        issuing = _ensure_authority(directory, "issuing-ca", ISSUING_CA_NAME, root, passphrases)
        subjects: list[tuple[str, str, str, str | None]] = [
            (p.key_id, p.full_name, p.unit_name, p.email) for p in people
        ]
        subjects += [(u.key_id, u.unit_name, u.unit_name, None) for u in units]
        for key_id, common_name, organisation, email in subjects:
            if (directory / f"{key_id}.p12").exists() and key_id in passphrases:
                continue
            passphrase = secrets.token_urlsafe(18)
            data = _issue_p12(issuing, root, common_name, organisation, email, passphrase)
            passphrases[key_id] = passphrase
            _atomic_write(directory / f"{key_id}.p12", data)
        if passphrases != known:
            _write_passphrases(directory, passphrases)
    return DevPki(directory=directory, root_cert_path=directory / "root-ca.pem")


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_passphrases(directory: Path) -> dict[str, str]:
    path = directory / PASSPHRASES_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def _write_passphrases(directory: Path, passphrases: dict[str, str]) -> None:
    text = json.dumps(passphrases, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write(directory / PASSPHRASES_FILE, text.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit_common_name(common_name)))
    return x509.Name(attributes)


def _fit_common_name(name: str) -> str:
    """Cut a name to 64 UTF-8 bytes (cryptography's reading of ub-common-name), on a word
    boundary where possible; the full unit name stays in O."""
    if len(name.encode("utf-8")) <= _CN_MAX_BYTES:
        return name
    cut = name.encode("utf-8")[:_CN_MAX_BYTES].decode("utf-8", errors="ignore")
    head, _, _ = cut.rpartition(" ")
    return head or cut


def _ensure_authority(
    directory: Path,
    key_id: str,
    common_name: str,
    parent: _Authority | None,
    passphrases: dict[str, str],
) -> _Authority:
    cert_path, key_path = directory / f"{key_id}.pem", directory / f"{key_id}.key"
    if cert_path.exists() and key_path.exists() and key_id in passphrases:
        key = serialization.load_pem_private_key(
            key_path.read_bytes(), passphrases[key_id].encode()
        )
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return _Authority(x509.load_pem_x509_certificate(cert_path.read_bytes()), key)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name, ORGANISATION, DEV_ONLY)
    issuer = parent.cert.subject if parent else subject
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if parent else 1), True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if parent is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), False
        )
    cert = builder.sign(parent.key if parent else key, hashes.SHA256())
    passphrase = passphrases.setdefault(key_id, secrets.token_urlsafe(18))
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    _atomic_write(key_path, key_pem)
    _atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return _Authority(cert, key)


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _issue_p12(
    issuing: _Authority,
    root: _Authority,
    common_name: str,
    organisation: str,
    email: str | None,
    passphrase: str,
) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    eku = x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(issuing.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(eku, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()), False
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    cert = builder.sign(issuing.key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=[issuing.cert, root.cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
