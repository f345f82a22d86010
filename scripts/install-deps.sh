#!/usr/bin/env bash
# Installs everything the demo, the tests and the benchmarks need on a fresh Debian 12 machine (as root):
# the Debian packages of the namespace rig, the npm packages, and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t debs < scripts/debian-packages.txt
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: Debian packages missing (${missing[*]}); run as root to install them" >&2
  else
    echo "install-deps: apt-get install ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
