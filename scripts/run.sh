#!/usr/bin/env bash
# The README's run command: sets up what is missing (system packages, certificates), builds the
# `clinic` executable in release mode, and runs the whole platform on its defaults:
#   registry + every service as its own process (mTLS between them) + the JSON edge on :8080,
#   data under ./data, demo data on first start.
# It prints `ready: http://127.0.0.1:8080` once everything is healthy; Ctrl-C stops it cleanly.
# Extra arguments go to `clinic up` (e.g. `scripts/run.sh --replicas 2 --http-port 9090`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
# The Swift runtime linked in (as for any Linux server deployment): besides needing no Swift
# libraries at run time, every thread-local access (each dynamic exclusivity check, each task
# lookup) is then a direct load instead of a call into the dynamic linker: about 5% fewer
# instructions per RPC (docs/BENCHMARKS.md, "RPC").
if swift build -c release --static-swift-stdlib --product clinic; then
    clinic="$root/.build/release/clinic"
else
    # Running beats not running: say so loudly and use a debug build (slower, same behaviour).
    echo "run: the release build failed (see above); building and running the debug build instead" >&2
    swift build --product clinic
    clinic="$root/.build/debug/clinic"
fi
exec "$clinic" up --data "$root/data" "$@"
