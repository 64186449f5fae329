"""The development PKI's trust services as plain functions, bytes in and bytes out: an OCSP
responder (RFC 6960), CRLs (RFC 5280) and an RFC 3161 timestamp authority. The HTTP server in
``signing.dev_server`` puts them on the wire; revocations are read from the PKI on every
request, so ``DevPki.revoke`` takes effect at once."""

from __future__ import annotations

import datetime as dt
import secrets

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.signers import SimpleSigner

from signing.dev_ca import Authority
from signing.pki import TSA_KEY_ID, DevPki

__all__ = ["TimestampAuthority", "certificate_revocation_list", "ocsp_response"]

_NEXT_UPDATE = dt.timedelta(hours=12)
_CLOCK_SKEW = dt.timedelta(minutes=5)  # thisUpdate a little in the past, as responders do
_TSA_POLICY = "1.3.6.1.4.1.99999.30.1"  # a development policy identifier, never production


def ocsp_response(pki: DevPki, request_der: bytes) -> bytes:
    """Answer one OCSP request: good, revoked or unknown, signed by the issuing CA itself."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    issuer = _issuer_of(pki, request)
    if issuer is None:
        return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - _CLOCK_SKEW
    revoked = pki.revocations().get(request.serial_number)
    cert = pki.issued(request.serial_number)
    if cert is not None and cert.issuer != issuer.cert.subject:
        cert = None
    builder = ocsp.OCSPResponseBuilder()
    if cert is None:
        builder = builder.add_response_by_hash(
            request.issuer_name_hash,
            request.issuer_key_hash,
            request.serial_number,
            request.hash_algorithm,
            ocsp.OCSPCertStatus.UNKNOWN,
            now,
            now + _NEXT_UPDATE,
            None,
            None,
        )
    else:
        builder = builder.add_response(
            cert,
            issuer.cert,
            request.hash_algorithm,
            ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            now,
            now + _NEXT_UPDATE,
            revoked.revoked_at if revoked else None,
            revoked.reason if revoked else None,
        )
    try:
        nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
    except x509.ExtensionNotFound:
        pass
    else:
        builder = builder.add_extension(nonce, critical=False)
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.cert)
    response = builder.sign(issuer.key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def certificate_revocation_list(pki: DevPki, issuer_id: str) -> bytes:
    """The current CRL of ``root-ca`` or ``issuing-ca`` (DER)."""
    if issuer_id not in {"root-ca", "issuing-ca"}:
        raise KeyError(issuer_id)
    issuer = pki.authority(issuer_id)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(now)
        .next_update(now + _NEXT_UPDATE)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    )
    for serial, revocation in pki.revocations().items():
        cert = pki.issued(serial)
        if cert is None or cert.issuer != issuer.cert.subject:
            continue
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revocation.revoked_at)
            .add_extension(x509.CRLReason(revocation.reason), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class TimestampAuthority:
    """An RFC 3161 TSA signing with the PKI's ``tsa`` key (dịch vụ cấp dấu thời gian)."""

    def __init__(self, pki: DevPki) -> None:
        material = pki.key(TSA_KEY_ID)
        self._signer = SimpleSigner.load_pkcs12_data(
            material.p12_path.read_bytes(), other_certs=[], passphrase=material.passphrase
        )

    async def respond(self, request_der: bytes) -> bytes:
        """A TimeStampResp for a DER TimeStampReq: granted, or rejected when malformed."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            imprint = request["message_imprint"]
            imprint["hash_algorithm"]["algorithm"].native  # noqa: B018 - parse it now
        except (ValueError, TypeError, KeyError):
            return _rejected("bad_request")
        signer_cert = self._signer.signing_cert
        tst_info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": _TSA_POLICY,
                "message_imprint": imprint,
                "serial_number": secrets.randbits(63),
                "gen_time": core.GeneralizedTime(dt.datetime.now(dt.UTC)),
                "accuracy": {"seconds": 1},
                "nonce": request["nonce"].native,
                "tsa": asn1_x509.GeneralName(name="directory_name", value=signer_cert.subject),
            }
        )
        content = cms.EncapsulatedContentInfo(
            {"content_type": "tst_info", "content": cms.ParsableOctetString(tst_info.dump())}
        )
        token = await self._signer.async_sign_general_data(content, "sha256", detached=False)
        status = tsp.PKIStatusInfo({"status": "granted"})
        return tsp.TimeStampResp({"status": status, "time_stamp_token": token}).dump()


def _issuer_of(pki: DevPki, request: ocsp.OCSPRequest) -> Authority | None:
    for issuer_id in ("issuing-ca", "root-ca"):
        issuer = pki.authority(issuer_id)
        key_der = issuer.cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        public_key = asn1_x509.PublicKeyInfo.load(key_der)["public_key"].native
        digest = hashes.Hash(request.hash_algorithm)
        digest.update(public_key)
        if digest.finalize() == request.issuer_key_hash:
            return issuer
    return None


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )


def _rejected(failure: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "fail_info": tsp.PKIFailureInfo({failure})})
    return tsp.TimeStampResp({"status": status}).dump()
