"""A real SoftHSM2 token for the tests (Debian softhsm2, installed by scripts/install-softhsm.sh).

`softhsm_token()` writes a SoftHSM2 configuration whose token directory is a fresh temporary
directory, points ``SOFTHSM2_CONF`` at it (SoftHSM reads it when the library is first loaded in
the process, so one configuration serves the whole session) and initialises a token with
``softhsm2-util --init-token``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["SoftHsmToken", "find_module", "softhsm_token"]

INSTALL_HINT = "scripts/install-softhsm.sh"
MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsmToken:
    module_path: str
    label: str
    user_pin: str
    so_pin: str


def find_module() -> str | None:
    return next((path for path in MODULE_CANDIDATES if Path(path).exists()), None)


@contextmanager
def softhsm_token(directory: Path, label: str = "eoffice-test") -> Iterator[SoftHsmToken]:
    module = find_module()
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.skip(f"SoftHSM2 missing: run {INSTALL_HINT}")
    tokens = directory / "tokens"
    tokens.mkdir(parents=True)
    config = directory / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    token = SoftHsmToken(module, label, user_pin="123456", so_pin="12345678")
    try:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label]
            + ["--pin", token.user_pin, "--so-pin", token.so_pin],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield token
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
