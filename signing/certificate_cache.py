"""One parsed certificate object per certificate encoding.

Every validation parsed afresh the certificates each signature carries and the trust roots it
was given, then worked out their names, extensions and key usage again (asn1crypto keeps those
on the parsed object, so they were recomputed for every signature of every document): about a
sixth of a validation's time. This hands pyHanko, for each certificate it takes from a CMS
signature (``extract_certificate_info``) and for each trust root, the object already parsed from
exactly the same bytes, kept for a bounded number of certificates. A certificate is an
immutable value: the same bytes are the same certificate, whatever document carries them;
nothing about its validity is kept here (path validation, revocation and trust are decided
afresh by each validation). The objects are kept per thread (``signing.per_thread``):
asn1crypto finishes parsing an object lazily, in steps another thread could see half done.
Installed once, by ``signing.validation``."""

from __future__ import annotations

import threading
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import general
from pyhanko.sign.validation import ades, dss, generic_cms

from signing.per_thread import PerThreadMap

__all__ = ["certificate", "clear", "install", "shared"]

_MAX_ENTRIES = 512
_lock = threading.Lock()
# per thread: asn1crypto's lazy parsing is not safe on an object shared between threads
_parsed: PerThreadMap[bytes, asn1_x509.Certificate] = PerThreadMap(_MAX_ENTRIES)
_original = general.extract_certificate_info
_installed = False


def clear() -> None:
    """Forget every thread's certificates."""
    _parsed.clear()


def shared(cert: asn1_x509.Certificate) -> asn1_x509.Certificate:
    """The object this thread already parsed from the same encoding as ``cert`` (``cert``
    itself the first time, or when its outer length is indefinite: BER, which asn1crypto
    re-encodes)."""
    header = cert._header
    if header is not None and header[-1:] == b"\x80":
        return cert
    encoded = cert.dump()  # an untagged copy (no header yet) gets its DER header here
    known = _parsed.get(encoded)
    if known is not None:
        return known
    _parsed.put(encoded, cert)
    return cert


def certificate(encoded: bytes) -> asn1_x509.Certificate:
    """The parsed certificate with this DER encoding."""
    return shared(asn1_x509.Certificate.load(encoded))


def extract_certificate_info(signed_data: Any) -> general.SignedDataCerts:
    """pyHanko's ``extract_certificate_info``, with shared certificate objects."""
    certs = []
    attr_certs = []
    for choice in signed_data["certificates"]:
        cert = choice.chosen.untag()
        if choice.name == "certificate":
            certs.append(shared(cert))
        elif choice.name == "v2_attr_cert":
            attr_certs.append(cert)
    signer_info = general.extract_signer_info(signed_data)
    signer_cert, other_certs = general._partition_certs(certs, signer_info)
    return general.SignedDataCerts(
        signer_cert=signer_cert, other_certs=other_certs, attribute_certs=attr_certs
    )


def install() -> None:
    """Make pyHanko take certificates from CMS values through ``shared`` (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        for module in (general, generic_cms, ades, dss):
            module.extract_certificate_info = extract_certificate_info  # type: ignore[attr-defined]
        _installed = True
