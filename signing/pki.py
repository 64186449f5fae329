"""A development PKI (hạ tầng khóa công khai thử nghiệm), generated locally, never for production.

A root CA and an issuing CA are created once; then one personal certificate per person and one
unit (seal) certificate per unit, each in ``<key_id>.p12``. Passphrases sit in
``passphrases.json`` next to them: this is development material only.

With a ``services_url`` the certificates name the local trust services (OCSP, CRLs; see
``signing.dev_services``) and a timestamp authority's certificate is issued (``tsa.p12``), so
signatures can reach PAdES B-T, B-LT and B-LTA. The URL is kept in ``services.json``; calling
again with another URL re-certifies the same keys with the new address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.dev_ca import Authority, ServiceUrls, build_authority, build_leaf, subject_name
from signing.keys import KeyMaterial
from signing.levels import TrustServices
from signing.pki_store import (
    ISSUED_DIR,
    atomic_write,
    json_bytes,
    load_authority,
    locked,
    read_json,
    read_passphrases,
    record_issued,
    store_leaf,
    write_passphrases,
)

__all__ = ["DevPki", "PersonIdentity", "UnitIdentity", "ensure_dev_pki"]

# The whole phrase "Công đoàn Việt Nam - CA thử nghiệm (chỉ dùng để phát triển)" is 77 UTF-8
# bytes, more than a common name may hold: its parenthesis goes to OU.
ROOT_CA_NAME = "Công đoàn Việt Nam - CA thử nghiệm"
ISSUING_CA_NAME = "Công đoàn Việt Nam - CA cấp chứng thư thử nghiệm"
TSA_NAME = "Công đoàn Việt Nam - Dịch vụ cấp dấu thời gian thử nghiệm"
DEV_ONLY = "Chỉ dùng để phát triển"
ORGANISATION = "Công đoàn Việt Nam"
VALIDITY = dt.timedelta(days=5 * 365)
CA_VALIDITY = dt.timedelta(days=20 * 365)
SERVICES_FILE = "services.json"
REVOKED_FILE = "revoked.json"
TSA_KEY_ID = "tsa"
_RESERVED = {"root-ca", "issuing-ca", TSA_KEY_ID}
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


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
class Revocation:
    """A revoked certificate as the development CA records it (chứng thư số bị thu hồi)."""

    serial_number: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags


@dataclass(frozen=True)
class DevPki:
    """A development PKI on disk."""

    directory: Path
    root_cert_path: Path
    """PEM file of the root CA: the trust anchor to give to validators."""

    def key(self, key_id: str) -> KeyMaterial:
        """The key material of a person or unit; ``KeyError`` if there is none."""
        passphrases = read_passphrases(self.directory)
        p12_path = self.directory / f"{key_id}.p12"
        if key_id not in passphrases or not p12_path.exists():
            raise KeyError(key_id)
        return KeyMaterial(p12_path=p12_path, passphrase=passphrases[key_id].encode())

    def trust_roots(self) -> list[x509.Certificate]:
        """The root certificates to trust (``cryptography`` objects)."""
        return [x509.load_pem_x509_certificate(self.root_cert_path.read_bytes())]

    @property
    def services_url(self) -> str | None:
        """The base URL of the trust services the certificates name, if any."""
        path = self.directory / SERVICES_FILE
        if not path.exists():
            return None
        return str(json.loads(path.read_text(encoding="utf-8"))["base_url"])

    def trust_services(self) -> TrustServices:
        """What signing at B-T and above needs: the TSA's URL and the roots to trust."""
        url = self.services_url
        return TrustServices(
            tsa_url=ServiceUrls(url).tsa if url else None, trust_roots=tuple(self.trust_roots())
        )

    def authority(self, key_id: str) -> Authority:
        """A CA of this PKI (``root-ca`` or ``issuing-ca``) with its private key."""
        passphrases = read_passphrases(self.directory)
        return load_authority(self.directory, key_id, passphrases[key_id])

    def provide(self, people: Sequence[PersonIdentity], units: Sequence[UnitIdentity]) -> None:
        """Issues the certificates of these people and units that are still missing (the
        existing ones are kept), naming the PKI's trust services."""
        ensure_dev_pki(self.directory, people, units)

    def issued(self, serial_number: int) -> x509.Certificate | None:
        """A certificate issued by this PKI, by serial number (for the OCSP responder)."""
        path = self.directory / ISSUED_DIR / f"{serial_number:x}.pem"
        return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None

    def certificate(self, key_id: str) -> x509.Certificate:
        """The certificate of a key (person, unit or ``tsa``)."""
        material = self.key(key_id)
        _, cert, _ = pkcs12.load_key_and_certificates(
            material.p12_path.read_bytes(), material.passphrase
        )
        assert cert is not None
        return cert

    def revoke(
        self,
        key_id: str,
        reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
        revoked_at: dt.datetime | None = None,
    ) -> Revocation:
        """Revoke the current certificate of ``key_id``: the OCSP responder and the CRL say so
        from now on."""
        cert = self.certificate(key_id)
        moment = (revoked_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        with locked(self.directory):
            data = read_json(self.directory / REVOKED_FILE)
            data[f"{cert.serial_number:x}"] = {"at": moment.isoformat(), "reason": reason.value}
            atomic_write(self.directory / REVOKED_FILE, json_bytes(data))
        return Revocation(cert.serial_number, moment, reason)

    def revocations(self) -> dict[int, Revocation]:
        """Every revoked certificate, by serial number."""
        data = read_json(self.directory / REVOKED_FILE)
        return {
            int(serial, 16): Revocation(
                int(serial, 16),
                dt.datetime.fromisoformat(str(entry["at"])),
                x509.ReasonFlags(entry["reason"]),
            )
            for serial, entry in data.items()
        }

    def issue(
        self,
        key_id: str,
        common_name: str,
        organisation: str,
        *,
        not_before: dt.datetime,
        not_after: dt.datetime,
        email: str | None = None,
    ) -> KeyMaterial:
        """Issue (or replace) a certificate with a chosen validity, e.g. an expired one for
        tests."""
        _check_key_id(key_id)
        with locked(self.directory):
            passphrases = read_passphrases(self.directory)
            issuing = load_authority(self.directory, "issuing-ca", passphrases["issuing-ca"])
            root = load_authority(self.directory, "root-ca", passphrases["root-ca"])
            urls = _urls(self.services_url)
            passphrase = passphrases.get(key_id) or secrets.token_urlsafe(18)
            key = ec.generate_private_key(ec.SECP256R1())
            cert = build_leaf(
                issuing,
                subject_name(common_name, organisation),
                key.public_key(),
                not_before=not_before,
                not_after=not_after,
                email=email,
                urls=urls,
            )
            store_leaf(self.directory, key_id, key, cert, (issuing, root), passphrase)
            passphrases[key_id] = passphrase
            write_passphrases(self.directory, passphrases)
        return self.key(key_id)


def ensure_dev_pki(
    directory: Path,
    people: Sequence[PersonIdentity],
    units: Sequence[UnitIdentity],
    *,
    services_url: str | None = None,
) -> DevPki:
    """Create what is missing of the development PKI in ``directory`` and return it.

    Idempotent: existing CAs and key files are reused as they are (a changed name for an existing
    ``key_id`` is not re-issued: delete its ``.p12`` to re-issue it, or the whole directory to
    start over). Safe against a concurrent call from another process (a lock file serialises
    them). ``services_url`` (e.g. ``http://127.0.0.1:8790``): the certificates name the OCSP
    responder and CRLs there, and a TSA certificate is issued; a changed URL re-certifies every
    key (same keys, new certificates). Without it, an existing URL is kept.
    """
    for key_id in [p.key_id for p in people] + [u.key_id for u in units]:
        _check_key_id(key_id)
    directory.mkdir(parents=True, exist_ok=True)
    pki = DevPki(directory=directory, root_cert_path=directory / "root-ca.pem")
    with locked(directory):
        passphrases = read_passphrases(directory)
        known = dict(passphrases)
        previous_url = pki.services_url
        base_url = services_url.rstrip("/") if services_url else previous_url
        urls = _urls(base_url)
        moved = base_url != previous_url
        root = _ensure_authority(directory, "root-ca", ROOT_CA_NAME, None, passphrases, None)
        issuing = _ensure_authority(
            directory, "issuing-ca", ISSUING_CA_NAME, root, passphrases, urls, renew=moved
        )
        subjects: list[tuple[str, str, str, str | None]] = [
            (p.key_id, p.full_name, p.unit_name, p.email) for p in people
        ]
        subjects += [(u.key_id, u.unit_name, u.unit_name, None) for u in units]
        if moved:
            _recertify_all(directory, passphrases, (issuing, root), urls)
        if urls is not None and TSA_KEY_ID not in passphrases:
            _new_leaf(directory, TSA_KEY_ID, (issuing, root), passphrases, urls, TSA_NAME)
        for key_id, common_name, organisation, email in subjects:
            if (directory / f"{key_id}.p12").exists() and key_id in passphrases:
                continue
            chain = (issuing, root)
            _new_leaf(directory, key_id, chain, passphrases, urls, common_name, organisation, email)
        if passphrases != known:
            write_passphrases(directory, passphrases)
        if moved and base_url is not None:
            atomic_write(directory / SERVICES_FILE, json_bytes({"base_url": base_url}))
    return pki


def _check_key_id(key_id: str) -> None:
    if not _KEY_ID.match(key_id) or key_id in _RESERVED:
        raise ValueError(f"invalid key id {key_id!r}: use letters, digits, '.', '_' or '-'")


def _urls(base_url: str | None) -> ServiceUrls | None:
    return ServiceUrls(base_url) if base_url else None


def _ensure_authority(
    directory: Path,
    key_id: str,
    common_name: str,
    parent: Authority | None,
    passphrases: dict[str, str],
    urls: ServiceUrls | None,
    *,
    renew: bool = False,
) -> Authority:
    cert_path, key_path = directory / f"{key_id}.pem", directory / f"{key_id}.key"
    if cert_path.exists() and key_path.exists() and key_id in passphrases:
        existing = load_authority(directory, key_id, passphrases[key_id])
        if not renew:
            return existing
        key = existing.key
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    subject = subject_name(common_name, ORGANISATION, DEV_ONLY)
    cert = build_authority(subject, key, parent, CA_VALIDITY, urls)
    passphrase = passphrases.setdefault(key_id, secrets.token_urlsafe(18))
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    atomic_write(key_path, key_pem)
    atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    record_issued(directory, cert)
    return Authority(cert, key)


def _new_leaf(
    directory: Path,
    key_id: str,
    chain: tuple[Authority, Authority],
    passphrases: dict[str, str],
    urls: ServiceUrls | None,
    common_name: str,
    organisation: str = ORGANISATION,
    email: str | None = None,
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = build_leaf(
        chain[0],
        subject_name(common_name, organisation),
        key.public_key(),
        not_before=now,
        not_after=now + VALIDITY,
        email=email,
        urls=urls,
        timestamping=key_id == TSA_KEY_ID,
    )
    passphrase = secrets.token_urlsafe(18)
    store_leaf(directory, key_id, key, cert, chain, passphrase)
    passphrases[key_id] = passphrase


def _recertify_all(
    directory: Path,
    passphrases: dict[str, str],
    chain: tuple[Authority, Authority],
    urls: ServiceUrls | None,
) -> None:
    """New certificates for the same keys and subjects, naming the new service URLs."""
    for key_id, passphrase in passphrases.items():
        path = directory / f"{key_id}.p12"
        if key_id in {"root-ca", "issuing-ca"} or not path.exists():
            continue
        key, old, _ = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase.encode())
        assert isinstance(key, ec.EllipticCurvePrivateKey) and old is not None
        emails = []
        with contextlib.suppress(x509.ExtensionNotFound):
            san = old.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            emails = san.get_values_for_type(x509.RFC822Name)
        cert = build_leaf(
            chain[0],
            old.subject,
            key.public_key(),
            not_before=old.not_valid_before_utc,
            not_after=old.not_valid_after_utc,
            email=emails[0] if emails else None,
            urls=urls,
            timestamping=key_id == TSA_KEY_ID,
        )
        store_leaf(directory, key_id, key, cert, chain, passphrase)
