#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test, then the integration
# check of written sheets with LibreOffice and openpyxl (which it installs when missing), then the
# desk in headless Chromium (scripts/browser-test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh debug
# The witnesses some XCTests call (openpyxl, LibreOffice) are installed first, not only before
# the integration check: on a fresh machine those tests would otherwise fail, not skip.
scripts/integration.sh --install-only
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
swift test --skip-build --disable-swift-testing 2>&1
scripts/integration.sh .build/debug/kaoping
scripts/browser-test.sh .build/debug
