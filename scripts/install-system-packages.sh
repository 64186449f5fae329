#!/usr/bin/env bash
# Installs the Debian packages the project needs, if missing: poppler-utils (pdfsig, pdftoppm),
# fonts for Vietnamese PDF text (DejaVu; Liberation 2 = Times New Roman metrics with Vietnamese), NSS tools
# (certutil, to give pdfsig a trust store in tests).
set -euo pipefail
packages=(poppler-utils fonts-dejavu-core fonts-liberation fonts-liberation2 libnss3-tools)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Cài gói hệ thống / installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
