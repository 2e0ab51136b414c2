#!/usr/bin/env bash
# vigil sigma scan over the whole public SigmaHQ rule set (docs/PERFORMANCE.md, "Sigma").
#
#   [BUILD=build] [ROUNDS=5] bench/sigma_bench.sh [DATA_DIR] [EVENTS]
#
# Generates (once) DATA_DIR/benign.ndjson with EVENTS Windows events (default 400,000) from
# vigil_bench_sigma_data, then measures on one core, ROUNDS times in turn: loading the rules
# alone, and loading plus scanning each corpus. Events per CPU-second = EVENTS / (CPU of the scan
# run - CPU of the load run), from the fastest runs (the least disturbed on a shared machine)
# and from the medians. Prints wall time, CPU seconds and peak RSS for each run. No peer tool is
# measured: Hayabusa, Chainsaw and Zircolite are not Debian packages and need crates.io / PyPI
# to build here.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-/tmp/vigil-sigma-bench}
EVENTS=${2:-400000}
BUILD=${BUILD:-build}  # another build directory: BUILD=build-x bench/sigma_bench.sh
VIGIL=$BUILD/src/cli/vigil
GEN=$BUILD/bench/vigil_bench_sigma_data
SIGMA=../shared/data/sigma
if [ ! -x "$VIGIL" ] || [ ! -x "$GEN" ]; then
  [ "$BUILD" = build ] || { echo "build $VIGIL and $GEN first" >&2; exit 1; }
  scripts/build.sh vigil vigil_bench_sigma_data >/dev/null
fi
mkdir -p "$DATA"
[ -s "$DATA/benign.ndjson" ] || "$GEN" "$DATA/benign.ndjson" "$EVENTS" --benign
[ -s "$DATA/mixed.ndjson" ] || "$GEN" "$DATA/mixed.ndjson" "$EVENTS"
echo '{}' >"$DATA/empty.ndjson"
RULES=()
for d in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-dfir; do
  RULES+=(--rules "$SIGMA/$d")
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$VIGIL" sigma check "${RULES[@]}" 2>&1 | tail -1

# run NAME INPUT [CPUS]: wall seconds, CPU seconds (user + system), peak RSS (KB), detections.
# CPUS (default 0: one core) is the taskset list; sigma scan uses one thread per CPU it may use.
run() {
  local name=$1 input=$2 cpus=${3:-0}
  cat "$input" >/dev/null  # page cache
  taskset -c "$cpus" /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" \
    "$VIGIL" sigma scan "${RULES[@]}" --jsonl "$input" >"$DATA/out.jsonl" 2>"$DATA/stderr.txt" || true
  read -r secs user sys rss < <(tail -1 "$DATA/time.txt")  # after "Command exited with ..."
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  echo "$name wall=${secs}s cpu=${cpu}s rss=${rss}KB detections=$(wc -l <"$DATA/out.jsonl")"
  LAST_CPU=$cpu
  LAST_WALL=$secs
}

ROUNDS=${ROUNDS:-5}
declare -A CPUS
for ((round = 1; round <= ROUNDS; round++)); do
  for input in empty benign mixed; do
    run "$input" "$DATA/$input.ndjson"
    CPUS[$input]+=" $LAST_CPU"
  done
done
# min_median CPU-LIST: "MIN MEDIAN"
min_median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)] }'; }
read -r load_min load_median < <(min_median "${CPUS[empty]}")
for input in benign mixed; do
  read -r min median < <(min_median "${CPUS[$input]}")
  mb=$(( $(stat -c %s "$DATA/$input.ndjson") / 1000000 ))
  awk -v e="$EVENTS" -v mb="$mb" -v n="$input" -v r="$ROUNDS" -v c="$min" -v l="$load_min" \
    -v cm="$median" -v lm="$load_median" 'BEGIN {
      printf "  %s: %d events, %d MB, %d rounds: %.0f events per CPU-second after loading (%.0f MB/s) from the fastest runs, %.0f from the medians\n",
        n, e, mb, r, e / (c - l), mb / (c - l), e / (cm - lm) }'
done

# Scaling: the benign corpus on one core, then on every core (one matching thread each); the
# wall time of scanning alone is compared (loading is single-threaded either way).
run load-only-all "$DATA/empty.ndjson" "0-$(( $(nproc) - 1 ))"
load_wall=$LAST_WALL
run benign-1-core "$DATA/benign.ndjson" 0
one=$LAST_WALL
run "benign-$(nproc)-cores" "$DATA/benign.ndjson" "0-$(( $(nproc) - 1 ))"
awk -v a="$one" -v b="$LAST_WALL" -v l="$load_wall" -v n="$(nproc)" -v e="$EVENTS" \
  'BEGIN { printf "  scaling: %.0f events/s on 1 core, %.0f on %d cores (%.2fx)\n", e / (a - l), e / (b - l), n, (a - l) / (b - l) }'
