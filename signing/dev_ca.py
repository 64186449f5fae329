"""Certificates of the development PKI, built with ``cryptography``: CAs, personal and unit
certificates, the timestamp authority's certificate, with the revocation URLs (OCSP, CRL) that
point to the local trust services when they are configured."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

__all__ = [
    "Authority",
    "ServiceUrls",
    "build_authority",
    "build_leaf",
    "fit_common_name",
    "subject_name",
]

_CN_MAX_BYTES = 64


@dataclass(frozen=True)
class Authority:
    """A certification authority: its certificate and its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class ServiceUrls:
    """Where the local trust services answer (dịch vụ chứng thực thử nghiệm)."""

    base_url: str
    """e.g. ``http://127.0.0.1:8790``, without a trailing slash."""

    @property
    def ocsp(self) -> str:
        return f"{self.base_url}/ocsp"

    @property
    def tsa(self) -> str:
        return f"{self.base_url}/tsa"

    def crl(self, issuer_id: str) -> str:
        """The CRL of one CA (``root-ca`` or ``issuing-ca``)."""
        return f"{self.base_url}/crl/{issuer_id}.crl"


def subject_name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, fit_common_name(common_name)))
    return x509.Name(attributes)


def fit_common_name(name: str) -> str:
    """Cut a name to 64 UTF-8 bytes (cryptography's reading of ub-common-name), on a word
    boundary where possible; the full unit name stays in O."""
    if len(name.encode("utf-8")) <= _CN_MAX_BYTES:
        return name
    cut = name.encode("utf-8")[:_CN_MAX_BYTES].decode("utf-8", errors="ignore")
    head, _, _ = cut.rpartition(" ")
    return head or cut


def build_authority(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    parent: Authority | None,
    validity: dt.timedelta,
    urls: ServiceUrls | None,
) -> x509.Certificate:
    """A root CA (``parent`` None) or an issuing CA; an issuing CA names the root's CRL."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent.cert.subject if parent else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if parent else 1), True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if parent is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), False
        )
        if urls is not None:
            builder = builder.add_extension(_crl_points(urls.crl("root-ca")), critical=False)
    return builder.sign(parent.key if parent else key, hashes.SHA256())


def build_leaf(
    issuing: Authority,
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    email: str | None = None,
    urls: ServiceUrls | None = None,
    timestamping: bool = False,
) -> x509.Certificate:
    """A signing certificate (personal or unit), or the TSA's when ``timestamping``."""
    eku = (
        [ExtendedKeyUsageOID.TIME_STAMPING]
        if timestamping
        else [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuing.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=timestamping)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()), False
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    if urls is not None:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(urls.ocsp)
        )
        builder = builder.add_extension(
            x509.AuthorityInformationAccess([access]), critical=False
        ).add_extension(_crl_points(urls.crl("issuing-ca")), critical=False)
    return builder.sign(issuing.key, hashes.SHA256())


def _crl_points(url: str) -> x509.CRLDistributionPoints:
    point = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(url)],
        relative_name=None,
        reasons=None,
        crl_issuer=None,
    )
    return x509.CRLDistributionPoints([point])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
