#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what the tests need, then runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npx vitest run "$@"
