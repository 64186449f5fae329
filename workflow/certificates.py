"""What the administrators read about signing certificates (chứng thư số): subject, issuer,
serial, validity, SHA-256 fingerprint and status — expired, revoked, expiring within 30 days —
read from the key store the signing steps use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12

from signing import DevPki
from workflow.services import OfficeServices

EXPIRING_WITHIN = timedelta(days=30)


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    MISSING = "missing"


STATUS_LABELS = {
    CertificateStatus.VALID: ("Còn hiệu lực", "Valid"),
    CertificateStatus.EXPIRING: ("Sắp hết hạn (trong 30 ngày)", "Expires within 30 days"),
    CertificateStatus.EXPIRED: ("Đã hết hạn", "Expired"),
    CertificateStatus.NOT_YET_VALID: ("Chưa đến ngày hiệu lực", "Not yet valid"),
    CertificateStatus.REVOKED: ("Đã bị thu hồi", "Revoked"),
    CertificateStatus.MISSING: ("Chưa có chứng thư số", "No certificate"),
}


@dataclass(frozen=True)
class CertificateInfo:
    key_id: str
    status: CertificateStatus
    subject: str = ""
    issuer: str = ""
    serial: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None
    fingerprint: str = ""


def _name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def certificate_info(
    services: OfficeServices, key_id: str | None, now: datetime | None = None
) -> CertificateInfo:
    """The certificate of ``key_id`` in the key store, or a ``MISSING`` row."""
    if not key_id:
        return CertificateInfo("", CertificateStatus.MISSING)
    try:
        material = services.keys.key(key_id)
        _, cert, _ = pkcs12.load_key_and_certificates(
            material.p12_path.read_bytes(), material.passphrase
        )
    except (KeyError, OSError, ValueError):
        cert = None
    if cert is None:
        return CertificateInfo(key_id, CertificateStatus.MISSING)
    moment = now or datetime.now(UTC)
    revoked = (
        cert.serial_number in services.keys.revocations()
        if isinstance(services.keys, DevPki)
        else False
    )
    if revoked:
        status = CertificateStatus.REVOKED
    elif cert.not_valid_after_utc < moment:
        status = CertificateStatus.EXPIRED
    elif cert.not_valid_before_utc > moment:
        status = CertificateStatus.NOT_YET_VALID
    elif cert.not_valid_after_utc - moment <= EXPIRING_WITHIN:
        status = CertificateStatus.EXPIRING
    else:
        status = CertificateStatus.VALID
    return CertificateInfo(
        key_id=key_id,
        status=status,
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
    )
