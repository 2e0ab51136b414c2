#!/usr/bin/env bash
# Builds the server (build/src/cli/vigil), its tests and the console (web/dist).
# BUILD_DIR and CMAKE_BUILD_TYPE may be set; ccache is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

echo "==> building the console (web/dist)"
(cd web && npm run --silent build)

echo "==> building the server ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
