"""Remote signing over the CSC API against the development CSC service (started here on a free
loopback port, its key held in SoftHSM2 as a real service holds it in an HSM): the leader's
signature waits for the confirmation on the phone (played by a thread calling the service's
phone endpoints), and a missing or refused confirmation ends with a clear message."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from signing import (
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    SigningError,
    fill_number_and_seal,
    sign_personal,
    validate_pdf,
)
from signing.csc_key import CscKey
from signing.dev_csc import CscCredential, DevCscService
from signing.dev_server import ThreadedApp, free_loopback_socket
from signing.pkcs11_key import Pkcs11Key
from signing.remote_signature import PreparedSignature, finish_personal, prepare_personal
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import DATE_LINE, LEADER, SEALED_AT, SIGNED_AT, UNIT
from tests.signing.pdfsig import assert_pdfsig_valid

TOKEN = "token-of-nguyen-phuc-linh"


@pytest.fixture(scope="module")
def csc_url(keys_on_token: dict[str, Pkcs11Key]) -> Iterator[str]:
    credential = CscCredential(LEADER.key_id, keys_on_token["csc"], TOKEN)
    service = DevCscService([credential], confirmation_wait_seconds=20)
    server = ThreadedApp(service.app(), free_loopback_socket()).start()
    try:
        yield server.base_url
    finally:
        server.stop()


class Phone(threading.Thread):
    """The signer's phone: waits for a confirmation request, then approves or rejects it."""

    def __init__(self, csc_url: str, decision: str, delay_seconds: float = 0.3) -> None:
        super().__init__(daemon=True)
        self.url, self.decision, self.delay = csc_url, decision, delay_seconds
        self.seen: list[dict[str, object]] = []

    def run(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.url}/phone/{LEADER.key_id}/pending") as reply:
                pending = json.loads(reply.read())
            if pending:
                self.seen.extend(pending)
                time.sleep(self.delay)
                request = urllib.request.Request(
                    f"{self.url}/phone/requests/{pending[0]['id']}/{self.decision}", b"{}"
                )
                try:
                    urllib.request.urlopen(request).close()
                except urllib.error.HTTPError as error:  # a request an earlier test left
                    if error.code != 404:
                        raise
                    self.seen.clear()
                    continue
                return
            time.sleep(0.05)


def test_leader_signs_remotely_after_confirming_on_the_phone(
    csc_url: str,
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
) -> None:
    pki = trust_services.pki
    phone = Phone(csc_url, "approve")
    phone.start()

    signed = sign_personal(
        template_pdf,
        CscKey(csc_url, LEADER.key_id, TOKEN, confirmation_timeout_seconds=15),
        personal_appearance,
        SIGNED_AT,
        level=SignatureLevel.B_LT,
        services=pki.trust_services(),
    )
    issued = fill_number_and_seal(
        signed,
        "35",
        DATE_LINE,
        pki.key(UNIT.key_id),
        seal_appearance,
        SEALED_AT,
        level=SignatureLevel.B_LTA,
        services=pki.trust_services(),
    )

    phone.join(5)
    assert len(phone.seen) == 1 and "Ký số văn bản" in str(phone.seen[0]["description"])
    report = validate_pdf(issued, pki.trust_roots())
    assert report.valid, report.summary_en
    leader, seal = report.signatures
    assert leader.signer_name == LEADER.full_name and leader.level == "PAdES-B-LTA"
    assert_pdfsig_valid(issued, pki.root_cert_path, signatures=2)


