#!/usr/bin/env bash
# Installs Elasticsearch for the tests: the integ-test zip that Maven Central publishes
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch), unpacked into
# .cache/elasticsearch-<version>/. Elasticsearch refuses to run as root, so when this script runs
# as root it also creates a system user (eoffice-es) that the tests start the server as, and
# gives it the unpacked tree. Idempotent: a second run only checks and returns.
#
# 8.19.x is the last line that runs on Java 17 (Elasticsearch 9 needs Java 21); keep the Python
# client's major version (constraints.txt) equal to the server's.
#
# Writes the path of the usable installation to .cache/elasticsearch.home and the user to run it
# as to .cache/elasticsearch.user (tests/servers/elasticsearch.py reads both).
#
# Environment: ELASTICSEARCH_VERSION (default below), ELASTICSEARCH_USER (default eoffice-es).
set -euo pipefail

version="${ELASTICSEARCH_VERSION:-8.19.21}"
es_user="${ELASTICSEARCH_USER:-eoffice-es}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="$repo/.cache"
home="$cache/elasticsearch-$version"
# Used instead of $home when the repository lies where $es_user cannot reach (under /root, say).
fallback="/opt/eoffice/elasticsearch-$version"
artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$version:zip"

if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi

say() { echo "install-elasticsearch: $*"; }

ensure_tools() {
    local missing=()
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null || missing+=(maven)
    command -v unzip >/dev/null || missing+=(unzip)
    [ ${#missing[@]} -eq 0 ] && return 0
    say "cài gói hệ thống / installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_unpacked() {
    [ -x "$home/bin/elasticsearch" ] && return 0
    ensure_tools
    mkdir -p "$cache/downloads"
    say "tải / downloading $artifact from Maven Central"
    mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache/downloads" \
        -Dmdep.overWriteReleases=false
    local zip="$cache/downloads/elasticsearch-$version.zip"
    local staging
    staging="$(mktemp -d "$cache/elasticsearch-unpack.XXXXXX")"
    unzip -q "$zip" -d "$staging"
    rm -rf "$home"
    mv "$staging/elasticsearch-$version" "$home"
    rmdir "$staging"
    say "unpacked into $home"
}

ensure_user() {
    getent passwd "$es_user" >/dev/null && return 0
    say "tạo người dùng / creating system user $es_user"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$es_user"
}

# The first run of Java tools can take a while; everything else is a quick check.
ensure_unpacked
if [ "$(id -u)" -ne 0 ]; then
    command -v java >/dev/null || ensure_tools
    echo "$home" >"$cache/elasticsearch.home"
    id -un >"$cache/elasticsearch.user"
    say "ready: $home (runs as $(id -un))"
    exit 0
fi

ensure_user
if runuser -u "$es_user" -- test -x "$home/bin/elasticsearch"; then
    target="$home"
    rm -rf "$fallback"
else
    target="$fallback"
    if [ ! -x "$target/bin/elasticsearch" ]; then
        say "$es_user cannot reach $home; copying to $target"
        mkdir -p "$(dirname "$target")"
        rm -rf "$target.partial"
        cp -a "$home" "$target.partial"
        mv "$target.partial" "$target"
    fi
fi
if [ "$(stat -c %U "$target")" != "$es_user" ]; then
    chown -R "$es_user:" "$target"
fi
command -v java >/dev/null || ensure_tools
echo "$target" >"$cache/elasticsearch.home"
echo "$es_user" >"$cache/elasticsearch.user"
say "ready: $target (runs as $es_user)"
