"""The demo leader's three signers (``make run``): besides the key file, a credential on the
development CSC service (``signing.dev_csc_server``, its key in a PKCS#12 file of the dev PKI;
the person confirms on the service's page ``/phone``) and, when SoftHSM2 is installed, a
PKCS#12-imported key on a SoftHSM2 token — without SoftHSM2 the demo just offers no token.

Everything lives in ``<data dir>/signers/``: ``signers.json`` (``EOFFICE_SIGNERS_FILE`` of the
web app and the worker), ``csc.json`` (the CSC service's configuration), the secrets files, and
the token directory with its ``softhsm2.conf`` (``SOFTHSM2_CONF``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from signing import DevPki

__all__ = ["DEMO_SIGNER", "DemoSigners", "provision_demo_signers"]

DEMO_SIGNER = "bentre.lanhdao"
CSC_CREDENTIAL = "bentre-lanhdao-csc"
TOKEN_LABEL = "demo-usb"
SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class DemoSigners:
    signers_file: Path
    csc_config: Path
    softhsm_conf: Path | None
    """Set when the demo leader has a token (SoftHSM2 installed)."""

    def environment(self) -> dict[str, str]:
        env = {"EOFFICE_SIGNERS_FILE": str(self.signers_file)}
        if self.softhsm_conf is not None:
            env["SOFTHSM2_CONF"] = str(self.softhsm_conf)
        return env


def softhsm_module() -> str | None:
    if shutil.which("softhsm2-util") is None:
        return None
    return next((path for path in SOFTHSM_MODULES if Path(path).exists()), None)


def provision_demo_signers(
    directory: Path, pki: DevPki, csc_url: str, *, confirmation_timeout_seconds: float = 120
) -> DemoSigners:
    """Writes (once; later runs reuse it) the demo leader's remote and token signers."""
    directory.mkdir(parents=True, exist_ok=True)
    signers_file = directory / "signers.json"
    csc_config = directory / "csc.json"
    conf = directory / "softhsm2.conf"
    if signers_file.exists() and csc_config.exists():
        return DemoSigners(signers_file, csc_config, conf if conf.exists() else None)
    identity = pki.certificate(f"person-{DEMO_SIGNER}").subject.rfc4514_string()
    common_name = identity.split("CN=", 1)[1].split(",", 1)[0]
    organisation = "Liên đoàn Lao động tỉnh Bến Tre"
    now = dt.datetime.now(dt.UTC)
    validity = {"not_before": now - dt.timedelta(days=1), "not_after": now + dt.timedelta(days=730)}
    email = "bentre.lanhdao@congdoan.vn"
    remote = pki.issue(f"csc-{DEMO_SIGNER}", common_name, organisation, email=email, **validity)
    (directory / "csc-access-token").write_text(secrets.token_urlsafe(24))
    (directory / "csc-key.pass").write_bytes(remote.passphrase)
    csc_config.write_text(
        json.dumps(
            {
                "confirmation_wait_seconds": confirmation_timeout_seconds + 60,
                "credentials": [
                    {
                        "credential_id": CSC_CREDENTIAL,
                        "access_token_file": "csc-access-token",
                        "p12": {"path": str(remote.p12_path), "passphrase_file": "csc-key.pass"},
                    }
                ],
            },
            indent=2,
        )
    )
    person: dict[str, object] = {
        "remote": {"credential_id": CSC_CREDENTIAL, "access_token_file": "csc-access-token"}
    }
    config: dict[str, object] = {
        "csc_service_url": csc_url,
        "csc_confirmation_timeout_seconds": confirmation_timeout_seconds,
    }
    module = softhsm_module()
    softhsm_conf = None
    if module is not None:
        key_id = f"token-{DEMO_SIGNER}"
        token = pki.issue(key_id, common_name, organisation, email=email, **validity)
        pin = _token_with_key(directory, module, token.p12_path, token.passphrase)
        if pin is not None:
            softhsm_conf = conf
            (directory / "token-pin").write_text(pin)
            config["pkcs11_module"] = module
            person["token"] = {
                "token_label": TOKEN_LABEL,
                "key_label": f"token-{DEMO_SIGNER}",
                "pin_file": "token-pin",
            }
    config["people"] = {DEMO_SIGNER: person}
    signers_file.write_text(json.dumps(config, indent=2))
    return DemoSigners(signers_file, csc_config, softhsm_conf)


def _token_with_key(directory: Path, module: str, p12: Path, passphrase: bytes) -> str | None:
    """A SoftHSM2 token in ``directory/tokens`` holding the key; its PIN, or None if SoftHSM2
    fails (the demo then goes without a token)."""
    tokens = directory / "tokens"
    shutil.rmtree(tokens, ignore_errors=True)
    tokens.mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n"
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    pin = f"{secrets.randbelow(10**6):06d}"
    code = (
        "import sys; from pathlib import Path; from signing.keys import KeyMaterial; "
        "from signing.pkcs11_key import import_p12_into_token; "
        "import_p12_into_token(KeyMaterial(Path(sys.argv[1]), sys.argv[2].encode()), "
        "sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])"
    )
    try:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL]
            + ["--pin", pin, "--so-pin", secrets.token_hex(8)],
            check=True,
            capture_output=True,
            timeout=60,
            env=env,
        )
        subprocess.run(  # its own process: SoftHSM reads SOFTHSM2_CONF once per process
            [sys.executable, "-c", code, str(p12), passphrase.decode(), module, TOKEN_LABEL]
            + [pin, f"token-{DEMO_SIGNER}"],
            check=True,
            capture_output=True,
            timeout=60,
            env=env,
        )
    except (OSError, subprocess.SubprocessError):
        conf.unlink(missing_ok=True)
        return None
    return pin
