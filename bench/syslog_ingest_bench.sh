#!/usr/bin/env bash
# Syslog over TCP into vigil serve against rsyslog and syslog-ng writing the same stream to a file
# (docs/PERFORMANCE.md, "Syslog ingestion").
#
#   bench/syslog_ingest_bench.sh [VIGIL] [MESSAGES]      # defaults: build/src/cli/vigil, 1000000
#
# Generates (once, seeded) STREAM_DIR/stream-MESSAGES-seedSEED.log with bench/syslog_sender.py: LF-framed
# RFC 3164 and RFC 5424 lines of a Linux fleet, ~2% of them firing SigmaHQ Linux rules. Then, one
# receiver at a time, sends the identical bytes over one TCP connection as fast as the receiver
# takes them, and measures from the first byte sent until
#   - vigil (serve --syslog-tcp, all rules of RULES loaded): the monitoring status shows
#     events_stored == MESSAGES and detection_lag_events == 0, i.e. every message parsed, stored
#     durably in events.db (SQLite, fsync per group commit) and evaluated against the rules;
#   - rsyslogd (a private instance: imtcp only, one omfile action with the raw message): the
#     output file holds every byte (then checked: N lines, the stream's lines in any order).
#     rsyslog does not fsync.
#   - syslog-ng (Debian's, unpacked from its package as it conflicts with rsyslog; or SYSLOG_NG):
#     the same, with the least work it can do (flags(no-parse), each line written as it came).
# Also measured first: the sender alone into `nc -l` > /dev/null, to show it is not the limit.
# Prints receiver | messages | seconds | messages/s | CPU s | peak RSS, and vigil's rate over each peer's
# ratios. CPU = the receiver's utime + stime (/proc/PID/stat) over the run; peak RSS = VmHWM after
# resetting it (clear_refs) just before the send, so vigil's login (Argon2id) is not counted.
# Exit status: 0; 1 if a receiver lost or did not finish the stream; 2 if the setup failed.
#
# Settings (environment): STREAM_DIR (/tmp/vigil-syslog-bench), RULES (../shared/data/sigma/rules,
# space-separated for several), SEED (42), TIMEOUT (600 s per receiver), STALL (20 s without
# progress = stopped), SERVER_THREADS (2), SYSLOG_NG (a syslog-ng binary to use instead of the
# unpacked package), KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL=$(realpath "${1:-build/src/cli/vigil}")
N=${2:-1000000}
STREAM_DIR=${STREAM_DIR:-/tmp/vigil-syslog-bench}
RULES=${RULES:-../shared/data/sigma/rules}
SEED=${SEED:-42}
TIMEOUT=${TIMEOUT:-600}
STALL=${STALL:-20}
SERVER_THREADS=${SERVER_THREADS:-2}
SENDER=$(realpath bench/syslog_sender.py)
TICK=$(getconf CLK_TCK)

die() { echo "error: $*" >&2; exit 2; }
log() { echo "[$(date +%T)] $*" >&2; }
[ -x "$VIGIL" ] || die "$VIGIL is not executable (build it: scripts/build.sh vigil)"
command -v rsyslogd >/dev/null || die "rsyslogd is not installed (apt-get install rsyslog)"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

