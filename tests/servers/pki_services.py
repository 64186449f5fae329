"""The development PKI's trust services (OCSP responder, CRLs, RFC 3161 TSA) for the tests.

`running_trust_services()` binds a free loopback port first, creates the PKI in the given
directory with certificates naming that port, then serves ``signing.dev_server`` on it from a
background thread and stops it afterwards (tests/signing/conftest.py has the session fixture).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from signing.dev_server import DevTrustServer, free_loopback_socket
from signing.pki import DevPki, PersonIdentity, UnitIdentity, ensure_dev_pki

__all__ = ["TrustServices", "running_trust_services"]


@dataclass(frozen=True)
class TrustServices:
    """A development PKI whose OCSP, CRL and TSA services are up at ``base_url``."""

    pki: DevPki
    base_url: str


@contextmanager
def running_trust_services(
    directory: Path, people: Sequence[PersonIdentity], units: Sequence[UnitIdentity]
) -> Iterator[TrustServices]:
    sock = free_loopback_socket()
    host, port = sock.getsockname()[:2]
    base_url = f"http://{host}:{port}"
    pki = ensure_dev_pki(directory, people, units, services_url=base_url)
    server = DevTrustServer(pki, sock).start()
    try:
        yield TrustServices(pki, base_url)
    finally:
        server.stop()
