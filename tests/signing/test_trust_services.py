"""The development trust services answer over HTTP like real ones: OCSP (good, then revoked
after ``DevPki.revoke``), CRLs for both CAs, and RFC 3161 timestamps."""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.request
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from signing.pki import ensure_dev_pki
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import LEADER, UNIT


def _post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(url, body, {"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        return bytes(response.read())


def _ocsp_status(services: TrustServices, cert: x509.Certificate) -> ocsp.OCSPResponse:
    issuer = services.pki.authority("issuing-ca").cert
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    (url,) = [
        d.access_location.value
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.OCSP
    ]
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
    der = _post(url, request.public_bytes(serialization.Encoding.DER), "application/ocsp-request")
    return ocsp.load_der_ocsp_response(der)


def test_certificates_name_the_running_services(trust_services: TrustServices) -> None:
    cert = trust_services.pki.certificate(LEADER.key_id)

    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    crl_url = points[0].full_name[0].value  # type: ignore[index]
    assert crl_url == f"{trust_services.base_url}/crl/issuing-ca.crl"
    crl = x509.load_der_x509_crl(urllib.request.urlopen(crl_url, timeout=10).read())
    assert crl.is_signature_valid(trust_services.pki.authority("issuing-ca").key.public_key())

    response = _ocsp_status(trust_services, cert)
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_revoked_certificate_is_revoked_in_ocsp_and_crl(trust_services: TrustServices) -> None:
    pki = trust_services.pki
    victim = pki.issue(
        "revoked-for-test",
        "Người bị thu hồi",
        UNIT.unit_name,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )
    cert = pki.certificate("revoked-for-test")

    pki.revoke("revoked-for-test")

    response = _ocsp_status(trust_services, cert)
    assert response.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert response.revocation_reason == x509.ReasonFlags.key_compromise
    crl_der = urllib.request.urlopen(f"{trust_services.base_url}/crl/issuing-ca.crl").read()
    crl = x509.load_der_x509_crl(crl_der)
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert victim.p12_path.exists()


def test_timestamp_authority_grants_a_token_over_the_imprint(
    trust_services: TrustServices,
) -> None:
    digest = hashlib.sha256(b"van ban").digest()
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": 30,
            "cert_req": True,
        }
    )

    der = _post(f"{trust_services.base_url}/tsa", request.dump(), "application/timestamp-query")

    response = tsp.TimeStampResp.load(der)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == 30
    moment = info["gen_time"].native
    assert abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_a_new_service_url_recertifies_the_same_keys(tmp_path: Path) -> None:
    first = ensure_dev_pki(tmp_path, [LEADER], [], services_url="http://127.0.0.1:1111")
    old = first.certificate(LEADER.key_id)

    second = ensure_dev_pki(tmp_path, [LEADER], [], services_url="http://127.0.0.1:2222")

    new = second.certificate(LEADER.key_id)
    assert old.public_key() == new.public_key() and old.subject == new.subject
    assert "2222" in str(new.extensions.get_extension_for_class(x509.CRLDistributionPoints))
    assert second.services_url == "http://127.0.0.1:2222"
    assert ensure_dev_pki(tmp_path, [LEADER], []).services_url == second.services_url
