#!/usr/bin/env bash
# Fails when the committed generated code differs from what scripts/generate.sh produces.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/generate.sh
if ! git diff --exit-code --stat -- Sources Codegen; then
    echo "check-generated: generated code is stale; run scripts/generate.sh and commit the result" >&2
    exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- Sources)
if [ -n "$untracked" ]; then
    echo "check-generated: generated files are not committed:" >&2
    echo "$untracked" >&2
    exit 1
fi
echo "check-generated: generated code is current"
