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
. "$HERE/lib/compare.sh"
compare run-reg.sh precedence-register.yaml registrar-auth reg "REGISTER/s (digest)" bench:register \
  node "$HERE/seed-subscribers.mjs" sqlite:/tmp/precedence-bench/bench.db 127.0.0.1 10000
