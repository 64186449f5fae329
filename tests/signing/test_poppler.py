"""An independent check with poppler (Debian poppler-utils; libnss3-tools for certutil): the
issued PDF's two signatures verify, and chain to the development root once it is trusted.
poppler checks cryptographic integrity only, not which changes were allowed after signing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from signing import DevPki

pytestmark = pytest.mark.skipif(
    shutil.which("pdfsig") is None, reason="pdfsig missing: apt-get install poppler-utils"
)


def _trusting_nss_db(pki: DevPki, directory: Path) -> list[str]:
    """``-nssdir`` arguments for an NSS database trusting the root, if certutil is there."""
    if shutil.which("certutil") is None:
        return []
    directory.mkdir()
    database = f"sql:{directory}"
    subprocess.run(
        ["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        ["certutil", "-A", "-d", database, "-n", "dev-root", "-t", "CT,C,C", "-i"]
        + [str(pki.root_cert_path)],
        check=True,
        capture_output=True,
    )
    return ["-nssdir", database]


def test_pdfsig_finds_both_signatures_valid_and_trusted(
    issued_pdf: bytes, pki: DevPki, tmp_path: Path
) -> None:
    pdf = tmp_path / "ke-hoach-35.pdf"
    pdf.write_bytes(issued_pdf)
    nss = _trusting_nss_db(pki, tmp_path / "nss")

    result = subprocess.run(["pdfsig", *nss, str(pdf)], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Signature is Valid.") == 2, result.stdout
    assert "Signer Certificate Common Name: Nguyễn Phúc Linh" in result.stdout
    assert "Total document signed" in result.stdout
    if nss:
        assert result.stdout.count("Certificate is Trusted.") == 2, result.stdout
    else:
        pytest.skip("certutil missing (apt-get install libnss3-tools): trust not checked")


def test_filled_number_and_date_read_back_with_their_diacritics(
    issued_pdf: bytes, tmp_path: Path
) -> None:
    pdf = tmp_path / "ke-hoach-35.pdf"
    pdf.write_bytes(issued_pdf)

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout

    number_line = next(line for line in text.splitlines() if "Số:" in line)
    assert re.search(r"Số:\s+35\s+/KH-LĐLĐ\s+Bến Tre, ngày 23 tháng 11 năm 2026", number_line)
