"""What a valid signature has beyond integrity and trust: the PAdES level it reaches, its
trusted timestamp, the revocation status of its certificate, and what kind of forbidden change
was made after it. Used by ``signing.validation``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from signing.levels import SignatureLevel

__all__ = ["Evidence", "context_for", "level_reached", "pages_added", "revocation_status"]


@dataclass(frozen=True)
class Evidence:
    """The document's own validation material (its DSS), and how to use it."""

    roots: list[asn1_x509.Certificate]
    dss: DocumentSecurityStore | None
    online: bool

    @classmethod
    def of(
        cls, reader: PdfFileReader, roots: list[asn1_x509.Certificate], online: bool
    ) -> Evidence:
        try:
            dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            dss = None
        return cls(roots, dss, online)


def context_for(
    evidence: Evidence,
    *,
    offline: bool = False,
    revocation_mode: str | None = None,
    moment: dt.datetime | None = None,
) -> ValidationContext:
    """A validation context with the trust roots and the DSS content; fetching online (OCSP,
    CRL from the certificates' URLs) only when asked and not ``offline``."""
    fetching = evidence.online and not offline
    kwargs: dict[str, Any] = {
        "trust_roots": evidence.roots,
        "allow_fetching": fetching,
        "revocation_mode": revocation_mode or ("hard-fail" if fetching else "soft-fail"),
        "retroactive_revinfo": True,
    }
    if moment is not None:
        kwargs["moment"] = moment
    if evidence.dss is None:
        return ValidationContext(**kwargs)
    return evidence.dss.as_validation_context(kwargs)


def level_reached(
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    evidence: Evidence,
) -> SignatureLevel:
    """The highest PAdES baseline level this (valid) signature reaches, checked offline."""
    timestamp = status.timestamp_validity
    if timestamp is None or not (timestamp.intact and timestamp.valid and timestamp.trusted):
        return SignatureLevel.B_B
    if evidence.dss is None or not _long_term(signature, evidence, timestamp.timestamp):
        return SignatureLevel.B_T
    for archive in reader.embedded_timestamp_signatures:
        if archive.signed_revision <= signature.signed_revision:
            continue
        stamp = validate_pdf_timestamp(archive, context_for(evidence, offline=True), skip_diff=True)
        if stamp.intact and stamp.valid and stamp.trusted:
            return SignatureLevel.B_LTA
    return SignatureLevel.B_LT


def _long_term(signature: EmbeddedPdfSignature, evidence: Evidence, moment: dt.datetime) -> bool:
    """Whether the embedded data alone (no network) prove the chain and its revocation status
    for the signer and the timestamp authority, at the time of the timestamp."""
    context = context_for(evidence, offline=True, revocation_mode="require", moment=moment)
    status = validate_pdf_signature(signature, context, skip_diff=True)
    return bool(status.trusted and status.bottom_line)


def revocation_status(
    status: PdfSignatureStatus, level: SignatureLevel | None, online: bool
) -> str:
    """``revoked``, ``good`` (checked online, or proven by embedded data) or ``unknown``."""
    if status.revocation_details is not None:
        return "revoked"
    if level is not None and level.rank >= SignatureLevel.B_LT.rank:
        return "good"
    if online and status.trusted:
        return "good"
    return "unknown"


def pages_added(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> int:
    """How many pages the document gained after the signed revision."""
    try:
        signed = reader.get_historical_resolver(signature.signed_revision)
        before = int(signed.root["/Pages"]["/Count"])
        return int(reader.root["/Pages"]["/Count"]) - before
    except Exception:  # a damaged page tree: nothing to tell
        return 0
