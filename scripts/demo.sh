#!/usr/bin/env bash
# `npm run demo` (as root): installs what the demo needs on a fresh Debian 12 machine, then runs the
# narrated demo in network namespaces (see docs/demo.md). Ctrl-C at any point cleans everything up.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root (it creates network namespaces and runs NetworkManager in one)" >&2
  exit 1
fi
bash scripts/install-deps.sh
exec npx tsx test/rig/demo.ts