TMP=$(mktemp -d /tmp/vigil-syslog-bench.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ ${KEEP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
now() { date +%s.%N; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime (fields 14, 15)
# "name ticks" per thread of PID, summed by thread name (the comm field may hold spaces).
thread_ticks() {
  local f
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null; echo; done |
    sed -n 's/^[0-9]* (\(.*\)) \(.*\)$/\1\t\2/p' | tr ' ' '_' |
    awk -F'\t' '{ split($2, f, "_"); t[$1] += f[12] + f[13] } END { for (n in t) print n, t[n] }'
}
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
reset_hwm() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || log "cannot reset VmHWM of $1 (not root?)"; }
# Starts the sender in the background; its "start=" line gives the time of the first byte.
start_sender() {  # PORT OUTFILE
  python3 "$SENDER" send "$STREAM" 127.0.0.1 "$1" >"$2" 2>&1 &
  SENDER_PID=$!
  PIDS+=("$SENDER_PID")
}
sender_start() {  # OUTFILE: waits for the start line
  local i
  for ((i = 0; i < 300; i++)); do
    grep -q '^start=' "$1" 2>/dev/null && { sed -n 's/^start=//p' "$1"; return; }
    sleep 0.01
  done
  cat "$1" >&2; die "the sender did not start"
}

# ---- the stream ----
mkdir -p "$STREAM_DIR"
STREAM=$STREAM_DIR/stream-$N-seed$SEED.log
if [ ! -s "$STREAM" ]; then
  log "generating $N messages into $STREAM ..."
  python3 "$SENDER" generate "$STREAM.tmp" --messages "$N" --seed "$SEED"
  mv "$STREAM.tmp" "$STREAM"
fi
BYTES=$(stat -c %s "$STREAM")
LINES=$(wc -l <"$STREAM")
[[ $LINES == "$N" ]] || die "$STREAM has $LINES lines, expected $N"
SIGMA_LINES=$(grep -c -F -e '() { :; };' -e 'unexpected internal error' -e '/dev/tcp/' -e 'Corrupted MAC' \
  -e 'invalid certificate signing key' -e 'buffer_get_string: bad string' -e 'crc32 compensation' "$STREAM" || true)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "stream: $N messages, $BYTES bytes ($((BYTES / N)) bytes/message), $SIGMA_LINES lines meant to fire rules; $(rsyslogd -v | head -1 | awk "{ print \$1, \$2 }")"

ROWS=()
row() { ROWS+=("$(printf '%-28s %10s %9.2f %12.0f %8.2f %10.1f' "$1" "$2" "$3" "$(awk -v n="$2" -v s="$3" 'BEGIN { print n / s }')" "$4" "$5")"); }
FAIL=0

# ---- the sender alone ----
if command -v nc >/dev/null; then
  P=$(free_port)
  nc -d -l 127.0.0.1 "$P" >/dev/null &
  NC_PID=$!
  PIDS+=("$NC_PID")
  sleep 0.5  # (no connect probe: nc -l serves one connection)
  python3 "$SENDER" send "$STREAM" 127.0.0.1 "$P" >"$TMP/nc.out" 2>&1
  wait "$NC_PID" 2>/dev/null || true
  secs=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' "$TMP/nc.out")
  echo "sender alone into nc -l > /dev/null: ${secs} s, $(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') messages/s, $(sed -n 's/.*MB\/s=//p' "$TMP/nc.out") MB/s"
else
  echo "sender alone: skipped (no nc; apt-get install netcat-openbsd)"
fi

# Waits until the receiver $2 (pid) has written the stream into file $3, checks the file and adds
# the row $1. $4: the receiver's CPU ticks before the send; the sender must be started. Sets
# PEER_RATE (messages/s) and stops the receiver.
measure_file_receiver() {  # NAME PID OUTFILE CPU0
  local name=$1 pid=$2 out=$3 cpu0=$4 t0 size=0 last=0 last_t t lines cpu secs hwm
  t0=$(sender_start "$TMP/peer-sender.out")
  last_t=$(now)
  while :; do
    size=$(stat -c %s "$out" 2>/dev/null || echo 0)
    t=$(now)
    ((size >= BYTES)) && break
    if ((size != last)); then last=$size last_t=$t; fi
    if awk -v a="$t" -v b="$last_t" -v s="$STALL" -v c="$t0" -v o="$TIMEOUT" 'BEGIN { exit !(a - b > s || a - c > o) }'; then
      break
    fi
    sleep 0.02
  done
  cpu=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$pid")" -v t="$TICK" 'BEGIN { print (b - a) / t }')
  secs=$(awk -v a="$t" -v b="$t0" 'BEGIN { print a - b }')
  hwm=$(hwm_kb "$pid")
  lines=$(wc -l <"$out" 2>/dev/null || echo 0)
  if ((lines != N)); then
    echo "!! $name wrote $lines lines ($size bytes), expected $N"
    FAIL=1
  elif cmp -s "$out" "$STREAM"; then
    echo "$name: the output file is byte-for-byte the stream"
  elif cmp -s <(LC_ALL=C sort "$out") <(LC_ALL=C sort "$STREAM"); then
    echo "$name: the output file has the stream's lines, some in another order (its worker threads)"
  else
    echo "!! $name's output file does not hold the stream's lines"
    FAIL=1
  fi
  row "$name" "$lines" "$secs" "$cpu" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
  PEER_RATE=$(awk -v n="$lines" -v s="$secs" 'BEGIN { print n / s }')
  kill "$pid" "$SENDER_PID" 2>/dev/null || true
  wait "$pid" "$SENDER_PID" 2>/dev/null || true
}

# ---- rsyslog ----
RS=$TMP/rsyslog
mkdir -p "$RS/work"
RS_PORT=$(free_port)
cat >"$RS/rsyslog.conf" <<EOF
# Private instance: no imuxsock/imklog, only this TCP input and one file action.
global(workDirectory="$RS/work")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="bench") {
  action(type="omfile" file="$RS/out.log" template="raw")
}
input(type="imtcp" port="$RS_PORT" address="127.0.0.1" ruleset="bench")
EOF
rsyslogd -N1 -f "$RS/rsyslog.conf" >"$RS/check.log" 2>&1 || { cat "$RS/check.log" >&2; die "rsyslog config refused"; }
rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" >"$RS/rsyslogd.log" 2>&1 &
RS_PID=$!
PIDS+=("$RS_PID")
wait_port "$RS_PORT" 10 || { cat "$RS/rsyslogd.log" >&2; die "rsyslogd did not listen on $RS_PORT"; }
sleep 0.5
cat "$STREAM" >/dev/null  # page cache
log "rsyslog: sending"
reset_hwm "$RS_PID"
cpu0=$(cpu_ticks "$RS_PID")
start_sender "$RS_PORT" "$TMP/peer-sender.out"
measure_file_receiver "rsyslogd imtcp -> omfile" "$RS_PID" "$RS/out.log" "$cpu0"
RS_RATE=$PEER_RATE

