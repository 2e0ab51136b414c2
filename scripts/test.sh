#!/usr/bin/env bash
# One command from a fresh Debian 12 to the whole test suite: installs dependencies (with
# Chromium for the console tests), builds, and runs every test through CTest.
# Test artefacts (screenshots) land in build/test-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 900
