#!/usr/bin/env bash
# Installs PostgreSQL from Debian (package postgresql) for the tests, if missing. The tests do not
# use the package's own cluster: they start a private one in a temporary directory
# (tests/servers/postgres.py) with the binaries under /usr/lib/postgresql/<version>/bin.
set -euo pipefail
if dpkg -s postgresql >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
source "$(dirname "$0")/lib/apt.sh"
apt_ensure postgresql
id postgres >/dev/null
