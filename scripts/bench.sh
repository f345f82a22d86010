#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --out DIR]`: installs what the benchmarks need (rig packages, npm
# packages, the build the daemon runs from), then measures; results land in bench/results/<date>.{json,md,svg}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npx tsx bench/run.ts "$@"
