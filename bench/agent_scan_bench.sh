#!/usr/bin/env bash
# The agent's malware scanner against the yara CLI on the same rules and tree, in the same run.
#
#   [ROUNDS=3] bench/agent_scan_bench.sh [RULES_DIR] [TREE]
#
# RULES_DIR (default ../shared/data/yara/signature-base) holds *.yar files; they are compiled
# with yarac into one file (with the LOKI/THOR external variables; files that do not compile are
# left out and listed). TREE (default /usr/bin) is warmed into the page cache, then scanned by
#   yara -p 1 -N -z 64MiB -r -C      one thread, all string matches (yara's default)
#   yara -p 1 -N -z 64MiB -r -C -f   one thread, fast matching mode (what vigil-agent uses)
#   vigil-agent scan --no-cache            every file scanned
#   vigil-agent scan --cache DB (twice)    first scan (rules compiled beforehand), then the rescan
# in an order rotated each round, and prints wall seconds, CPU seconds, MB/s over the tree's
# regular files and the ratio to the latest yara -p 1 run. -N (no symlinks) and -z (skip files
# over 64 MiB) make yara visit the files the agent visits: without -N yara scans every symlink's
# target again. Builds nothing: expects build/src/agent/vigil-agent (scripts/build.sh
# vigil-agent); without it only yara is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
RULES=${1:-../shared/data/yara/signature-base}
TREE=${2:-/usr/bin}
AGENT=build/src/agent/vigil-agent
command -v yara >/dev/null && command -v yarac >/dev/null ||
  { echo "yara is not installed (apt-get install yara)"; exit 2; }
[ -d "$RULES" ] || { echo "no rule directory $RULES"; exit 2; }
WORK=$(mktemp -d /tmp/vigil-scan-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
EXT=(-d filename= -d filepath= -d extension= -d filetype= -d owner=)

# Compile: everything at once, else file by file keeping the files that compile.
mapfile -t files < <(find "$RULES" -maxdepth 1 -type f \( -name '*.yar' -o -name '*.yara' \) | sort)
if ! yarac "${EXT[@]}" "${files[@]}" "$WORK/rules.yarc" 2>"$WORK/yarac.txt"; then
  good=()
  for f in "${files[@]}"; do
    if yarac "${EXT[@]}" "$f" "$WORK/one.yarc" 2>>"$WORK/yarac.txt"; then good+=("$f"); else echo "  left out: $f"; fi
  done
  yarac "${EXT[@]}" "${good[@]}" "$WORK/rules.yarc"
fi
bytes=$(find "$TREE" -type f -size -65536k -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
nfiles=$(find "$TREE" -type f | wc -l)
find "$TREE" -type f -exec cat {} + >/dev/null 2>&1 || true  # page cache

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "rules: ${#files[@]} files in $RULES; tree: $TREE, $nfiles regular files, $((bytes / 1000000)) MB in files up to 64 MiB"
ROUNDS=${ROUNDS:-3}
echo "rounds: $ROUNDS, in turn; every run listed, then the fastest of each (the least disturbed)"
printf '%-26s %8s %8s %8s %9s\n' run wall_s cpu_s MB/s vs_yara

declare -A WALL CPU
NAMES=()
# run NAME COMMAND...: one line of figures; the scanners exit 1 when they find something.
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || [ $? -eq 1 ] ||
    { echo "$name failed:"; tail -5 "$WORK/err.txt"; return; }
  read -r secs user sys <"$WORK/time.txt"
  [[ -v "WALL[$name]" ]] || NAMES+=("$name")
  WALL[$name]+=" $secs"
  CPU[$name]+=" $(awk -v u="$user" -v y="$sys" 'BEGIN { print u + y }')"
  [ "$name" != "yara -p 1" ] || BASE=$secs  # this round's runs are compared with it
  line "$name" "$secs" "$(awk -v u="$user" -v y="$sys" 'BEGIN { print u + y }')"
}
# line NAME WALL CPU: figures against yara -p 1's wall time (BASE).
line() {
  awk -v n="$1" -v s="$2" -v c="$3" -v b="$bytes" -v base="${BASE:-$2}" 'BEGIN {
    printf "%-26s %8.2f %8.2f %8.1f %8.2fx\n", n, s, c, (s > 0 ? b / 1e6 / s : 0), (s > 0 ? base / s : 0) }'
}
fastest() { tr ' ' '\n' <<<"$1" | grep . | sort -g | head -1; }

