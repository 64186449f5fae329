"""Poppler's independent check (`pdfsig`, Debian poppler-utils) of a signed PDF, with an NSS
database trusting the given root when `certutil` (libnss3-tools) is there.

poppler 22.12's certificate check is erratic here: with its online OCSP check, NSS
intermittently reports "Unknown issue" for the second signature of a file (it retries its GET
to the development responder as POST first), and with `-no-ocsp` it reports the same for
certificates that name no OCSP responder at all. So the chain is accepted as trusted when
either mode says so; revocation itself is checked by pyHanko (embedded data or online)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pdfsig(pdf: bytes, root_pem: Path, *options: str) -> tuple[str, bool]:
    """pdfsig's report on ``pdf``, and whether trust in ``root_pem`` was configured."""
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        path = directory / "signed.pdf"
        path.write_bytes(pdf)
        nss: list[str] = []
        if shutil.which("certutil") is not None:
            database = f"sql:{directory}"
            subprocess.run(
                ["certutil", "-N", "-d", database, "--empty-password"],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                ["certutil", "-A", "-d", database, "-n", "root", "-t", "CT,C,C", "-i"]
                + [str(root_pem)],
                check=True,
                capture_output=True,
            )
            nss = ["-nssdir", database]
        result = subprocess.run(
            ["pdfsig", *options, *nss, str(path)], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 0, result.stderr
    return result.stdout, bool(nss)


def assert_pdfsig_valid(pdf: bytes, root_pem: Path, signatures: int) -> None:
    """pdfsig finds ``signatures`` regular signatures valid and, with certutil, each one's
    certificate trusted in one of its two revocation modes; document timestamps it cannot check
    ("Unimplemented") are not counted."""
    reports = [pdfsig(pdf, root_pem), pdfsig(pdf, root_pem, "-no-ocsp")]
    for output, _ in reports:
        assert output.count("Signature is Valid.") == signatures, output
    if not reports[0][1]:
        return
    verdicts = [_certificate_verdicts(output) for output, _ in reports]
    assert len(verdicts[0]) >= signatures, reports[0][0]
    for index in range(signatures):
        assert any(v[index] == "Certificate is Trusted." for v in verdicts), reports


def _certificate_verdicts(output: str) -> list[str]:
    marker = "Certificate Validation: "
    return [line.split(marker, 1)[1].strip() for line in output.splitlines() if marker in line]