# ---- syslog-ng ----
# Debian's syslog-ng conflicts with rsyslog (each is the system's log daemon), so unless
# SYSLOG_NG names a binary, the package is unpacked, not installed, into STREAM_DIR and run from
# there; the libraries it needs come from Debian packages that do not conflict.
SNG_BIN=${SYSLOG_NG:-} SNG_LIBS= SNG_MODULES= SNG_RATE=
if [[ -z $SNG_BIN ]]; then
  SNG_ROOT=$STREAM_DIR/syslog-ng-root
  if [ ! -x "$SNG_ROOT/usr/sbin/syslog-ng" ]; then
    log "unpacking Debian's syslog-ng-core into $SNG_ROOT ..."
    (cd "$STREAM_DIR" && rm -f syslog-ng-core_*.deb && apt-get download syslog-ng-core >/dev/null 2>&1 &&
      dpkg -x syslog-ng-core_*.deb "$SNG_ROOT") || true
  fi
  if [ -x "$SNG_ROOT/usr/sbin/syslog-ng" ]; then
    SNG_BIN=$SNG_ROOT/usr/sbin/syslog-ng SNG_LIBS=$SNG_ROOT/usr/lib/syslog-ng
    SNG_MODULES=$(ls -d "$SNG_ROOT"/usr/lib/syslog-ng/3.* | head -1)
  fi
fi
if [[ -z $SNG_BIN ]]; then
  echo "syslog-ng: skipped (apt-get download syslog-ng-core failed; or set SYSLOG_NG)"
elif ! LD_LIBRARY_PATH=$SNG_LIBS "$SNG_BIN" --version >/dev/null 2>&1; then
  echo "syslog-ng: skipped ($SNG_BIN does not run: apt-get install libivykis0 libnet1 libjson-c5 libwrap0)"
