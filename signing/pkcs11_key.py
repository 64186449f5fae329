"""Signing keys on a PKCS#11 token (USB token, smart card, HSM; SoftHSM2 in tests), behind the
same ``SigningKey`` interface as a PKCS#12 file, and provisioning a token from a PKCS#12 file for
development and tests."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11.util.ec import decode_ec_private_key, encode_ecdsa_signature
from pkcs11.util.x509 import decode_x509_certificate
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from signing.errors import SigningError
from signing.keys import KeyMaterial

__all__ = ["Pkcs11Key", "import_p12_into_token", "sign_digest", "token_certificates"]

_local = threading.local()
_logged_in: dict[tuple[str, str], str] = {}
"""(module, token label) → SHA-256 of the PIN that logged this process in."""


@dataclass(frozen=True)
class Pkcs11Key:
    """A private key and its certificate on a PKCS#11 token (khóa trên thiết bị ký số)."""

    module_path: str
    """The token's PKCS#11 library, e.g. ``/usr/lib/softhsm/libsofthsm2.so``."""
    token_label: str
    key_label: str
    """The label of both the private key and its certificate on the token."""
    user_pin: str = field(repr=False)
    raw_mechanism: bool = True
    """Hash here and ask the token for the bare signature (``CKM_ECDSA``, ``CKM_RSA_PKCS``),
    which every token supports; SoftHSM2 2.6 has no ``CKM_ECDSA_SHA256``."""

    def signer(self) -> PKCS11Signer:
        """A pyHanko signer over a session kept open per thread (sessions are not shared
        between threads); the CA certificates on the token travel with the signature. Kept per
        thread too: it reads the certificates and finds the key handle on the token once, not
        at every signature (pyHanko's signer pulls every certificate of the token when made)."""
        signers: dict[tuple[str, str, str, str, bool], PKCS11Signer] = _local.__dict__.setdefault(
            "signers", {}
        )
        key = (
            self.module_path,
            self.token_label,
            hashlib.sha256(self.user_pin.encode()).hexdigest(),
            self.key_label,
            self.raw_mechanism,
        )
        found = signers.get(key)
        if found is None:
            session = _session(self.module_path, self.token_label, self.user_pin)
            signer = PKCS11Signer(
                session,
                cert_label=self.key_label,
                key_label=self.key_label,
                other_certs_to_pull=None,
                use_raw_mechanism=self.raw_mechanism,
            )
            try:
                _ = signer.signing_cert  # loads the certificates and the key handle, once
            except pkcs11.PKCS11Error as exc:
                raise SigningError(
                    f"Không tìm thấy khóa hoặc chứng thư “{self.key_label}” trên thiết bị ký số "
                    f"“{self.token_label}”.",
                    f"No key or certificate {self.key_label!r} on the PKCS#11 token "
                    f"{self.token_label!r}: {type(exc).__name__} {exc}",
                ) from exc
            found = signers[key] = signer
        return found


def _session(module_path: str, token_label: str, user_pin: str) -> Any:
    sessions: dict[tuple[str, str, str], Any] = _local.__dict__.setdefault("sessions", {})
    key = (module_path, token_label, hashlib.sha256(user_pin.encode()).hexdigest())
    if key not in sessions:
        criteria = TokenCriteria(label=token_label)
        try:
            try:
                sessions[key] = open_pkcs11_session(
                    module_path, token_criteria=criteria, user_pin=user_pin
                )
                _logged_in[key[:2]] = key[2]
            except pkcs11.exceptions.UserAlreadyLoggedIn:
                # a login holds for the whole process: another thread's session made it, with
                # this PIN (else the PIN is refused as wrong)
                if _logged_in.get(key[:2]) != key[2]:
                    raise
                sessions[key] = open_pkcs11_session(module_path, token_criteria=criteria)
        except pkcs11.PKCS11Error as exc:
            raise SigningError(
                f"Không mở được thiết bị ký số “{token_label}” (sai mã PIN hoặc chưa cắm thiết "
                "bị).",
                f"Cannot open the PKCS#11 token {token_label!r}: {type(exc).__name__} {exc}",
            ) from exc
    return sessions[key]


def import_p12_into_token(
    material: KeyMaterial, module_path: str, token_label: str, user_pin: str, label: str
) -> Pkcs11Key:
    """Copy a PKCS#12 file's key, certificate and CA certificates onto a token (development and
    tests only: a real token generates its key inside and never lets it out)."""
    key, cert, cas = pkcs12.load_key_and_certificates(
        material.p12_path.read_bytes(), material.passphrase
    )
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
        raise ValueError("only EC keys with a certificate are supported")
    token = pkcs11.lib(module_path).get_token(token_label=token_label)
    object_id = hashlib.sha1(label.encode()).digest()[:8]
    with token.open(rw=True, user_pin=user_pin) as session:
        der_key = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        attributes = decode_ec_private_key(der_key)
        attributes.update(
            {
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
            }
        )
        session.create_object(attributes)
        for index, certificate in enumerate([cert, *cas]):
            cert_attributes = decode_x509_certificate(
                certificate.public_bytes(serialization.Encoding.DER)
            )
            cert_attributes.update(
                {
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label if index == 0 else f"{label}-ca-{index}",
                    Attribute.ID: object_id if index == 0 else bytes([index]) + object_id[1:],
                }
            )
            session.create_object(cert_attributes)
    return Pkcs11Key(module_path, token_label, label, user_pin)


def token_certificates(key: Pkcs11Key) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The key's certificate and the CA certificates stored beside it (labels ``<label>`` and
    ``<label>-ca-<n>``, as ``import_p12_into_token`` writes them)."""
    session = _session(key.module_path, key.token_label, key.user_pin)
    found: list[x509.Certificate] = []
    for label in [key.key_label, *(f"{key.key_label}-ca-{n}" for n in range(1, 8))]:
        objects = list(
            session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label})
        )
        if not objects:
            break
        found.append(x509.load_der_x509_certificate(bytes(objects[0][Attribute.VALUE])))
    if not found:
        raise SigningError(
            f"Không có chứng thư “{key.key_label}” trên thiết bị ký số.",
            f"No certificate {key.key_label!r} on the token.",
        )
    return found[0], found[1:]


def sign_digest(key: Pkcs11Key, digest: bytes) -> bytes:
    """An ECDSA signature (DER) of an already computed digest, made inside the token."""
    session = _session(key.module_path, key.token_label, key.user_pin)
    private = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key.key_label)
    return bytes(encode_ecdsa_signature(private.sign(digest, mechanism=Mechanism.ECDSA)))
