#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the platform on its embedded defaults.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
swift build -c release
if [ -x .build/release/clinic ]; then
    exec .build/release/clinic up "$@"
fi
# Until `clinic up` exists (issue 4), show what the build produced.
echo "Built: $(ls .build/release | grep -E '^(protoc-gen-clinic|conformance-testee|clinic)$' | tr '\n' ' ')"
echo "Regenerate the API from Protos/ with: scripts/generate.sh"