else
  SNG=$TMP/syslog-ng
  mkdir -p "$SNG"
  SNG_PORT=$(free_port)
  # The least work syslog-ng can do: no parsing, each line written back as it came.
  cat >"$SNG/syslog-ng.conf" <<EOF
@version: 3.38
options { threaded(yes); stats-freq(0); log-msg-size(65536); };
source s_bench { network(transport("tcp") ip("127.0.0.1") port($SNG_PORT) flags(no-parse) log-iw-size(100000)); };
destination d_bench { file("$SNG/out.log" template("\$MSG\n")); };
log { source(s_bench); destination(d_bench); };
EOF
  SNG_ARGS=(-F --no-caps -f "$SNG/syslog-ng.conf" --persist-file="$SNG/persist" --pidfile="$SNG/pid"
    --control="$SNG/ctl")
  [[ -n $SNG_MODULES ]] && SNG_ARGS+=(--module-path="$SNG_MODULES")
  LD_LIBRARY_PATH=$SNG_LIBS "$SNG_BIN" "${SNG_ARGS[@]}" >"$SNG/syslog-ng.log" 2>&1 &
  SNG_PID=$!
  PIDS+=("$SNG_PID")
  wait_port "$SNG_PORT" 10 || { cat "$SNG/syslog-ng.log" >&2; die "syslog-ng did not listen on $SNG_PORT"; }
  sleep 0.5
  echo "syslog-ng: $(LD_LIBRARY_PATH=$SNG_LIBS "$SNG_BIN" --version | head -1), flags(no-parse), template(\"\$MSG\\n\")"
  log "syslog-ng: sending"
  reset_hwm "$SNG_PID"
  cpu0=$(cpu_ticks "$SNG_PID")
  start_sender "$SNG_PORT" "$TMP/peer-sender.out"
  measure_file_receiver "syslog-ng network -> file" "$SNG_PID" "$SNG/out.log" "$cpu0"
  SNG_RATE=$PEER_RATE
fi

# ---- vigil ----
V=$TMP/vigil
mkdir -p "$V"
PASSWORD="Bench-1$(head -c 18 /dev/urandom | base64 | tr -d "/+=")"
printf '%s\n' "$PASSWORD" >"$V/password"
"$VIGIL" admin init --data "$V/data" --user admin --password-file "$V/password" >"$V/init.log" 2>&1 ||
  { cat "$V/init.log" >&2; die "vigil admin init failed"; }
API_PORT=$(free_port)
SYS_PORT=$(free_port)
RULE_ARGS=()
for r in $RULES; do RULE_ARGS+=(--rules "$r"); done
"$VIGIL" serve --data "$V/data" --listen "127.0.0.1:$API_PORT" --tls off --threads "$SERVER_THREADS" \
  "${RULE_ARGS[@]}" --syslog-tcp "127.0.0.1:$SYS_PORT" >"$V/server.log" 2>&1 &
V_PID=$!
PIDS+=("$V_PID")
BASE=http://127.0.0.1:$API_PORT
for ((i = 0; i < 600; i++)); do
  curl -s -o /dev/null "$BASE/healthz" && break
  kill -0 "$V_PID" 2>/dev/null || { cat "$V/server.log" >&2; die "vigil serve exited"; }
  sleep 0.1
