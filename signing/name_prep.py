"""Remembered string preparation for certificate name comparison.

Comparing two X.509 names (RFC 5280 §7.1) runs asn1crypto's LDAP string preparation
(RFC 4518: mapping, NFKC, prohibited characters, stringprep tables) over every attribute
value. asn1crypto keeps the result on the attribute object, but a validation parses the
certificates afresh from each signature, so the same few names (the signers', their CAs',
the trust roots') were prepared again for every signature of every document. The preparation
is a pure function of the string: this keeps its results for a bounded set of strings, and two
names with the same DER encoding are equal without preparing them at all.
Installed once, by ``signing.validation``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from asn1crypto import x509 as asn1_x509

__all__ = ["install"]

_MAX_NAMES = 4096
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Make name comparison remember prepared strings and skip identical encodings
    (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        original: Callable[[Any, str], str] = asn1_x509.NameTypeAndValue._ldap_string_prep

        @functools.lru_cache(maxsize=_MAX_NAMES)
        def prepared(string: str) -> str:
            return original(None, string)

        def _ldap_string_prep(self: Any, string: str) -> str:
            try:
                return prepared(string)
            except TypeError:  # an unhashable value: prepare it as asn1crypto would
                return original(self, string)

        asn1_x509.NameTypeAndValue._ldap_string_prep = _ldap_string_prep  # type: ignore[method-assign]

        compare: Callable[[Any, object], bool] = asn1_x509.Name.__eq__

        def __eq__(self: Any, other: object) -> bool:
            # the same encoding is the same name; anything else is compared per RFC 5280
            if isinstance(other, asn1_x509.Name) and self.dump() == other.dump():
                return True
            return compare(self, other)

        asn1_x509.Name.__eq__ = __eq__  # type: ignore[method-assign]
        _installed = True
