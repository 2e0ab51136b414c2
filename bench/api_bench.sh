#!/usr/bin/env bash
# API benchmark (issue 2): a throw-away data directory with the demo province, 10,000 assets and
# 100,000 audit entries; `vigil serve` on 127.0.0.1 with 2 threads; wrk against the list and read
# endpoints, first at a fixed offered rate (the latency target), then closed-loop (the maximum
# throughput); the server's memory sampled throughout. Prints Markdown for docs/PERFORMANCE.md.
#
#   ninja -C build vigil vigil_bench_seed   # this script builds nothing
#   bench/api_bench.sh [--out FILE] [--keep]
#
# Exits 1 if any response was not 2xx or any socket error occurred, 2 on a setup failure,
# 3 (only with CHECK_TARGETS=1) if a target was missed. Talks only to 127.0.0.1 and stops by
# itself (about 2.5 minutes; BUDGET_SECONDS caps the load runs). Settings, from the environment:
#   VIGIL_BUILD_DIR (build)   ASSETS (10000)   AUDIT (100000)   SERVER_THREADS (2)
#   RATE (1000 req/s)  RATE_SECONDS (10)  RATE_CONNECTIONS (32)
#   MAX_SECONDS (5)    MAX_CONNECTIONS (8)   WRK_THREADS (1)   BUDGET_SECONDS (175)
#   TARGET_P99_MS (20) TARGET_RSS_MB (100)   CHECK_TARGETS (0)
#   ONLY (regex on endpoint names)   EXTRA_ENDPOINTS ("name|path;name|path")
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${VIGIL_BUILD_DIR:-$ROOT/build}
VIGIL=$BUILD/src/cli/vigil
SEEDER=$BUILD/bench/vigil_bench_seed
LUA=$HERE/wrk_api.lua

ASSETS=${ASSETS:-10000}
AUDIT=${AUDIT:-100000}
SERVER_THREADS=${SERVER_THREADS:-2}
RATE=${RATE:-1000}
RATE_SECONDS=${RATE_SECONDS:-10}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-32}
MAX_SECONDS=${MAX_SECONDS:-5}
MAX_CONNECTIONS=${MAX_CONNECTIONS:-8}
WRK_THREADS=${WRK_THREADS:-1}
BUDGET_SECONDS=${BUDGET_SECONDS:-175}
TARGET_P99_MS=${TARGET_P99_MS:-20}
TARGET_RSS_MB=${TARGET_RSS_MB:-100}
CHECK_TARGETS=${CHECK_TARGETS:-0}

OUT=""
KEEP=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "api_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

die() { echo "api_bench: $*" >&2; exit 2; }
log() { echo "[api_bench +${SECONDS}s] $*" >&2; }

for bin in "$VIGIL" "$SEEDER"; do
  [[ -x $bin ]] || die "$bin is missing; build first: ninja -C $BUILD vigil vigil_bench_seed"
done

# Tools: wrk (Debian package) and curl. Debian 12 has no wrk2 package; if a wrk2 binary is on
# PATH anyway, its -R flag gives the fixed rate and the Lua pacing is not used.
need_pkg() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing $pkg"
    apt-get install -y "$pkg" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$pkg" >/dev/null 2>&1; } ||
      die "cannot install $pkg"
  else
    die "$cmd is missing: apt-get install $pkg"
  fi
}
need_pkg wrk wrk
need_pkg curl curl
WRK2=$(command -v wrk2 || true)

TMP=$(mktemp -d /tmp/vigil-bench.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  if [[ -n $SAMPLER_PID ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $KEEP -eq 1 ]]; then
    echo "api_bench: kept $TMP (server.log, wrk-*.txt, rss.samples)" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DATA=$TMP/data
USER_NAME=bench-admin
PASSWORD="Bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)-7q"
printf '%s\n' "$PASSWORD" >"$TMP/password"
chmod 600 "$TMP/password"

log "preparing $DATA"
"$VIGIL" admin init --data "$DATA" --user "$USER_NAME" --password-file "$TMP/password" >/dev/null ||
  die "vigil admin init failed"
"$VIGIL" admin demo --data "$DATA" >/dev/null || die "vigil admin demo failed"
"$SEEDER" --data "$DATA" --assets "$ASSETS" --audit "$AUDIT" >"$TMP/seed.txt" || die "seeding failed"
sed 's/^/  /' "$TMP/seed.txt" >&2

log "starting vigil serve (--threads $SERVER_THREADS)"
"$VIGIL" serve --data "$DATA" --listen 127.0.0.1:0 --tls off --threads "$SERVER_THREADS" \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 150); do
  PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
[[ -n $PORT ]] || { cat "$TMP/server.log" >&2; die "the server did not report its port"; }
BASE=http://127.0.0.1:$PORT
log "server pid $SERVER_PID on $BASE"

