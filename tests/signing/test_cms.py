"""The CMS assembled from DER pieces (signing/cms.py) is the SignedData pyHanko builds itself:
same signed attributes byte for byte, same certificates, identifiers and algorithms, and a
signature that verifies with the signer's public key. Re-run on every pyHanko upgrade."""

from __future__ import annotations

import asyncio
import hashlib

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from signing import DevPki
from signing.cms import FastCmsSigner, cms_template, fast_signer
from tests.signing.conftest import LEADER, SIGNED_AT


def _signed_data(signer: Signer, digest: bytes) -> cms.SignedData:
    info = asyncio.run(
        signer.async_sign(
            digest,
            "sha256",
            use_pades=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=SIGNED_AT),
        )
    )
    # what a validator sees: the DER read back
    return cms.ContentInfo.load(info.dump())["content"]


def test_the_template_gives_pyhankos_signed_data(pki: DevPki) -> None:
    inner = pki.key(LEADER.key_id).signer()
    digest = hashlib.sha256(b"the document's byte ranges").digest()

    theirs = _signed_data(inner, digest)
    ours = _signed_data(FastCmsSigner(inner), digest)

    for field in ("version", "digest_algorithms", "encap_content_info"):
        assert ours[field].dump() == theirs[field].dump(), field
    assert sorted(c.dump() for c in ours["certificates"]) == sorted(
        c.dump() for c in theirs["certificates"]
    )
    (our_info,) = ours["signer_infos"]
    (their_info,) = theirs["signer_infos"]
    for field in ("version", "sid", "digest_algorithm", "signed_attrs", "signature_algorithm"):
        assert our_info[field].dump() == their_info[field].dump(), field
    assert not our_info["unsigned_attrs"]
    assert our_info["signed_attrs"].native == their_info["signed_attrs"].native

    # the signature is over the signed attributes as a SET (RFC 5652, 5.4)
    signed = our_info["signed_attrs"].untag().dump()
    assert inner.signing_cert is not None
    certificate = x509.load_der_x509_certificate(inner.signing_cert.dump())
    public_key = certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    public_key.verify(our_info["signature"].native, signed, ec.ECDSA(hashes.SHA256()))


def test_the_template_is_built_once_per_key(pki: DevPki) -> None:
    signer = pki.key(LEADER.key_id).signer()
    assert cms_template(signer, "sha256") is cms_template(signer, "sha256")
    wrapped = fast_signer(signer)
    assert fast_signer(wrapped) is wrapped
    assert wrapped.signing_cert is signer.signing_cert


def test_anything_else_is_left_to_pyhanko(pki: DevPki) -> None:
    """A dry run (size estimate) and a non-PAdES signature go through pyHanko's assembly."""
    signer = FastCmsSigner(pki.key(LEADER.key_id).signer())
    digest = hashlib.sha256(b"x").digest()
    dry = asyncio.run(signer.async_sign(digest, "sha256", dry_run=True, use_pades=True))
    assert dry["content"]["signer_infos"][0]["signed_attrs"]
    plain = asyncio.run(
        signer.async_sign(
            digest,
            "sha256",
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=SIGNED_AT),
        )
    )
    types = {a["type"].native for a in plain["content"]["signer_infos"][0]["signed_attrs"]}
    assert "signing_time" in types  # pyHanko's non-PAdES attributes