mkdir -p "$WORK/empty"
# The scans of a round, run in an order that rotates from round to round, so that no tool is
# always the one run right after the page cache was warmed.
scan_yara() { run "yara -p 1" yara "${EXT[@]}" -p 1 -N -z 67108864 -r -C "$WORK/rules.yarc" "$TREE"; }
scan_yara_fast() { run "yara -p 1 -f" yara "${EXT[@]}" -p 1 -N -z 67108864 -f -r -C "$WORK/rules.yarc" "$TREE"; }
scan_agent_no_cache() { run "vigil-agent no cache" "$AGENT" scan --rules-dir "$RULES" --no-cache "$TREE"; }
scan_agent_cached() {
  # As the service: rules compiled beforehand (the server sends them compiled), no scan cache yet.
  "$AGENT" scan --rules-dir "$RULES" --cache "$WORK/cache.db" "$WORK/empty" >/dev/null 2>&1
  rm -f "$WORK/cache.db" "$WORK/cache.db-wal" "$WORK/cache.db-shm"
  run "vigil-agent start-up" "$AGENT" scan --rules-dir "$RULES" --cache "$WORK/cache.db" "$WORK/empty"
  rm -f "$WORK/cache.db" "$WORK/cache.db-wal" "$WORK/cache.db-shm"  # the compiled rules stay
  run "vigil-agent first scan" "$AGENT" scan --rules-dir "$RULES" --cache "$WORK/cache.db" "$TREE"
  run "vigil-agent rescan" "$AGENT" scan --rules-dir "$RULES" --cache "$WORK/cache.db" "$TREE"
}
scans=(scan_yara scan_yara_fast)
[ -x "$AGENT" ] && scans+=(scan_agent_no_cache scan_agent_cached)
for ((round = 1; round <= ROUNDS; round++)); do
  echo "round $round"
  # Start-up alone (loading the compiled rules; the agent also checks them against the rule
  # files and opens its scan cache): the same commands on an empty directory.
  run "yara start-up" yara "${EXT[@]}" -p 1 -N -z 67108864 -f -r -C "$WORK/rules.yarc" "$WORK/empty"
  for ((i = 0; i < ${#scans[@]}; i++)); do "${scans[(i + round - 1) % ${#scans[@]}]}"; done
done
[ -x "$AGENT" ] || echo "($AGENT not built: vigil-agent runs skipped)"
echo "fastest of $ROUNDS rounds (vs_yara: yara -p 1's fastest wall time / this one's; CPU ratio in brackets):"
BASE=$(fastest "${WALL[yara -p 1]}")
base_cpu=$(fastest "${CPU[yara -p 1]}")
for name in "${NAMES[@]}"; do
  cpu=$(fastest "${CPU[$name]}")
  printf '%s  [cpu %.2fx]\n' "$(line "$name" "$(fastest "${WALL[$name]}")" "$cpu")" \
    "$(awk -v a="$base_cpu" -v c="$cpu" 'BEGIN { print (c > 0 ? a / c : 0) }')"
done
# Scanning alone, per CPU-second: the first scan after start-up against yara -f after its own
# (both fast matching mode); the service loads its rules once, not per scan.
if [[ -v "CPU[vigil-agent first scan]" ]]; then
  awk -v b="$bytes" -v y="$(fastest "${CPU[yara -p 1 -f]}")" -v ys="$(fastest "${CPU[yara start-up]}")" \
    -v a="$(fastest "${CPU[vigil-agent first scan]}")" -v as="$(fastest "${CPU[vigil-agent start-up]}")" 'BEGIN {
      printf "scanning after start-up, per CPU-second: yara -f %.1f MB/s, vigil-agent %.1f MB/s (%.2fx)\n",
        b / 1e6 / (y - ys), b / 1e6 / (a - as), (y - ys) / (a - as) }'
fi
echo "('no cache' includes compiling the rules; 'first scan' and 'rescan' use rules compiled"
echo " beforehand, as the service does, like yara -C)"
