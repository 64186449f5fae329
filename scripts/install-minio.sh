#!/usr/bin/env bash
# Builds the MinIO server from source for the tests (MinIO is distributed as source only):
# `go install github.com/minio/minio@<pinned version>` into .cache/bin/minio. Idempotent: does
# nothing when .cache/bin/minio is already that version (`go version -m` records the module
# version in the binary). Needs Go >= 1.24 on PATH; modules come from the Go module proxy.
# A cold build takes ~3.5 min on 2 cores (and ~2.2 GB of module and build cache under ~/go and
# ~/.cache/go-build); a second run takes well under a second.
set -euo pipefail
# The last commit of github.com/minio/minio (2026-02-12): RELEASE.2025-10-15T17-29-55Z plus
# security and bug fixes (PostPolicy tagging, duplicate responses, conditional put quorum) and
# README changes. The proxy does not serve the RELEASE.* tags themselves (403), hence a pseudo-version.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.cache/bin"

installed_version() {
    go version -m "$BIN/minio" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/minio" {print $3}'
}

# Go is installed under /usr/local/go on these machines, not always on a non-login PATH.
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || {
    echo "Cần Go >= 1.24 để dựng MinIO / Go >= 1.24 is needed to build MinIO" >&2
    exit 1
}
if [ -x "$BIN/minio" ] && [ "$(installed_version)" = "$MINIO_VERSION" ]; then
    exit 0
fi
echo "Dựng MinIO / building MinIO $MINIO_VERSION into $BIN (a few minutes)"
mkdir -p "$BIN"
started=$(date +%s)
GOBIN="$BIN" CGO_ENABLED=0 go install "github.com/minio/minio@$MINIO_VERSION"
echo "MinIO: $(installed_version) in $(($(date +%s) - started)) s"
