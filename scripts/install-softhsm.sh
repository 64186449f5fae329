#!/usr/bin/env bash
# Installs SoftHSM2 (Debian softhsm2: a PKCS#11 token in software, for the PKCS#11 signer tests) if
# missing. Idempotent and quick when already installed. The Python side is PyPI python-pkcs11.
set -euo pipefail
if dpkg -s softhsm2 >/dev/null 2>&1; then
    exit 0
fi
echo "Cài SoftHSM2 / installing softhsm2"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq softhsm2 >/dev/null
