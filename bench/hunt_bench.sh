#!/usr/bin/env bash
# vigil hunt against grepcidr on the same inputs, in the same run (docs/PERFORMANCE.md, "Hunting").
#
#   bench/hunt_bench.sh [DATA_DIR] [LOG_MB]
#
# Generates (once) DATA_DIR/list.txt (~1,000,000 entries), iptables.log and fortigate.log of
# LOG_MB megabytes each (default 1100) with vigil_bench_hunt_data, warms the page cache, then for
# each log runs grepcidr and vigil hunt with 1 and 2 threads, checks that the matching lines are
# identical, and prints wall time, throughput and peak memory. Needs grepcidr (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-/tmp/vigil-hunt-bench}
MB=${2:-1100}
VIGIL=build/src/cli/vigil
GEN=build/bench/vigil_bench_hunt_data
command -v grepcidr >/dev/null || { echo "grepcidr is not installed (apt-get install grepcidr)"; exit 2; }
[ -x "$VIGIL" ] && [ -x "$GEN" ] || scripts/build.sh vigil vigil_bench_hunt_data >/dev/null
mkdir -p "$DATA"
if [ ! -s "$DATA/fortigate.log" ] || [ "$(stat -c %s "$DATA/iptables.log")" -lt $((MB * 1000000)) ]; then
  echo "generating ${MB} MB logs and a 1M-entry list in $DATA ..."
  "$GEN" "$DATA" "$MB"
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "list: $(grep -vc '^#' "$DATA/list.txt") entries"

# run NAME OUTPUT COMMAND...: wall seconds, CPU seconds (user + system) and peak RSS (KB)
run() {
  local name=$1 out=$2
  shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" "$@" >"$out" 2>"$DATA/stderr.txt" || [ $? -eq 1 ]
  read -r secs user sys rss <"$DATA/time.txt"
  echo "$name $secs $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss"
  grep -h '^vigil hunt' "$DATA/stderr.txt" | sed "s/^/  [$name] /" >>"$DATA/summaries.txt" || true
}

for log in iptables fortigate; do
  file="$DATA/$log.log"
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null  # page cache
  echo
  echo "== $log.log: $((bytes / 1000000)) MB, $(wc -l <"$file") lines"
  : >"$DATA/summaries.txt"
  printf '%-24s %8s %8s %10s %10s %8s\n' tool wall_s cpu_s MB/s peak_MB speedup
  base=""
  while read -r name secs cpu rss; do
    mbps=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
    [ -z "$base" ] && base=$secs
    printf '%-24s %8s %8s %10s %10s %7.1fx\n' "$name" "$secs" "$cpu" "$mbps" "$((rss / 1024))" \
      "$(awk -v a="$base" -v b="$secs" 'BEGIN { print a / b }')"
  done < <(
    run grepcidr "$DATA/grepcidr.out" grepcidr -f "$DATA/list.txt" "$file"
    run vigil-hunt-threads-1 "$DATA/vigil1.out" "$VIGIL" hunt --threads 1 --indicators "$DATA/list.txt" "$file"
    run vigil-hunt-threads-2 "$DATA/vigil2.out" "$VIGIL" hunt --threads 2 --indicators "$DATA/list.txt" "$file"
  )
  cat "$DATA/summaries.txt"  # vigil's own split: list load vs scanning
  for n in 1 2; do
    if cmp -s "$DATA/grepcidr.out" "$DATA/vigil$n.out"; then
      echo "same matching lines as grepcidr (threads $n): $(wc -l <"$DATA/grepcidr.out") lines"
    else
      echo "DIFFERENT from grepcidr (threads $n)"; exit 1
    fi
  done
done

# List load time and memory alone (an empty log).
: >"$DATA/empty.log"
echo
"$VIGIL" hunt --indicators "$DATA/list.txt" "$DATA/empty.log" 2>&1 >/dev/null | head -1 || true
/usr/bin/time -f "grepcidr list load: %e s, peak %M KB" grepcidr -f "$DATA/list.txt" "$DATA/empty.log" || true