def test_no_confirmation_ends_with_a_timeout_message(
    csc_url: str, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    key = CscKey(csc_url, LEADER.key_id, TOKEN, confirmation_timeout_seconds=1)
    start = time.monotonic()

    with pytest.raises(SigningError) as error:
        sign_personal(template_pdf, key, personal_appearance, SIGNED_AT)

    assert 0.9 < time.monotonic() - start < 10
    assert str(error.value).startswith("Hết thời gian chờ xác nhận ký trên điện thoại (1 giây)")


def test_a_refusal_on_the_phone_is_told(
    csc_url: str, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    phone = Phone(csc_url, "reject")
    phone.start()

    with pytest.raises(SigningError) as error:
        sign_personal(template_pdf, CscKey(csc_url, LEADER.key_id, TOKEN), personal_appearance)

    phone.join(5)
    assert "đã từ chối yêu cầu ký trên điện thoại" in str(error.value)


def test_a_wrong_access_token_is_refused(
    csc_url: str, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    with pytest.raises(SigningError) as error:
        sign_personal(template_pdf, CscKey(csc_url, LEADER.key_id, "stolen"), personal_appearance)
    assert "không hợp lệ" in str(error.value)
    assert "stolen" not in repr(CscKey(csc_url, LEADER.key_id, "stolen"))


def wait_for_sad(key: CscKey, request_id: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while (sad := key.confirmation(request_id)) is None:
        assert time.monotonic() < deadline, "no confirmation"
        time.sleep(0.1)
    return sad


def test_the_signature_in_two_steps_waits_for_the_phone_in_between(
    csc_url: str,
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
) -> None:
    """What the RemoteSigning workflow does: prepare, ask (answered at once), poll, then put the
    service's signature into the prepared file at B-LT."""
    pki = trust_services.pki
    key = CscKey(csc_url, LEADER.key_id, TOKEN)
    chain = key.certificates()
    level, services = SignatureLevel.B_LT, pki.trust_services()
    prepared = prepare_personal(
        template_pdf, chain, personal_appearance, SIGNED_AT, level=level, services=services
    )
    facts = json.loads(json.dumps(prepared.facts()))  # what lies in the workflow history
    phone = Phone(csc_url, "approve")
    phone.start()

    request_id = key.ask(prepared.digest_to_sign, "Ký số văn bản: Kế hoạch")
    assert key.confirmation(request_id) is None or phone.seen
    sad = wait_for_sad(key, request_id)
    value = key.sign_digest(prepared.digest_to_sign, sad)
    signed = finish_personal(
        template_pdf,
        PreparedSignature.from_facts(prepared.pdf, facts),
        chain,
        value,
        personal_appearance,
        level=level,
        services=services,
    )

    phone.join(5)
    assert phone.seen[0]["description"] == "Ký số văn bản: Kế hoạch"
    report = validate_pdf(signed, pki.trust_roots())
    assert report.valid, report.summary_en
    (leader,) = report.signatures
    assert leader.signer_name == LEADER.full_name and leader.level == "PAdES-B-LT"
    assert_pdfsig_valid(signed, pki.root_cert_path, signatures=1)
    with pytest.raises(SigningError):  # the activation data are good for one signature
        key.sign_digest(prepared.digest_to_sign, sad)


def test_an_asked_signature_refused_on_the_phone_page_is_told(
    csc_url: str, template_pdf: bytes
) -> None:
    key = CscKey(csc_url, LEADER.key_id, TOKEN)
    request_id = key.ask(b"\x01" * 32, "Ký số văn bản: thử từ chối")
    with urllib.request.urlopen(f"{csc_url}/phone") as reply:
        page = reply.read().decode()
    assert "Ký số văn bản: thử từ chối" in page and "Xác nhận ký" in page and "Từ chối" in page
    form = urllib.request.Request(f"{csc_url}/phone/page/{request_id}/reject", b"", method="POST")
    with urllib.request.urlopen(form) as reply:  # redirected back to the page
        assert "Đã từ chối yêu cầu ký" in reply.read().decode()

    with pytest.raises(SigningError) as error:
        key.confirmation(request_id)

    assert "đã từ chối yêu cầu ký trên điện thoại" in str(error.value)
    with pytest.raises(SigningError):  # told once
        key.confirmation(request_id)