LOGIN=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
  --data "{\"username\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$LOGIN" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n $TOKEN ]] || die "login failed: $LOGIN"
AUTH="Authorization: Bearer $TOKEN"

api_get() { curl -sS --max-time 10 -H "$AUTH" "$BASE$1"; }
FIRST=$(api_get "/api/v1/assets?limit=1")
TOTAL=$(printf '%s' "$FIRST" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2)
ID_MIN=$(printf '%s' "$FIRST" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
[[ -n $TOTAL && -n $ID_MIN ]] || die "cannot list assets: $FIRST"
ID_MAX=$(api_get "/api/v1/assets?limit=1&offset=$((TOTAL - 1))" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
log "$TOTAL assets, ids $ID_MIN..$ID_MAX"

# A second user, an analyst scoped to the province (the root organisation): it sees every asset,
# but through the scope filter that every scoped user's list goes through.
ROOT_ORG=$(api_get "/api/v1/orgs?limit=1" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
SCOPED_USER=bench-analyst
SCOPED_PASSWORD="Scope-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)-4k"
CREATED=$(curl -sS --max-time 10 -H "$AUTH" -H 'Content-Type: application/json' -o /dev/null \
  -w '%{http_code}' --data "{\"username\":\"$SCOPED_USER\",\"display_name\":\"Bench analyst\",\"role\":\"analyst\",\"org_id\":$ROOT_ORG,\"password\":\"$SCOPED_PASSWORD\"}" \
  "$BASE/api/v1/users")
[[ $CREATED == 201 ]] || die "cannot create the scoped user (HTTP $CREATED)"
SCOPED_TOKEN=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
  --data "{\"username\":\"$SCOPED_USER\",\"password\":\"$SCOPED_PASSWORD\"}" "$BASE/api/v1/auth/login" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n $SCOPED_TOKEN ]] || die "the scoped user cannot log in"

rss_kb() { awk "/^$1:/ {print \$2}" "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
# The peak so far comes from the logins (Argon2id with libsodium's interactive limits: 64 MiB
# each, one at a time since a login holds the write transaction). Record it, then reset the
# peak (clear_refs 5) so VmHWM below covers the read load only.
RSS_LOGIN_HWM=$(rss_kb VmHWM)
HWM_RESET=0
echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null && HWM_RESET=1
RSS_IDLE=$(rss_kb VmRSS)
(
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || true
    sleep 0.2
  done
) >"$TMP/rss.samples" &
SAMPLER_PID=$!

# name | path ("{id}": a random asset id per request); "scoped:" runs as the province analyst
ENDPOINTS=(
  "assets list|/api/v1/assets?limit=100"
  "assets list, offset 9000|/api/v1/assets?limit=100&offset=9000"
  "assets list, province-scoped analyst|scoped:/api/v1/assets?limit=100"
  "asset by id (random)|/api/v1/assets/{id}"
  "assets search q=ketoan|/api/v1/assets?q=ketoan"
  "audit list|/api/v1/audit?limit=100"
  "systems list|/api/v1/systems"
  "dashboard|/api/v1/dashboard"
  "healthz|/healthz"
)

# The server's CPU time (user + system) in clock ticks: CPU per request does not depend on how
# busy the rest of the machine is nearly as much as latency and throughput do.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0; }

# run_wrk MODE(rate|max) PATH SECONDS CONNECTIONS LABEL -> the RESULT line + server_cpu_ticks
run_wrk() {
  local mode=$1 path=$2 secs=$3 conns=$4 label=$5 auth=$AUTH
  if [[ $path == scoped:* ]]; then path=${path#scoped:}; auth="Authorization: Bearer $SCOPED_TOKEN"; fi
  local url_path=${path//\{id\}/$ID_MIN}
  local rate=0 cmd=(wrk)
  if [[ $mode == rate ]]; then
    rate=$RATE
    if [[ -n $WRK2 ]]; then cmd=("$WRK2" -R "$RATE"); rate=0; fi
  fi
  local ticks_before ticks_after line
  ticks_before=$(cpu_ticks)
  VIGIL_BENCH_PATH=$path VIGIL_BENCH_ID_MIN=$ID_MIN VIGIL_BENCH_ID_MAX=$ID_MAX \
  VIGIL_BENCH_RATE=$rate VIGIL_BENCH_THREADS=$WRK_THREADS VIGIL_BENCH_CONNECTIONS=$conns \
    timeout $((secs + 30)) "${cmd[@]}" -t "$WRK_THREADS" -c "$conns" -d "${secs}s" --latency \
    --timeout 5s -s "$LUA" -H "$auth" "$BASE$url_path" >"$TMP/wrk-$label.txt" 2>&1 || true
  ticks_after=$(cpu_ticks)
  line=$(grep '^RESULT ' "$TMP/wrk-$label.txt" | tail -1 || true)
  [[ -n $line ]] && echo "$line server_cpu_ticks=$((ticks_after - ticks_before))"
  return 0
}

# field LINE KEY -> value of KEY=... in a RESULT line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
ms() { awk -v us="$1" 'BEGIN { if (us == "") print "-"; else printf "%.2f", us / 1000 }'; }

log "warm-up: 2 s on the assets list"
run_wrk max "/api/v1/assets?limit=100" 2 "$MAX_CONNECTIONS" warmup >/dev/null

# ONLY: run only the endpoints whose name matches this extended regex; EXTRA_ENDPOINTS: more
# "name|path" entries separated by ";" (e.g. "contacts|/api/v1/contacts?limit=100").
if [[ -n ${EXTRA_ENDPOINTS:-} ]]; then
  IFS=';' read -r -a extra <<<"$EXTRA_ENDPOINTS"
  ENDPOINTS+=("${extra[@]}")
fi
if [[ -n ${ONLY:-} ]]; then
  kept=()
  for entry in "${ENDPOINTS[@]}"; do
    if grep -Eq -- "$ONLY" <<<"${entry%%|*}"; then kept+=("$entry"); fi
  done
  ENDPOINTS=("${kept[@]}")
  [[ ${#ENDPOINTS[@]} -gt 0 ]] || die "ONLY=$ONLY matches no endpoint"
fi

declare -A RES
FAILED=0
MISSED=0
i=0
for entry in "${ENDPOINTS[@]}"; do
  i=$((i + 1))
  name=${entry%%|*}
  path=${entry#*|}
  for mode in rate max; do
    secs=$RATE_SECONDS conns=$RATE_CONNECTIONS
    [[ $mode == max ]] && secs=$MAX_SECONDS conns=$MAX_CONNECTIONS
    if ((SECONDS + secs + 5 > BUDGET_SECONDS)); then
      log "skipping $mode run of $name: time budget of ${BUDGET_SECONDS}s"
      RES[$i,$mode]="SKIPPED"
      continue
    fi
    log "$mode: $name ($path), ${secs}s, $conns connections"
    line=$(run_wrk "$mode" "$path" "$secs" "$conns" "$i-$mode")
    if [[ -z $line ]]; then
      log "wrk printed no result for $name ($mode):"
      sed 's/^/  /' "$TMP/wrk-$i-$mode.txt" >&2
      RES[$i,$mode]="NORESULT"
      FAILED=1
      continue
    fi
    RES[$i,$mode]=$line
    n2=$(field "$line" non2xx)
    se=$(field "$line" socket_errors)
    to=$(field "$line" timeouts)
    if ((n2 + se + to > 0)); then
      log "errors on $name ($mode): non-2xx $n2 (statuses $(field "$line" statuses)), socket $se, timeouts $to"
      FAILED=1
    fi
  done
done

sleep 1
RSS_AFTER=$(rss_kb VmRSS)
RSS_HWM=$(rss_kb VmHWM)
RSS_HWM=${RSS_HWM:-0}
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
RSS_PEAK_SAMPLE=$(sort -n "$TMP/rss.samples" | tail -1)
RSS_PEAK_SAMPLE=${RSS_PEAK_SAMPLE:-0}
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }

# ---- report ----
report() {
  echo "### API benchmark run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; load average before $LOAD_BEFORE, after $LOAD_AFTER"
  echo "- vigil $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)'), $( "$VIGIL" --version 2>/dev/null | head -1 ); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- data: $TOTAL assets, $AUDIT seeded audit entries ($(grep -o '[0-9.]* MiB' "$TMP/seed.txt" | head -1) database); server: \`vigil serve --threads $SERVER_THREADS\`, plain HTTP on 127.0.0.1; client: wrk -t$WRK_THREADS on the same machine"
  if [[ -n $WRK2 ]]; then
    echo "- fixed rate: wrk2 -R $RATE, $RATE_CONNECTIONS connections, ${RATE_SECONDS}s; max: wrk, $MAX_CONNECTIONS connections, ${MAX_SECONDS}s"
  else
    echo "- fixed rate: wrk + bench/wrk_api.lua pacing at $RATE req/s, $RATE_CONNECTIONS connections, ${RATE_SECONDS}s; max: closed loop, $MAX_CONNECTIONS connections, ${MAX_SECONDS}s"
  fi
  echo
  echo "Fixed offered rate ($RATE req/s); target p99 < $TARGET_P99_MS ms:"
  echo
  echo "| endpoint | req/s | p50 ms | p99 ms | max ms | late sends | errors | target |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  local j=0
  for entry in "${ENDPOINTS[@]}"; do
    j=$((j + 1))
    local name=${entry%%|*} path=${entry#*|} line=${RES[$j,rate]:-}
    path=${path/scoped:/}; [[ ${entry#*|} == scoped:* ]] && path="$path (as $SCOPED_USER)"
    if [[ $line == SKIPPED || $line == NORESULT || -z $line ]]; then
      echo "| \`GET ${path}\` | ${line:-none} | | | | | | |"
      continue
    fi
    local rps p50 p99 mx late paced lmax errs ok
    rps=$(field "$line" rps); p50=$(field "$line" p50_us); p99=$(field "$line" p99_us)
    mx=$(field "$line" max_us); late=$(field "$line" late); paced=$(field "$line" paced)
    lmax=$(field "$line" late_max_us)
    errs=$(( $(field "$line" non2xx) + $(field "$line" socket_errors) + $(field "$line" timeouts) ))
    # Met: the offered rate was sustained (>= 95 %, at most 1 % of sends late), p99 under the
    # target, and every answer 2xx.
    ok=$(awk -v r="$rps" -v want="$RATE" -v p="$p99" -v t="$TARGET_P99_MS" -v l="$late" -v n="$paced" -v e="$errs" \
      'BEGIN { if (e == 0 && r >= 0.95 * want && p < t * 1000 && (n == 0 || l <= 0.01 * n)) print "met"; else print "**missed**" }')
    [[ $ok == met ]] || MISSED=1
    local late_txt="$late"
    [[ $late != 0 ]] && late_txt="$late (≤ $(ms "$lmax") ms)"
    echo "| \`GET ${path}\` | $(printf '%.0f' "$rps") | $(ms "$p50") | $(ms "$p99") | $(ms "$mx") | $late_txt | $errs | $ok |"
  done
  echo
  echo "Maximum throughput (closed loop, $MAX_CONNECTIONS connections; server CPU = user + system time of the server process per request):"
  echo
  echo "| endpoint | req/s | p50 ms | p99 ms | max ms | errors | server CPU ms/req |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  j=0
  for entry in "${ENDPOINTS[@]}"; do
    j=$((j + 1))
    local name=${entry%%|*} path=${entry#*|} line=${RES[$j,max]:-}
    path=${path/scoped:/}; [[ ${entry#*|} == scoped:* ]] && path="$path (as $SCOPED_USER)"
    if [[ $line == SKIPPED || $line == NORESULT || -z $line ]]; then
      echo "| \`GET ${path}\` | ${line:-none} | | | | | |"
      continue
    fi
    local errs=$(( $(field "$line" non2xx) + $(field "$line" socket_errors) + $(field "$line" timeouts) ))
    local cpu
    cpu=$(awk -v t="$(field "$line" server_cpu_ticks)" -v hz="$CLK_TCK" -v n="$(field "$line" requests)" \
      'BEGIN { if (n > 0) printf "%.3f", t * 1000 / hz / n; else print "-" }')
    echo "| \`GET ${path}\` | $(printf '%.0f' "$(field "$line" rps)") | $(ms "$(field "$line" p50_us)") | $(ms "$(field "$line" p99_us)") | $(ms "$(field "$line" max_us)") | $errs | $cpu |"
  done
  echo
  local rss_ok=met
  if (( RSS_HWM > TARGET_RSS_MB * 1024 || RSS_LOGIN_HWM > TARGET_RSS_MB * 1024 )); then rss_ok="**missed**"; MISSED=1; fi
  local hwm_what="VmHWM during the load runs"
  [[ $HWM_RESET == 1 ]] || hwm_what="VmHWM (not reset: includes the logins)"
  echo "Server memory (target RSS < $TARGET_RSS_MB MB): idle before the load $(mb "$RSS_IDLE") MiB; peak sampled every 0.2 s under load $(mb "$RSS_PEAK_SAMPLE") MiB; $hwm_what $(mb "$RSS_HWM") MiB; after the runs $(mb "$RSS_AFTER") MiB: $rss_ok. Peak during the two logins (Argon2id, 64 MiB each, serialised): $(mb "$RSS_LOGIN_HWM") MiB."
  echo
  echo "Seeding: $(grep -E '^inserted|^seeding' "$TMP/seed.txt" | paste -sd ';' - | sed 's/;/; /g')."
}

REPORT=$(report)
# report runs in a subshell: recompute whether a target was missed from its text.
grep -q '\*\*missed\*\*' <<<"$REPORT" && MISSED=1
echo "$REPORT"
[[ -n $OUT ]] && echo "$REPORT" >"$OUT"
log "done in ${SECONDS}s"

if [[ $FAILED -ne 0 ]]; then
  echo "api_bench: FAILED: non-2xx responses or socket errors (see above)" >&2
  exit 1
fi
if [[ $CHECK_TARGETS == 1 && $MISSED -ne 0 ]]; then
  echo "api_bench: a target was missed" >&2
  exit 3
fi
exit 0
