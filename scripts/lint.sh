#!/usr/bin/env bash
# Lint: clang-format (Google style, .clang-format) and clang-tidy (.clang-tidy, every check an
# error) over the C++ sources. Needs a configured build directory for compile_commands.json.
#   scripts/lint.sh [format|tidy|all] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
build=${2:-build}
mapfile -t sources < <(git ls-files 'src/*.cc' 'src/*.h' 'fuzz/*.cc' 'bench/*.cc' 'bench/*.h')
status=0
if [ "$what" = format ] || [ "$what" = all ]; then
  clang-format --dry-run -Werror "${sources[@]}" || { echo "lint: run clang-format -i on the files above"; status=1; }
fi
if [ "$what" = tidy ] || [ "$what" = all ]; then
  mapfile -t units < <(git ls-files 'src/*.cc' | grep -v '_test\.cc$')
  run-clang-tidy -p "$build" -j "$(nproc)" -quiet "${units[@]}" > "$build/clang-tidy.log" 2>&1 || true
  if grep -q "error:" "$build/clang-tidy.log"; then
    sed 's/\x1b\[[0-9;]*m//g' "$build/clang-tidy.log" | grep -A3 "error:"
    status=1
  fi
fi
exit $status
