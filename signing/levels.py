"""PAdES baseline levels (ETSI EN 319 142-1) and what signing above B-B needs: a timestamp
authority and the trust roots against which revocation data is gathered."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cryptography import x509

__all__ = ["SignatureLevel", "TrustServices"]


class SignatureLevel(enum.Enum):
    """PAdES baseline levels (mức chữ ký PAdES)."""

    B_B = "PAdES-B-B"
    """Basic: the signature and the signer's certificate."""
    B_T = "PAdES-B-T"
    """Plus an RFC 3161 signature timestamp from a timestamp authority."""
    B_LT = "PAdES-B-LT"
    """Plus the certificates and revocation data (OCSP, CRL) embedded in the document."""
    B_LTA = "PAdES-B-LTA"
    """Plus a document timestamp over all of it, renewable for long-term archiving."""

    @property
    def rank(self) -> int:
        return list(SignatureLevel).index(self)


@dataclass(frozen=True)
class TrustServices:
    """Where signing at B-T and above gets its timestamps and revocation data."""

    tsa_url: str | None
    """The RFC 3161 timestamp authority (dịch vụ cấp dấu thời gian)."""
    trust_roots: tuple[x509.Certificate, ...]
    """The roots the signer's chain must reach; revocation data is collected along it."""
    timeout_seconds: float = 10.0
    """For each request to the TSA, OCSP responder or CRL distribution point."""
