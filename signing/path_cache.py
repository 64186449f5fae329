"""Certificate path validation results kept for a minute, per exact input.

Validating a document's signatures builds and validates the same few certificate paths (the
same signers, CAs and trust roots) for every document: 7–20 ms of each validation. This keeps a
*successful* result of pyHanko's ``find_valid_path`` for 60 seconds under a key made of
everything the result depends on: the certificate, every certificate available for path
building, the trust roots, the revocation data (the document's own CRLs and OCSP responses),
the revocation policy, the validation parameters and the validation time, taken to the minute
(a result is not kept when a certificate of the path starts or stops being valid within that
minute). Failures (untrusted, expired, revoked, broken signatures) are never kept, and a
context that may fetch revocation data online is never served from here: revocation is checked
for every document wherever it is checked at all. A hit replays on the validation context what
the validation recorded there (validated certificates, soft-failed revocation checks). Results
are kept per thread (``signing.per_thread``): a path's certificates are asn1crypto objects.
Installed once, by ``signing.validation``."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing.per_thread import PerThreadMap

__all__ = ["clear", "install"]

TTL_SECONDS = 60.0
_MAX_ENTRIES = 512
_WINDOW = dt.timedelta(seconds=TTL_SECONDS)


@dataclass(frozen=True)
class _Entry:
    path: Any
    validated: dict[bytes, Any]
    soft_failures: list[Exception]
    expires: float


# per thread: a path holds asn1crypto certificates, whose lazy parsing is not thread-safe
_entries: PerThreadMap[bytes, _Entry] = PerThreadMap(_MAX_ENTRIES)
_lock = threading.Lock()
_original = generic_cms.find_valid_path
_installed = False


def clear() -> None:
    """Forget every thread's paths."""
    _entries.clear()


def _window(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    start = moment.timestamp() // TTL_SECONDS * TTL_SECONDS
    return str(start)


def _describe(value: Any) -> str | None:
    """A description of a settings object that does not depend on its address, or None."""
    text = repr(value)
    if " at 0x" not in text:
        return text
    fields = getattr(value, "__dict__", None)
    if fields is None:
        return None
    described = []
    for name, field in sorted(fields.items()):
        part_text = _describe(field)
        if part_text is None:
            return None
        described.append(f"{name}={part_text}")
    return f"{type(value).__module__}.{type(value).__qualname__}({', '.join(described)})"


def _key(certificate: Any, context: Any, params: Any) -> bytes | None:
    """The cache key, or None when this validation must not be served from the cache."""
    trust = context.path_builder.trust_manager
    if context.fetching_allowed or type(trust) is not SimpleTrustManager:
        return None
    digest = hashlib.sha256()

    def part(label: bytes, items: list[bytes]) -> None:
        digest.update(label + len(items).to_bytes(4, "big"))
        for item in sorted(items):
            digest.update(len(item).to_bytes(4, "big") + item)

    part(b"cert", [certificate.dump()])
    part(b"roots", [root.dump() for root in trust.iter_certs()])
    part(b"pool", [cert.dump() for cert in context.certificate_registry])
    part(b"crls", [crl.dump() for crl in context.crls])
    part(b"ocsps", [response.dump() for response in context.ocsps])
    timing = context.timing_params
    described = [_describe(setting) for setting in (context.revinfo_policy, params)]
    described.append(_describe(context.algorithm_policy))
    if any(item is None for item in described):
        return None
    settings = [
        *(item for item in described if item is not None),
        repr(timing.time_tolerance),
        repr(timing.timing_info.point_in_time_validation),
        _window(timing.validation_time),
        _window(timing.best_signature_time),
    ]
    part(b"settings", [setting.encode() for setting in settings])
    return digest.digest()


def _valid_whole_window(path: Any, context: Any) -> bool:
    """Every certificate of the path is valid for the whole minute of the validation time."""
    moment: dt.datetime = context.timing_params.validation_time
    start = dt.datetime.fromtimestamp(moment.timestamp() // TTL_SECONDS * TTL_SECONDS, dt.UTC)
    end = start + _WINDOW
    for cert in path.iter_certs(include_root=True):
        validity = cert["tbs_certificate"]["validity"]
        if validity["not_before"].native > start or validity["not_after"].native < end:
            return False
    return True


async def find_valid_path(
    certificate: Any, paths: Any, validation_context: Any, pkix_validation_params: Any = None
) -> Any:
    """pyHanko's ``find_valid_path``, answered from the cache when the same inputs were
    validated successfully within the last minute."""
    key = _key(certificate, validation_context, pkix_validation_params)
    now = time.monotonic()
    if key is not None:
        entry = _entries.get(key)
        if entry is not None and entry.expires <= now:
            _entries.pop(key)
            entry = None
        if entry is not None:
            await paths.cancel()
            validation_context._validate_map.update(entry.validated)
            validation_context._soft_fail_exceptions.extend(entry.soft_failures)
            return entry.path
    before = dict(validation_context._validate_map)
    failures_before = len(validation_context._soft_fail_exceptions)
    path = await _original(
        certificate,
        paths,
        validation_context=validation_context,
        pkix_validation_params=pkix_validation_params,
    )
    if key is not None and _valid_whole_window(path, validation_context):
        validated = {
            signature: recorded
            for signature, recorded in validation_context._validate_map.items()
            if before.get(signature) is not recorded
        }
        failures = list(validation_context._soft_fail_exceptions[failures_before:])
        _entries.put(key, _Entry(path, validated, failures, now + TTL_SECONDS))
    return path


def install() -> None:
    """Make pyHanko's signer certificate checks use ``find_valid_path`` (idempotent)."""
    global _installed
    with _lock:
        if not _installed:
            generic_cms.find_valid_path = find_valid_path  # type: ignore[assignment]
            _installed = True
