#!/usr/bin/env bash
# Builds every libFuzzer target with clang (ASan + UBSan) and runs each for SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DVIGIL_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=$(cd fuzz && ls *_fuzzer.cc | sed 's/\.cc$//')
cmake --build build-fuzz -j "$(nproc)" --target $targets
status=0
for t in $targets; do
  echo "==> $t for ${SECONDS_PER_TARGET}s"
  mkdir -p "build-fuzz/corpus/$t"
  (cd build-fuzz && "./fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 \
      "corpus/$t" "../fuzz/corpus/$t") || status=1
done
exit $status
