"""``signing.certificate_cache`` shares parsed certificates by their exact encoding only, and
sharing them changes no verdict (the same signer certificate checked against its own root,
then against another root, then its own again)."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding

from signing import DevPki, ensure_dev_pki, validate_pdf
from signing.certificate_cache import certificate, shared
from tests.signing.conftest import LEADER, UNIT


def test_the_same_bytes_give_the_same_object_and_other_bytes_another(pki: DevPki) -> None:
    first, second = (root.public_bytes(Encoding.DER) for root in pki.trust_roots()[:1] * 2)
    assert certificate(first) is certificate(second)
    signer_cert = pki.key(LEADER.key_id).signer().signing_cert
    assert signer_cert is not None
    other = signer_cert.dump()
    assert certificate(other) is not certificate(first)
    assert certificate(other).dump() == other


def test_an_indefinite_length_encoding_is_not_shared(pki: DevPki) -> None:
    der = pki.trust_roots()[0].public_bytes(Encoding.DER)
    parsed = asn1_x509.Certificate.load(der)
    inner = parsed.contents
    ber = b"\x30\x80" + inner + b"\x00\x00"
    loaded = asn1_x509.Certificate.load(ber)
    assert shared(loaded) is loaded


def test_verdicts_do_not_follow_shared_certificates(
    issued_pdf: bytes, pki: DevPki, tmp_path: Path
) -> None:
    other_roots = ensure_dev_pki(tmp_path / "other", [LEADER], [UNIT]).trust_roots()
    for roots, valid in (
        (pki.trust_roots(), True),
        (other_roots, False),
        (pki.trust_roots(), True),
    ):
        report = validate_pdf(issued_pdf, roots)
        assert report.valid is valid
        assert all(signature.trusted is valid for signature in report.signatures)
