"""Runs the development CSC service (``signing/dev_csc.py``) as a process, for the demo and the
end-to-end tests: ``python -m signing.dev_csc_server --config csc.json --port 8791``.

The configuration (JSON; relative paths from its directory) lists the credentials, each with
the file holding its owner's access token and its key on a PKCS#11 token or in a PKCS#12 file::

    {"confirmation_wait_seconds": 120, "pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so",
     "credentials": [{"credential_id": "linh", "access_token_file": "linh.token",
                      "token": {"token_label": "csc-hsm", "key_label": "linh",
                                "pin_file": "hsm.pin"}}]}

A ``"p12": {"path": "linh.p12", "passphrase_file": "linh.pass"}`` entry instead of ``token``
keeps the key in a file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from signing.dev_csc import CscCredential, DevCscService
from signing.keys import KeyMaterial
from signing.pkcs11_key import Pkcs11Key

DEFAULT_PORT = 8791


def load_service(config_path: Path) -> DevCscService:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    base = config_path.parent
    credentials = [
        _credential(entry, base, str(config.get("pkcs11_module", "")))
        for entry in config["credentials"]
    ]
    return DevCscService(
        credentials, confirmation_wait_seconds=float(config.get("confirmation_wait_seconds", 120))
    )


def _credential(entry: dict[str, Any], base: Path, module: str) -> CscCredential:
    token = (base / entry["access_token_file"]).read_text(encoding="utf-8").strip()
    key: KeyMaterial | Pkcs11Key
    if "token" in entry:
        spec = entry["token"]
        pin = (base / spec["pin_file"]).read_text(encoding="utf-8").strip()
        key = Pkcs11Key(module, spec["token_label"], spec["key_label"], pin)
    else:
        spec = entry["p12"]
        passphrase = (base / spec["passphrase_file"]).read_bytes().strip()
        key = KeyMaterial(base / spec["path"], passphrase)
    return CscCredential(str(entry["credential_id"]), key, token)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Development CSC remote signing service")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    service = load_service(args.config)
    print(f"Dịch vụ ký số từ xa thử nghiệm: http://{args.host}:{args.port}", flush=True)
    web.run_app(service.app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
