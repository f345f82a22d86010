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
# node --import tsx, not the tsx CLI: the CLI relays Ctrl-C to its child and SIGKILLs it 60 ms later unless
# the child acknowledges, which it cannot do while the rig tears down synchronously in its signal handler.
exec node --import tsx test/rig/demo.ts
