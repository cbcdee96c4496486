# Sourced by cps.sh and register.sh: run one harness (run-cps.sh or run-reg.sh) against Precedence and
# then Kamailio on 127.0.0.1:5070, and print both maxima and their ratio.
#   compare HARNESS PRECEDENCE_CONFIG KAMAILIO_MODE LABEL UNIT NPM_SCRIPT [SETUP_COMMAND...]
# Needs HERE, ROOT, RATES, SECS, KAMAILIO set by the caller.
max_rate() { grep -o 'max sustainable CPS[^:]*: [0-9]*' "$1/summary.md" | grep -o '[0-9]*$'; }

compare() {
  local harness=$1 config=$2 kmode=$3 label=$4 unit=$5 script=$6; shift 6
  local stamp res pid p k=""
  stamp=$(date +%Y%m%d-%H%M%S); res=${TMPDIR:-/tmp}/sip-bench
  local tools=(sipp); [ "$KAMAILIO" = 1 ] && tools+=(kamailio)
  bash "$ROOT/scripts/ensure-tools.sh" "${tools[@]}" || exit 1
  sysctl -qw net.core.rmem_max=4194304 net.core.wmem_max=4194304 2>/dev/null || true
  echo "== building Precedence"
  (cd "$ROOT" && npm run -s build) || exit 1
  rm -rf /tmp/precedence-bench && mkdir -p /tmp/precedence-bench
  if [ $# -gt 0 ]; then "$@" || exit 1; fi
  node "$ROOT/dist/cli.js" start --config "$HERE/$config" --pid-file /tmp/precedence-bench/pid >/tmp/precedence-bench/switch.log 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null; [ \"$KAMAILIO\" = 1 ] && \"$HERE/kamailio/kam.sh\" stop >/dev/null 2>&1" EXIT
  sleep 2
  kill -0 "$pid" 2>/dev/null || { echo "Precedence did not start:"; cat /tmp/precedence-bench/switch.log; exit 1; }
  echo "== Precedence (pid $pid)"
  OUT="$res/precedence-$label-$stamp" PROXY_PIDS="$pid" "$HERE/$harness" 127.0.0.1:5070 | tail -n 20
  kill "$pid"; wait "$pid" 2>/dev/null
  p=$(max_rate "$res/precedence-$label-$stamp")
  if [ "$KAMAILIO" = 1 ]; then
    echo "== Kamailio ($kmode, 4 workers)"
    "$HERE/kamailio/kam.sh" start "$kmode" 4 >/dev/null || exit 1
    OUT="$res/kamailio-$label-$stamp" PROXY_PIDS_CMD="$HERE/kamailio/kam.sh pids" "$HERE/$harness" 127.0.0.1:5070 | tail -n 20
    "$HERE/kamailio/kam.sh" stop >/dev/null
    k=$(max_rate "$res/kamailio-$label-$stamp")
  fi
  echo
  echo "command: RATES=\"$RATES\" SECS=$SECS KAMAILIO=$KAMAILIO npm run $script"
  echo "Precedence max sustainable $unit: ${p:-none}"
  if [ -n "$k" ]; then
    echo "Kamailio   max sustainable $unit: $k"
    [ -n "$p" ] && awk -v p="$p" -v k="$k" 'BEGIN { printf "ratio Precedence/Kamailio: %.2f\n", p / k }'
  fi
  echo "details: $res/precedence-$label-$stamp/summary.md${k:+ $res/kamailio-$label-$stamp/summary.md}"
}
