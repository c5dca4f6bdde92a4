#!/usr/bin/env bash
# Sets up what is missing, then builds and runs the whole test suite.
#
# Each test target runs in a process of its own, two at a time (TEST_JOBS), rather than all in
# one: Swift Testing runs a process's tests on the cooperative pool, one thread per core, and a
# CPU-heavy target (property tests, JSON references) there holds those threads for seconds,
# so a target timing real deadlines and keepalives in another suite of the same process missed
# them. Separate processes share the cores through the kernel's scheduler instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
swift build --build-tests

jobs=${TEST_JOBS:-2}
logs=$(mktemp -d "${TMPDIR:-/tmp}/clinic-tests.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# Every test target, the slowest first so that the two lanes finish together.
targets=$(swift package dump-package | python3 -c '
import json, sys
slow = ["IntegrationTests", "ProtoRuntimeTests", "RPCTransportTests", "ClinicTLSTests", "StorageTests"]
names = [t["name"] for t in json.load(sys.stdin)["targets"] if t["type"] == "test"]
print("\n".join(sorted(names, key=lambda n: (slow.index(n) if n in slow else len(slow), n))))
')

run_target() {
    local target=$1 logs=$2
    if swift test --skip-build --filter "^${target}\." >"$logs/$target.log" 2>&1; then
        echo "passed  $target: $(grep -E '^. Test run with' "$logs/$target.log" | tail -1)"
    else
        echo "FAILED  $target" >"$logs/$target.failed"
        echo "FAILED  $target: $(grep -E '^. Test run with' "$logs/$target.log" | tail -1)"
    fi
}
export -f run_target

start=$SECONDS
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_target "$1" "$2"' _ {} "$logs"

failed=$(cd "$logs" && ls -- *.failed 2>/dev/null | sed 's/\.failed$//' || true)
if [ -n "$failed" ]; then
    for target in $failed; do
        echo
        echo "=== $target: failures ==="
        grep -E '✘|error:|Fatal error|crashed' "$logs/$target.log" | head -40 || true
        echo "--- last lines ---"
        tail -15 "$logs/$target.log"
    done
    echo
    echo "test targets failed: $(echo $failed) ($((SECONDS - start)) s)"
    exit 1
fi
echo "all test targets passed ($((SECONDS - start)) s)"
