"""The CMS SignedData of a PAdES signature, assembled from DER pieces.

pyHanko builds each signature's CMS with asn1crypto objects: it re-formats the signer's
certificate, chain, identifier and signing-certificate-v2 attribute every time and then
serialises the whole tree (about two thirds of a B-B signature's time). Everything but the
message digest, the signature value and the signature timestamp is the same for every signature
of one key, so ``CmsTemplate`` encodes those pieces once per key (cached) and a signature is a few
byte concatenations around the key operation.

The output is the same SignedData pyHanko would produce for a PAdES signature (version 1, detached
``data``, signed attributes content-type, message-digest and signing-certificate-v2, the chain
and the signer's certificate, at B-T and above the signature timestamp as unsigned attribute);
``FastCmsSigner`` wraps any pyHanko ``Signer`` (PKCS#12 file, PKCS#11 token, CSC service) and
falls back to pyHanko's own assembly for anything else (dry runs, non-PAdES, attribute
certificates, extra attribute providers). tests/signing/test_cms.py compares the two.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, cms, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.general import as_signing_certificate_v2, get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import CertificateStore

__all__ = ["CmsTemplate", "FastCmsSigner", "cms_template", "fast_signer"]

# Object identifiers, DER-encoded with their tag (06 len value).
_OID_DATA = bytes.fromhex("06092a864886f70d010701")
_OID_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
_OID_CONTENT_TYPE = bytes.fromhex("06092a864886f70d010903")
_OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")
_OID_SIGNATURE_TIME_STAMP = bytes.fromhex("060b2a864886f70d010910020e")
_VERSION_1 = bytes.fromhex("020101")


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _set_of(parts: Iterable[bytes]) -> bytes:
    """The content of a DER SET OF: elements sorted by their encoding (X.690, 11.6)."""
    return b"".join(sorted(parts))


def _attribute(oid: bytes, *values: bytes) -> bytes:
    return _seq(oid, _tlv(0x31, _set_of(values)))


@dataclass(frozen=True)
class CmsTemplate:
    """The DER pieces of a signer's SignedData that do not change between signatures."""

    digest_algorithm: str
    """The hash of the document and of the signed attributes, e.g. ``sha256``."""
    signing_certificate: bytes
    """The signer's certificate (DER): hashed by the verifier, never re-encoded here."""
    _head: bytes
    """version, digestAlgorithms, encapContentInfo and certificates of the SignedData."""
    _signer_head: bytes
    """version, sid and digestAlgorithm of the SignerInfo."""
    _signature_algorithm: bytes
    _fixed_attributes: tuple[bytes, ...]
    """content-type and signing-certificate-v2."""

    def signed_attributes(self, document_digest: bytes) -> bytes:
        """The signed attributes as they are signed (a SET OF, tag 0x31)."""
        digest = _attribute(_OID_MESSAGE_DIGEST, _tlv(0x04, document_digest))
        return _tlv(0x31, _set_of((*self._fixed_attributes, digest)))

    def content_info(
        self, signed_attributes: bytes, signature: bytes, timestamp_token: bytes | None = None
    ) -> bytes:
        """The whole ContentInfo (DER) around ``signature`` of ``signed_attributes``; with a
        signature timestamp token (DER ContentInfo) as unsigned attribute from B-T up."""
        unsigned = b""
        if timestamp_token is not None:
            unsigned = _tlv(0xA1, _attribute(_OID_SIGNATURE_TIME_STAMP, timestamp_token))
        signer_info = _seq(
            self._signer_head,
            b"\xa0" + signed_attributes[1:],  # [0] IMPLICIT instead of SET
            self._signature_algorithm,
            _tlv(0x04, signature),
            unsigned,
        )
        signed_data = _seq(self._head, _tlv(0x31, signer_info))
        return _seq(_OID_SIGNED_DATA, _tlv(0xA0, signed_data))

    def digest(self, data: bytes) -> bytes:
        return hashlib.new(self.digest_algorithm, data).digest()


def cms_template(signer: Signer, digest_algorithm: str) -> CmsTemplate:
    """The template of ``signer``'s signatures (built once per certificate, chain and
    mechanism, then cached)."""
    certificate = signer.signing_cert
    if certificate is None:
        raise ValueError("the signer's certificate is not known before signing")
    mechanism = signer.get_signature_mechanism_for_digest(digest_algorithm)
    chain = tuple(_embedded_chain(signer.cert_registry, certificate, signer.embed_roots))
    return _template(certificate.dump(), chain, mechanism.dump(), digest_algorithm)


def _embedded_chain(
    registry: CertificateStore, certificate: x509.Certificate, embed_roots: bool
) -> Iterable[bytes]:
    """As pyHanko's ``Signer._package_signature``: the registry's certificates (self-signed
    ones only when roots are embedded) and the signer's."""
    seen = {certificate.dump()}
    yield certificate.dump()
    for cert in registry:
        if not embed_roots and cert.self_signed != "no":
            continue
        der = cert.dump()
        if der not in seen:
            seen.add(der)
            yield der


