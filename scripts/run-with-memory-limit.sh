#!/usr/bin/env bash
# Runs a command in a memory cgroup of its own, capped at LIMIT (e.g. 2G), and prints what the
# cgroup used at its highest and how often it reached the cap (the kernel then dropped page
# cache, e.g. the index files tantivy maps; the command is killed only if its own memory does
# not fit). Needs root and the memory controller (cgroup v1 or v2).
#
#   scripts/run-with-memory-limit.sh 2G .venv/bin/python -m bench.search_index \
#       --backend tantivy --documents 1000000 --settle
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 LIMIT COMMAND [ARG...]   (LIMIT in bytes, or with K, M or G)" >&2
  exit 2
fi
limit=$(numfmt --from=iec "$1") || { echo "not a size: $1" >&2; exit 2; }
shift
name="eoffice-limit-$$"

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then  # cgroup v2
  group="/sys/fs/cgroup/$name"
  limit_file=memory.max peak_file=memory.peak
elif [[ -d /sys/fs/cgroup/memory ]]; then  # cgroup v1
  group="/sys/fs/cgroup/memory/$name"
  limit_file=memory.limit_in_bytes peak_file=memory.max_usage_in_bytes
else
  echo "no memory cgroup controller on this machine" >&2
  exit 1
fi
mkdir "$group"
trap 'rmdir "$group" 2>/dev/null || true' EXIT
echo "$limit" > "$group/$limit_file"

status=0
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' limit "$group" "$@" || status=$?

peak=$(cat "$group/$peak_file" 2>/dev/null || echo 0)
echo "memory cgroup: limit $(numfmt --to=iec "$limit"), highest use $(numfmt --to=iec "$peak")" \
  "(page cache included), exit status $status"
if [[ -f "$group/memory.failcnt" ]]; then
  echo "memory cgroup: the limit was reached $(cat "$group/memory.failcnt") times"
fi
exit "$status"
