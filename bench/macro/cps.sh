#!/usr/bin/env bash
# npm run bench:cps — calls/s through Precedence (stateful proxy, Record-Route) and, in the same run,
# through Kamailio 5.6 with the same SIPp harness; prints both maxima and the ratio.
#   RATES="500 1000 2000 4000 6000 8000" SECS=10 KAMAILIO=1 npm run bench:cps
# Loopback only. Installs sip-tester (and kamailio when KAMAILIO=1) from Debian when missing.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export RATES=${RATES:-"500 1000 2000 3000 4000 6000 8000"}
export SECS=${SECS:-10}
KAMAILIO=${KAMAILIO:-1}
. "$HERE/lib/compare.sh"
compare run-cps.sh precedence-bench.yaml proxy cps calls/s bench:cps
