#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need, if missing: Debian's `chromium` (driven by
# Playwright for Python through executable_path; Playwright never downloads a browser here) and
# axe-core's axe.min.js from the npm registry, unpacked into .cache/axe/<version>/.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
AXE_DIR=.cache/axe/$AXE_VERSION

source "$(dirname "$0")/lib/apt.sh"

if ! dpkg -s chromium >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
    apt_ensure chromium
fi

if [ ! -s "$AXE_DIR/axe.min.js" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        apt_ensure npm
    fi
    echo "Tải axe-core $AXE_VERSION / fetching axe-core $AXE_VERSION from the npm registry"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    tarball=$(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" 2>/dev/null | tail -n 1)
    tar -xzf "$work/$tarball" -C "$work" package/axe.min.js package/LICENSE
    mkdir -p "$AXE_DIR"
    mv "$work/package/LICENSE" "$AXE_DIR/LICENSE"
    mv "$work/package/axe.min.js" "$AXE_DIR/axe.min.js"
fi
