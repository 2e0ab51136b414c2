#!/usr/bin/env bash
# Builds the console (web/dist) and the server (build/src/cli/vigil) with its tests, or only the
# CMake targets named as arguments (scripts/build.sh vigil). BUILD_DIR and CMAKE_BUILD_TYPE may
# be set; ccache is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

echo "==> building the console (web/dist)"
(cd web && npm run --silent build)

echo "==> building the server ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
