"""Remembered comparisons of certificate names.

Comparing two X.509 names (RFC 5280 §7.1) runs asn1crypto's LDAP string preparation
(RFC 4518: mapping, NFKC, prohibited characters, stringprep tables) over every attribute
value. asn1crypto keeps the result on the attribute object, but a validation parses the
certificates afresh from each signature, and pyHanko compares the issuer named by a signature
against every certificate it carries, so the same few names (the signers', their CAs', the
trust roots') were parsed and prepared again for every signature of every document. Both the
preparation and the comparison are pure functions of their inputs (a string; the DER
encodings of two RDN sequences): this keeps their results for a bounded number of inputs.
Installed once, by ``signing.validation``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from asn1crypto import x509 as asn1_x509

__all__ = ["install"]

_MAX_ENTRIES = 4096
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Make name comparison remember prepared strings and the verdicts on pairs of encoded
    names (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        prepare: Callable[[Any, str], str] = asn1_x509.NameTypeAndValue._ldap_string_prep

        @functools.lru_cache(maxsize=_MAX_ENTRIES)
        def prepared(string: str) -> str:
            return prepare(None, string)

        def _ldap_string_prep(self: Any, string: str) -> str:
            try:
                return prepared(string)
            except TypeError:  # an unhashable value: prepare it as asn1crypto would
                return prepare(self, string)

        @functools.lru_cache(maxsize=_MAX_ENTRIES)
        def same(first: bytes, second: bytes) -> bool:
            if first == second:
                return True
            # Name equality is the equality of the chosen RDN sequences (asn1crypto)
            return bool(asn1_x509.RDNSequence.load(first) == asn1_x509.RDNSequence.load(second))

        def __eq__(self: Any, other: object) -> bool:
            if not isinstance(other, asn1_x509.Name):
                return False
            # keyed on the RDN sequences: a name inside a GeneralName carries an explicit tag
            return same(self.chosen.dump(), other.chosen.dump())

        asn1_x509.NameTypeAndValue._ldap_string_prep = _ldap_string_prep  # type: ignore[method-assign]
        asn1_x509.Name.__eq__ = __eq__  # type: ignore[method-assign]
        _installed = True
