#!/usr/bin/env bash
# Sets up what is missing, then builds and runs the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --parallel --num-workers 2
