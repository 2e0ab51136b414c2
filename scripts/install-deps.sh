#!/usr/bin/env bash
# Installs what Vigil needs on Debian 12, from Debian's packages and the npm registry only.
#   scripts/install-deps.sh            build and run the server
#   scripts/install-deps.sh --test     also what the test suite needs (Chromium, wrk, clang)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

BUILD_PACKAGES=(
  ca-certificates git pkg-config cmake ninja-build ccache g++ make
  libboost1.81-dev libssl-dev libsodium-dev libsqlite3-dev nlohmann-json3-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libzstd-dev libzip-dev libpugixml-dev
  libyaml-dev libre2-dev libvectorscan-dev libsimdjson-dev libyara-dev libjemalloc-dev
  nodejs openssl sqlite3 curl
)
TEST_PACKAGES=(chromium fonts-dejavu-core wrk grepcidr yara zstd libevtx-utils clang-14 libclang-rt-14-dev clang-format clang-tidy procps)

packages=("${BUILD_PACKAGES[@]}")
if [ "${1:-}" = "--test" ]; then packages+=("${TEST_PACKAGES[@]}"); fi
# Debian's npm only where no npm came with nodejs (NodeSource's nodejs bundles its own).
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The console's build tools, pinned by web/package-lock.json.
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "==> npm ci (web/)"
  (cd web && npm ci --no-audit --no-fund)
fi
