#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build Kaoping, then builds it.
# Usage: scripts/setup.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# libcurl: the static Foundation (release) that FlyingFox pulls into kaoping-desk links it by -lcurl.
for pair in libzip:libzip-dev xlsxwriter:libxlsxwriter-dev expat:libexpat1-dev sqlite3:libsqlite3-dev libcurl:libcurl4-openssl-dev; do
  pc=${pair%%:*}; deb=${pair#*:}
  pkg-config --exists "$pc" 2>/dev/null || need+=("$deb")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
config=${1:-release}
flags=()
# The release binary links the Swift runtime and Foundation statically: a third less start-up
# time per process (dynamic linking dominated a typical 考评表's inspect).
[ "$config" = release ] && flags+=(--static-swift-stdlib)
# Progress lines and the static Foundation's linker note about mktemp (its own code, not ours) are left out.
swift build -c "$config" "${flags[@]}" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]|use of .mktemp. is dangerous' >&2 || true
test -x ".build/$config/kaoping" || { echo "setup: build failed" >&2; exit 1; }
