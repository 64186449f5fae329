#!/usr/bin/env bash
# Installs the Debian packages the project needs, if missing: poppler-utils (pdfsig, pdftoppm),
# fonts for Vietnamese PDF text (DejaVu; Liberation 2 = Times New Roman metrics with Vietnamese;
# Liberation 1, which lacks Vietnamese, so a test can check it is refused), NSS tools (certutil,
# to give pdfsig a trust store in tests).
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure poppler-utils fonts-dejavu-core fonts-liberation fonts-liberation2 libnss3-tools