@functools.lru_cache(maxsize=512)
def _template(
    certificate_der: bytes, chain: tuple[bytes, ...], mechanism_der: bytes, digest_algorithm: str
) -> CmsTemplate:
    certificate = x509.Certificate.load(certificate_der)
    digest_algorithm_der = algos.DigestAlgorithm({"algorithm": digest_algorithm}).dump()
    head = b"".join(
        (
            _VERSION_1,
            _tlv(0x31, digest_algorithm_der),
            _seq(_OID_DATA),
            _tlv(0xA0, _set_of(chain)),
        )
    )
    sid = cms.IssuerAndSerialNumber(
        {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
    ).dump()
    signing_certificate = cms.CMSAttribute(
        {
            "type": "signing_certificate_v2",
            # pyHanko's own value (RFC 5035), so both paths agree byte for byte
            "values": [as_signing_certificate_v2(certificate)],
        }
    ).dump()
    return CmsTemplate(
        digest_algorithm=digest_algorithm,
        signing_certificate=certificate_der,
        _head=head,
        _signer_head=_VERSION_1 + sid + digest_algorithm_der,
        _signature_algorithm=mechanism_der,
        _fixed_attributes=(_attribute(_OID_CONTENT_TYPE, _OID_DATA), signing_certificate),
    )


class FastCmsSigner(Signer):
    """A pyHanko ``Signer`` that assembles PAdES signatures from a ``CmsTemplate`` and has
    ``inner`` (any pyHanko signer) make the key operation; anything else is pyHanko's."""

    def __init__(self, inner: Signer) -> None:
        super().__init__(prefer_pss=inner.prefer_pss, embed_roots=inner.embed_roots)
        self.inner = inner

    @property
    def signature_mechanism(self) -> algos.SignedDigestAlgorithm | None:
        return self.inner.signature_mechanism

    @property
    def signing_cert(self) -> x509.Certificate | None:
        return self.inner.signing_cert

    @property
    def cert_registry(self) -> CertificateStore:
        return self.inner.cert_registry

    @property
    def attribute_certs(self) -> Iterable[cms.AttributeCertificateV2]:
        return self.inner.attribute_certs

    def get_signature_mechanism_for_digest(
        self, digest_algorithm: str | None
    ) -> algos.SignedDigestAlgorithm:
        return self.inner.get_signature_mechanism_for_digest(digest_algorithm)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        return await self.inner.async_sign_raw(data, digest_algorithm, dry_run)

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: TimeStamper | None = None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        if not self._fast_path_applies(
            dry_run, use_pades, is_pdf_sig, encap_content_info, signed_attr_settings
        ):
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        digest_algorithm = digest_algorithm.lower()
        template = cms_template(self.inner, digest_algorithm)
        signed_attributes = template.signed_attributes(data_digest)
        sign = _local_key(self.inner, digest_algorithm)
        if sign is not None:
            signature = sign(signed_attributes)
        else:
            signature = await self.inner.async_sign_raw(signed_attributes, digest_algorithm)
        token = None
        if timestamper is not None:
            response = await timestamper.async_timestamp(
                template.digest(signature), digest_algorithm
            )
            token = response.dump()
        return cms.ContentInfo.load(template.content_info(signed_attributes, signature, token))

    def _fast_path_applies(
        self,
        dry_run: bool,
        use_pades: bool,
        is_pdf_sig: bool,
        encap_content_info: Any,
        settings: PdfCMSSignedAttributes | None,
    ) -> bool:
        return (
            not dry_run
            and use_pades
            and is_pdf_sig
            and encap_content_info is None
            and (
                settings is None
                or (settings.cades_signed_attrs is None and settings.adobe_revinfo_attr is None)
            )
            and self.signed_attr_prov_spec is None
            and self.unsigned_attr_prov_spec is None
            and self.inner.signed_attr_prov_spec is None
            and self.inner.unsigned_attr_prov_spec is None
            and not list(self.inner.attribute_certs)
            and self.inner.signing_cert is not None
        )


def _local_key(signer: Signer, digest_algorithm: str) -> Callable[[bytes], bytes] | None:
    """For a key held in memory (pyHanko's ``SimpleSigner``, ECDSA or RSA PKCS#1 v1.5), its
    signing function with the key loaded once; pyHanko loads the private key from DER at every
    signature (milliseconds for RSA). None for any other signer or mechanism."""
    if type(signer) is not SimpleSigner:
        return None
    mechanism = signer.get_signature_mechanism_for_digest(digest_algorithm)
    name = mechanism["algorithm"].native
    if name.endswith("_ecdsa") or name == "ecdsa":
        kind = "ecdsa"
    elif name.endswith("_rsa") or name == "rsassa_pkcs1v15":
        kind = "rsa"
    else:
        return None
    return _loaded_key(signer.signing_key.dump(), kind, digest_algorithm)


@functools.lru_cache(maxsize=256)
def _loaded_key(key_der: bytes, kind: str, digest_algorithm: str) -> Callable[[bytes], bytes]:
    key = serialization.load_der_private_key(key_der, password=None)
    algorithm = get_pyca_cryptography_hash(digest_algorithm)
    if kind == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
        ecdsa = ec.ECDSA(algorithm)
        return lambda data: key.sign(data, ecdsa)
    if kind == "rsa" and isinstance(key, rsa.RSAPrivateKey):
        pkcs1 = padding.PKCS1v15()
        return lambda data: key.sign(data, pkcs1, algorithm)
    raise ValueError(f"the key does not match its mechanism {kind}")


def fast_signer(inner: Signer) -> Signer:
    """``inner`` behind the DER-template CMS assembly."""
    return inner if isinstance(inner, FastCmsSigner) else FastCmsSigner(inner)
