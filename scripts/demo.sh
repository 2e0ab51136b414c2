#!/usr/bin/env bash
# One command from a fresh Debian 12 to a running Vigil with the demo province:
# installs dependencies, builds, creates a data directory with an administrator and the
# fictional province of Sông Xanh, then runs the server in the foreground (Ctrl-C stops it).
#   VIGIL_DATA   data directory (default: ./vigil-data)
#   VIGIL_LISTEN address (default: 127.0.0.1:8443; plain HTTP on loopback, TLS otherwise)
#   VIGIL_RULES  Sigma rules for live detection (default: the SigmaHQ set in ../shared, if present)
#   VIGIL_SYSLOG syslog over UDP and TCP (default: 127.0.0.1:5514)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh vigil vigil-agent

DATA=${VIGIL_DATA:-$PWD/vigil-data}
LISTEN=${VIGIL_LISTEN:-127.0.0.1:8443}
VIGIL=build/src/cli/vigil
PASSWORD_FILE="$DATA/admin-password.txt"
SYSLOG=${VIGIL_SYSLOG:-127.0.0.1:5514}
RULES=${VIGIL_RULES:-}
if [ -z "$RULES" ] && [ -d ../shared/data/sigma/rules ]; then RULES=$(cd ../shared/data/sigma/rules && pwd); fi
monitoring=(--syslog-udp "$SYSLOG" --syslog-tcp "$SYSLOG")
[ -n "$RULES" ] && monitoring+=(--rules "$RULES")

if [ ! -f "$DATA/vigil.db" ]; then
  mkdir -p "$DATA" && chmod 700 "$DATA"
  # A fresh random password: Vigil has no default password anywhere.
  (umask 077; printf 'Vg-%s-%s9\n' "$(openssl rand -base64 12 | tr -d '/+=')" \
      "$(openssl rand -hex 3)" > "$PASSWORD_FILE")
  "$VIGIL" admin init --data "$DATA" --user admin --password-file "$PASSWORD_FILE"
  "$VIGIL" admin demo --data "$DATA"
fi

scheme=http
case "$LISTEN" in 127.*|localhost:*|\[::1\]:*) ;; *) scheme=https ;; esac
cat <<MSG

  Vigil is starting with the demo province "UBND tỉnh Sông Xanh".
  URL:      $scheme://$LISTEN/
  Login:    admin
  Password: $(cat "$PASSWORD_FILE" 2>/dev/null || echo "(set when $DATA was created)")
  Data:     $DATA   (password also in $PASSWORD_FILE)
  Syslog:   udp and tcp $SYSLOG; Sigma rules: ${RULES:-none (set VIGIL_RULES)}
  Try:      logger -n ${SYSLOG%:*} -P ${SYSLOG##*:} -t sshd 'error: unexpected internal error'
            then open Cảnh báo (Alerts) in the console.
  Agent:    create a token in Máy trạm & máy chủ (Agents), then on this machine:
            build/src/agent/vigil-agent --home vigil-agent enroll --server $scheme://$LISTEN --token TOKEN
            build/src/agent/vigil-agent --home vigil-agent run --once

MSG
exec "$VIGIL" serve --data "$DATA" --listen "$LISTEN" "${monitoring[@]}"
