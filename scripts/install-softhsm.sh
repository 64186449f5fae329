#!/usr/bin/env bash
# Installs SoftHSM2 (Debian softhsm2: a PKCS#11 token in software, for the PKCS#11 signer tests) if
# missing. Idempotent and quick when already installed. The Python side is PyPI python-pkcs11.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure softhsm2
