#!/usr/bin/env bash
# Finds, or installs from Debian's packages, the external peers the end-to-end tests drive.
# Usage: scripts/ensure-tools.sh sipp [baresip ...]   Prints nothing on success when all are present.
set -u
declare -A PKG=( [sipp]=sip-tester [baresip]=baresip [chromium]=chromium [tshark]=tshark [kamailio]=kamailio )
missing=()
for tool in "$@"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0

pkgs=()
for tool in "${missing[@]}"; do
  pkg=${PKG[$tool]:-}
  if [ -z "$pkg" ]; then
    echo "ensure-tools: no known Debian package provides '$tool'; install it and put it on PATH" >&2
    exit 3
  fi
  pkgs+=("$pkg")
done

if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "ensure-tools: missing ${missing[*]}; run as root or install: apt-get install -y ${pkgs[*]}" >&2
  exit 3
fi
SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo -n"
echo "ensure-tools: installing ${pkgs[*]} (for ${missing[*]})" >&2
# Lists may be stale or absent on a fresh machine; refresh once, quietly.
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/ensure-tools.log 2>&1; then
  echo "ensure-tools: apt-get install ${pkgs[*]} failed; see /tmp/ensure-tools.log, or install them by hand" >&2
  exit 3
fi
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ensure-tools: '$tool' still not on PATH after installing" >&2; exit 3; }
done
exit 0
