#!/usr/bin/env bash
# npm run bench:register — REGISTER/s with digest authentication through Precedence's registrar and, in
# the same run, Kamailio's (registrar-auth), with the SIPp harness; prints both maxima and the ratio.
#   RATES="1000 2000 4000 8000 12000 16000" SECS=10 KAMAILIO=1 npm run bench:register
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export RATES=${RATES:-"1000 2000 4000 6000 8000 12000 16000"}
export SECS=${SECS:-10}
export AUTH=1
KAMAILIO=${KAMAILIO:-1}
STAMP=$(date +%Y%m%d-%H%M%S)
RES=${TMPDIR:-/tmp}/sip-bench
tools=(sipp); [ "$KAMAILIO" = 1 ] && tools+=(kamailio)
bash "$ROOT/scripts/ensure-tools.sh" "${tools[@]}" || exit 1
sysctl -qw net.core.rmem_max=4194304 net.core.wmem_max=4194304 2>/dev/null || true

(cd "$ROOT" && npm run -s build) || exit 1
rm -rf /tmp/precedence-bench && mkdir -p /tmp/precedence-bench
node "$HERE/seed-subscribers.mjs" sqlite:/tmp/precedence-bench/bench.db 127.0.0.1 10000 || exit 1
node "$ROOT/dist/cli.js" start --config "$HERE/precedence-register.yaml" >/tmp/precedence-bench/switch.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; [ "$KAMAILIO" = 1 ] && "$HERE/kamailio/kam.sh" stop >/dev/null 2>&1' EXIT
sleep 2
kill -0 $PID 2>/dev/null || { echo "Precedence did not start:"; cat /tmp/precedence-bench/switch.log; exit 1; }
echo "== Precedence registrar with digest auth (pid $PID)"
OUT="$RES/precedence-reg-$STAMP" PROXY_PIDS="$PID" "$HERE/run-reg.sh" 127.0.0.1:5070 | tail -n 20
kill $PID; wait $PID 2>/dev/null
P=$(grep -o 'max sustainable CPS[^:]*: [0-9]*' "$RES/precedence-reg-$STAMP/summary.md" | grep -o '[0-9]*$')
K=""
if [ "$KAMAILIO" = 1 ]; then
  echo "== Kamailio registrar with digest auth"
  "$HERE/kamailio/kam.sh" start registrar-auth 4 >/dev/null || exit 1
  OUT="$RES/kamailio-reg-$STAMP" PROXY_PIDS_CMD="$HERE/kamailio/kam.sh pids" "$HERE/run-reg.sh" 127.0.0.1:5070 | tail -n 20
  "$HERE/kamailio/kam.sh" stop >/dev/null
  K=$(grep -o 'max sustainable CPS[^:]*: [0-9]*' "$RES/kamailio-reg-$STAMP/summary.md" | grep -o '[0-9]*$')
fi
echo
echo "command: RATES=\"$RATES\" SECS=$SECS KAMAILIO=$KAMAILIO npm run bench:register"
echo "Precedence max sustainable REGISTER/s (digest): ${P:-none}"
if [ -n "$K" ]; then
  echo "Kamailio   max sustainable REGISTER/s (digest): $K"
  [ -n "$P" ] && awk -v p="$P" -v k="$K" 'BEGIN { printf "ratio Precedence/Kamailio: %.2f\n", p / k }'
fi