done
TOKEN=$(curl -s -H 'Content-Type: application/json' \
  --data "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin).get("token", ""))')
[[ -n $TOKEN ]] || die "login failed"
status() { curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/monitoring/status"; }
# One line: events_stored detection_lag_events rules_loaded unparsed refused dropped
status_fields() {
  status | python3 -c '
import json, sys
s = json.load(sys.stdin)
d = sum(l.get("dropped", 0) for l in s.get("listeners", [])[:1])
print(s["events_stored"], s["detection_lag_events"], s["rules_loaded"], s["unparsed_events"], s["refused_events"], d)'
}
wait_port "$SYS_PORT" 30 || { cat "$V/server.log" >&2; die "vigil did not listen on syslog port $SYS_PORT"; }
read -r _ _ rules_loaded _ _ _ < <(status_fields)
echo "vigil: $rules_loaded rules loaded from $RULES"
sleep 0.5
log "vigil: sending"
reset_hwm "$V_PID"
cpu0=$(cpu_ticks "$V_PID")
thread_ticks "$V_PID" >"$TMP/threads0"
start_sender "$SYS_PORT" "$TMP/v-sender.out"
t0=$(sender_start "$TMP/v-sender.out")
stored=0 lag=0 last=-1 last_t=$(now) polls=0
while :; do
  # awk, not a pipe into python per poll: the poll itself should cost the machine little.
  # (|| true: the answer has no final newline, so read reports end of file)
  read -r stored lag < <(status | sed -n 's/.*"detection_lag_events":\([0-9]*\).*"events_stored":\([0-9]*\).*/\2 \1/p;
    t; s/.*"events_stored":\([0-9]*\).*"detection_lag_events":\([0-9]*\).*/\1 \2/p') || true
  stored=${stored:-0} lag=${lag:-1}
  t=$(now)
  polls=$((polls + 1))
  ((stored >= N && lag == 0)) && break
  if ((stored != last)) || ((lag != 0)); then last=$stored last_t=$t; fi
  if awk -v a="$t" -v b="$last_t" -v s="$STALL" -v c="$t0" -v o="$TIMEOUT" 'BEGIN { exit !(a - b > s || a - c > o) }'; then
    break
  fi
  # Poll every 0.5 s while far from the end (the status request counts events of the last hour),
  # every 0.05 s near it.
  if ((stored < N * 9 / 10)); then sleep 0.5; else sleep 0.05; fi
done
cpu1=$(cpu_ticks "$V_PID")
thread_ticks "$V_PID" >"$TMP/threads1"
secs=$(awk -v a="$t" -v b="$t0" 'BEGIN { print a - b }')
v_hwm=$(hwm_kb "$V_PID")
cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$TICK" 'BEGIN { print (b - a) / t }')
read -r stored lag _ unparsed refused dropped < <(status_fields)
sent=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$TMP/v-sender.out")
alerts=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/alerts?limit=1" |
  python3 -c 'import json, sys; j = json.load(sys.stdin); print(j.get("total", len(j.get("items", j if isinstance(j, list) else []))))' 2>/dev/null || echo "?")
echo "vigil: events_stored=$stored detection_lag_events=$lag unparsed=$unparsed refused=$refused dropped=$dropped alerts=$alerts; sender sent ${sent:-?} bytes; $polls status polls"
if ((stored != N || lag != 0)); then
  echo "!! VIGIL DID NOT STORE AND EVALUATE EVERY MESSAGE: events_stored=$stored of $N, detection_lag_events=$lag (stopped growing for ${STALL} s or timed out after ${TIMEOUT} s)"
  FAIL=1
fi
echo "vigil CPU s per thread: $(awk -v t="$TICK" 'NR == FNR { a[$1] = $2; next }
  { d = ($2 - a[$1]) / t; if (d >= 0.01) printf "%s %.2f  ", $1, d }' "$TMP/threads0" "$TMP/threads1")"
row "vigil serve --syslog-tcp" "$stored" "$secs" "$cpu" "$(awk -v k="$v_hwm" 'BEGIN { print k / 1024 }')"
V_RATE=$(awk -v n="$stored" -v s="$secs" 'BEGIN { print n / s }')
grep -iE 'warn|error' "$V/server.log" | head -5 | sed 's/^/  server log: /' || true

echo
printf '%-28s %10s %9s %12s %8s %10s\n' receiver messages seconds messages/s "CPU s" "peak MiB"
printf '%s\n' "${ROWS[@]}"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "vigil / rsyslog rate: $(ratio "$V_RATE" "$RS_RATE")x${SNG_RATE:+; vigil / syslog-ng rate: $(ratio "$V_RATE" "$SNG_RATE")x}; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$FAIL"
