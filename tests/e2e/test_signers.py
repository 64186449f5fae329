"""The leader's choice of signer on the real processes: the key file (PKCS#12), a PKCS#11 token
(SoftHSM2) and remote signing over the CSC API against the development CSC service run as a
process, its key held in SoftHSM2 too. Each certificate is a different one of the stack's PKI,
so the fingerprint recorded with the signature tells which key signed. A remote signature waits
for the confirmation on the phone (played here by calling the service's phone endpoints) and
ends with a clear message when none comes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import DevPki, ensure_dev_pki, validate_pdf
from tests.e2e.flow import draft_plan
from tests.e2e.remote import recorded_fingerprint, wait_for_state
from tests.servers.softhsm import SoftHsmToken, softhsm_token
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack, make_stack, wait_until_listening
from workflow.services import person_key_id

LEADER = "bentre.lanhdao"
KEY_IDS = {
    "file": person_key_id(LEADER),
    "token": f"token-{LEADER}",
    "remote": f"csc-{LEADER}",
}
CSC_CREDENTIAL = "linh-csc"
CONFIRMATION_TIMEOUT_SECONDS = 6


def import_into_token(token: SoftHsmToken, token_label: str, pki: DevPki, key_id: str) -> None:
    """Puts a PKCS#12 key of the PKI on a token, in a separate process (the library reads its
    configuration once per process)."""
    code = (
        "import sys; from signing.pkcs11_key import import_p12_into_token; "
        "from signing import ensure_dev_pki; from pathlib import Path; "
        "pki = ensure_dev_pki(Path(sys.argv[1]), [], [], services_url=sys.argv[5]); "
        "import_p12_into_token(pki.key(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[6], "
        "sys.argv[2])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(pki.directory), key_id, token.module_path, token_label]
        + [pki.services_url or "", token.user_pin],
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )


def provision(stack: Stack, token: SoftHsmToken, secrets_dir: Path) -> None:
    """After the demo data: two more certificates of the leader (token and remote service), put
    on their tokens; the signer configuration; the CSC service started."""
    csc_port = stack.pick_port("csc")
    pki = ensure_dev_pki(stack.pki_dir, [], [], services_url=stack.env["EOFFICE_PKI_SERVICES_URL"])
    file_cert = pki.certificate(KEY_IDS["file"])
    name = file_cert.subject.rfc4514_string()
    common_name = name.split("CN=", 1)[1].split(",", 1)[0]
    now = dt.datetime.now(dt.UTC)
    for kind in ("token", "remote"):
        pki.issue(
            KEY_IDS[kind],
            common_name,
            "Liên đoàn Lao động tỉnh Bến Tre",
            not_before=now - dt.timedelta(days=1),
            not_after=now + dt.timedelta(days=365),
            email="lanhdao@bentre.congdoan.vn",
        )
    import_into_token(token, token.label, pki, KEY_IDS["token"])
    import_into_token(token, "csc-hsm", pki, KEY_IDS["remote"])
    (secrets_dir / "pin").write_text(token.user_pin)
    (secrets_dir / "csc-access-token").write_text("token-of-the-leader")
    (secrets_dir / "signers.json").write_text(
        json.dumps(
            {
                "pkcs11_module": token.module_path,
                "csc_service_url": f"http://127.0.0.1:{csc_port}",
                "csc_confirmation_timeout_seconds": CONFIRMATION_TIMEOUT_SECONDS,
                "people": {
                    LEADER: {
                        "token": {
                            "token_label": token.label,
                            "key_label": KEY_IDS["token"],
                            "pin_file": "pin",
                        },
                        "remote": {
                            "credential_id": CSC_CREDENTIAL,
                            "access_token_file": "csc-access-token",
                        },
                    }
                },
            }
        )
    )
    (secrets_dir / "csc.json").write_text(
        json.dumps(
            {
                "confirmation_wait_seconds": 60,
                "pkcs11_module": token.module_path,
                "credentials": [
                    {
                        "credential_id": CSC_CREDENTIAL,
                        "access_token_file": "csc-access-token",
                        "token": {
                            "token_label": "csc-hsm",
                            "key_label": KEY_IDS["remote"],
                            "pin_file": "pin",
                        },
                    }
                ],
            }
        )
    )
    log = (stack.data_dir / "logs" / "csc.log").open("ab")
    command = [sys.executable, "-m", "signing.dev_csc_server", "--config"]
    stack.processes["csc"] = subprocess.Popen(
        [*command, str(secrets_dir / "csc.json"), "--port", str(csc_port)],
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_listening(csc_port, stack.processes["csc"], 30)


@pytest.fixture(scope="module")
def signer_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with softhsm_token(tmp_path_factory.mktemp("softhsm"), label="leader-usb") as token:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", "csc-hsm"]
            + ["--pin", token.user_pin, "--so-pin", token.so_pin],
            check=True,
            capture_output=True,
            timeout=60,
        )
        secrets_dir = tmp_path_factory.mktemp("signer-secrets")
        (secrets_dir / "signers.json").write_text("{}")  # the demo loads before provision
        stack = make_stack(
            tmp_path_factory.mktemp("stack"), signers_file=str(secrets_dir / "signers.json")
        )
        try:
            stack.start(lambda s: provision(s, token, secrets_dir))
            yield stack
        except BaseException:
            print(stack.logs())
            raise
        finally:
            stack.stop()


@pytest.fixture(scope="module")
def csc_url(signer_stack: Stack) -> str:
    config = json.loads(Path(signer_stack.env["EOFFICE_SIGNERS_FILE"]).read_text())
    return str(config["csc_service_url"])


@pytest.fixture(scope="module")
def pki(signer_stack: Stack) -> DevPki:
    url = signer_stack.env["EOFFICE_PKI_SERVICES_URL"]
    return ensure_dev_pki(signer_stack.pki_dir, [], [], services_url=url)


def submitted_plan(stack: Stack) -> str:
    drafter = stack.client("bentre.chuyenvien")
    response = draft_plan(drafter)
    assert response.status_code == 201, response.text
    document_id: str = response.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    return document_id


class Phone(threading.Thread):
    """The leader's phone: waits for the service's confirmation request, then approves it."""

    def __init__(self, csc_url: str, delay_seconds: float) -> None:
        super().__init__(daemon=True)
        self.csc_url, self.delay = csc_url, delay_seconds
        self.approved = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pending = httpx.get(f"{self.csc_url}/phone/{CSC_CREDENTIAL}/pending").json()
            if pending:
                time.sleep(self.delay)
                httpx.post(f"{self.csc_url}/phone/requests/{pending[0]['id']}/approve")
                self.approved.set()
                return
            time.sleep(0.1)


def assert_signed_with(
    stack: Stack, pki: DevPki, client: httpx.Client, document_id: str, key_id: str
) -> None:
    pdf = client.get(f"/api/v1/documents/{document_id}/file").content
    report = validate_pdf(pdf, pki.trust_roots())
    assert report.valid, report.summary_en
    assert_pdfsig_valid(pdf, pki.root_cert_path, signatures=1)
    expected = hashlib.sha256(pki.certificate(key_id).public_bytes(Encoding.DER)).hexdigest()
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert hashlib.sha256(embedded.signer_cert.dump()).hexdigest() == expected
    assert recorded_fingerprint(client, document_id) == expected


def test_the_leader_is_offered_the_three_signers(signer_stack: Stack) -> None:
    offered = signer_stack.client(LEADER).get("/api/v1/me/signers").json()
    assert [s["signer"] for s in offered] == ["file", "token", "remote"]
    assert [s["label"] for s in offered] == [
        "Tệp khóa (PKCS#12)",
        "Thiết bị ký (PKCS#11)",
        "Ký từ xa (CSC)",
    ]
    others = signer_stack.client("thanhhoa.lanhdao").get("/api/v1/me/signers").json()
    assert [s["signer"] for s in others] == ["file"]

    document_id = submitted_plan(signer_stack)
    page = signer_stack.client(LEADER).get(f"/documents/{document_id}").text
    assert page.count('type="radio" name="signer"') == 3 and "Ký từ xa (CSC)" in page


@pytest.mark.parametrize("signer", ["file", "token"])
def test_signs_with_the_key_file_or_the_token(
    signer_stack: Stack, pki: DevPki, signer: str
) -> None:
    document_id = submitted_plan(signer_stack)
    leader = signer_stack.client(LEADER)

    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": signer})

    assert reply.status_code == 200, reply.text
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "signed"
    assert_signed_with(signer_stack, pki, leader, document_id, KEY_IDS[signer])


def test_remote_signing_waits_for_the_phone_then_signs(
    signer_stack: Stack, pki: DevPki, csc_url: str
) -> None:
    document_id = submitted_plan(signer_stack)
    leader = signer_stack.client(LEADER)
    phone = Phone(csc_url, delay_seconds=2.0)
    phone.start()

    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})

    assert reply.status_code == 202, reply.text
    status_url = reply.json()["status_url"]
    assert leader.get(status_url).json()["state"] == "waiting"
    page = leader.get(f"/documents/{document_id}/signing").text
    assert "Đang chờ xác nhận trên điện thoại… / Waiting for confirmation on your phone" in page
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "submitted"
    assert not phone.approved.is_set()

    done = wait_for_state(leader, status_url, "signed", 30)

    assert done["state"] == "signed", done
    assert phone.approved.is_set()
    assert_signed_with(signer_stack, pki, leader, document_id, KEY_IDS["remote"])


def test_remote_signing_without_confirmation_times_out_and_changes_nothing(
    signer_stack: Stack,
) -> None:
    document_id = submitted_plan(signer_stack)
    leader = signer_stack.client(LEADER)
    before = leader.get(f"/api/v1/documents/{document_id}").json()

    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert reply.status_code == 202, reply.text
    again = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert again.status_code == 409 and "đang chờ" in again.json()["message"]
    failed = wait_for_state(leader, reply.json()["status_url"], "failed", 30)

    assert failed["state"] == "failed", failed
    assert failed["message"].startswith(
        f"Hết thời gian chờ xác nhận ký trên điện thoại ({CONFIRMATION_TIMEOUT_SECONDS} giây)"
    )
    assert "not signed" in failed["message_en"]
    page = leader.get(f"/documents/{document_id}/signing").text
    assert "Hết thời gian chờ xác nhận ký trên điện thoại" in page
    after = leader.get(f"/api/v1/documents/{document_id}").json()
    assert after["status"] == "submitted"
    assert after["history"] == before["history"]


def test_a_signer_the_leader_does_not_have_or_does_not_exist_is_refused(
    signer_stack: Stack,
) -> None:
    drafter = signer_stack.client("thanhhoa.chuyenvien")
    response = draft_plan(drafter, recipients=["yendinh"], signer="thanhhoa.lanhdao")
    assert response.status_code == 201, response.text
    document_id = response.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    url = f"/api/v1/documents/{document_id}/sign"
    leader = signer_stack.client("thanhhoa.lanhdao")

    refused = leader.post(url, json={"signer": "token"})
    unknown = leader.post(url, json={"signer": "usb"})

    assert refused.status_code == 403, refused.text
    assert "không có phương thức ký" in refused.json()["message"]
    assert unknown.status_code == 422 and "Phương thức ký không hợp lệ" in unknown.json()["message"]
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "submitted"
