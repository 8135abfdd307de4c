#!/usr/bin/env bash
# The main job on the bundled Samples/: installs what is missing, builds, then reads every sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
bin=.build/release/kaoping
mkdir -p out
for f in Samples/*.xlsx; do
  echo "== $f" >&2
  "$bin" cells "$f" | head -5
done
