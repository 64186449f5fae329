"""The demo leader's signers of ``make run`` (``eoffice/demo_signers.py``): a remote credential
on the development CSC service and, SoftHSM2 being installed here, a token holding a key whose
certificate names the leader; written once, reused on the next start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eoffice.demo_signers import DEMO_SIGNER, provision_demo_signers, softhsm_module
from signing import PersonIdentity, ensure_dev_pki

REPO = Path(__file__).parents[2]


def test_the_demo_leader_gets_a_remote_signer_and_a_token(tmp_path: Path) -> None:
    if softhsm_module() is None:
        pytest.skip("SoftHSM2 missing: run scripts/install-softhsm.sh")
    leader = PersonIdentity(
        f"person-{DEMO_SIGNER}", "Phạm Thị Khánh", "a@congdoan.vn", "LĐLĐ tỉnh Bến Tre"
    )
    pki = ensure_dev_pki(tmp_path / "pki", [leader], [])

    signers = provision_demo_signers(tmp_path / "signers", pki, "http://127.0.0.1:8791")

    config = json.loads(signers.signers_file.read_text())
    person = config["people"][DEMO_SIGNER]
    assert set(person) == {"remote", "token"} and config["csc_service_url"].endswith(":8791")
    assert signers.softhsm_conf is not None
    assert signers.environment()["SOFTHSM2_CONF"] == str(signers.softhsm_conf)
    code = (
        "import sys; from pathlib import Path; "
        "from signing.signers import SignerKind, SignerRegistry, load_signer_config; "
        "config = load_signer_config(Path(sys.argv[1])); "
        "key = SignerRegistry(lambda k: None, config).key(sys.argv[2], None, SignerKind.TOKEN); "
        "print(key.signer().signing_cert.subject.human_friendly)"
    )
    found = subprocess.run(  # its own process: SoftHSM reads SOFTHSM2_CONF once per process
        [sys.executable, "-c", code, str(signers.signers_file), DEMO_SIGNER],
        env={**os.environ, **signers.environment(), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Phạm Thị Khánh" in found.stdout
    again = provision_demo_signers(tmp_path / "signers", pki, "http://127.0.0.1:8791")
    assert again == signers and json.loads(again.signers_file.read_text()) == config
