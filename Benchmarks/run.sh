#!/usr/bin/env bash
# Builds the benchmarks in release mode and runs one of them, printing its table.
#   bash Benchmarks/run.sh codec     the codec benchmark (docs/BENCHMARKS.md, "Codec")
#   bash Benchmarks/run.sh rpc [--quick|--default-executor|...]   the RPC benchmark (docs/BENCHMARKS.md, "RPC")
#   bash Benchmarks/run.sh edge [--quick|--connections N|...]  edge (wrk) vs typed client (docs/BENCHMARKS.md, "Edge")
#   bash Benchmarks/run.sh scale [--quick|--appointments N|...] the scale check (docs/BENCHMARKS.md, "Scale")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CLINIC_SHARED:-"$root/../shared"}
scratch=${BENCH_SCRATCH:-"$here/.build"}
which=${1:-codec}
# The root package keeps only the targets behind the products Benchmarks/Package.swift uses
# (ProtoRuntime, RPCRuntime, ClinicAPI; see CLINIC_FOCUS in ../Package.swift), so other targets,
# finished or not, are not even loaded. Every product Benchmarks/Package.swift names must be kept,
# whichever benchmark runs. Add a target here when the benchmarks use another product.
export CLINIC_FOCUS=${CLINIC_FOCUS:-ProtoRuntime,RPCTransport,ClinicAPI}
# A fresh machine lacks the C libraries' headers (protobuf-c, OpenSSL, SQLite): install what is missing.
bash "$root/scripts/setup.sh" >&2
# Release builds link the Swift runtime in, as scripts/run.sh does for the platform.
release=(-c release --static-swift-stdlib)

case "$which" in
codec)
    swift build "${release[@]}" --package-path "$here" --scratch-path "$scratch" --product CodecBenchmark >&2
    "$scratch/release/CodecBenchmark" "$shared/bench"
    ;;
rpc)
    shift
    swift build "${release[@]}" --package-path "$here" --scratch-path "$scratch" --product RPCBenchmark >&2
    "$scratch/release/RPCBenchmark" --root "$root" "$@"
    ;;
edge | scale)
    # Against a real platform: a release `clinic up` on a temporary data folder and free ports,
    # stopped (SIGTERM, which stops its children) however this script ends.
    shift
    if ! command -v wrk >/dev/null; then
        echo "installing wrk (Debian package)" >&2
        { apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }; } >&2
    fi
    pbench=${PBENCH_SCRATCH:-"$here/.build-pbench"}
    clinic_scratch=${PBENCH_CLINIC_SCRATCH:-"$root/.build-pbench"}
    (cd "$root" && CLINIC_FOCUS=ClinicCLI swift build "${release[@]}" --scratch-path "$clinic_scratch" --product clinic) >&2
    swift build "${release[@]}" --package-path "$here" --scratch-path "$pbench" --product PlatformBenchmark >&2
    clinic="$clinic_scratch/release/clinic"
    run=$(mktemp -d "${TMPDIR:-/tmp}/clinic-pbench.XXXXXX")
    "$clinic" up --data "$run/data" --certs "$run/certs" --http-port 0 >"$run/up.log" 2>"$run/up.err" </dev/null &
    up_pid=$!
    stop_platform() {
        if kill -TERM "$up_pid" 2>/dev/null; then wait "$up_pid" 2>/dev/null || true; fi
        rm -rf "$run"
    }
    trap stop_platform EXIT
    trap 'exit 130' INT TERM
    for _ in $(seq 1 900); do
        grep -q '^ready: ' "$run/up.log" && break
        kill -0 "$up_pid" 2>/dev/null || { echo "clinic up exited:" >&2; tail -20 "$run/up.err" >&2; exit 1; }
        sleep 0.2
    done
    edge=$(sed -n 's/^ready: //p' "$run/up.log" | head -1)
    [ -n "$edge" ] || { echo "clinic up did not get ready in 3 minutes" >&2; tail -20 "$run/up.err" >&2; exit 1; }
    "$pbench/release/PlatformBenchmark" "$which" --edge "$edge" --up-log "$run/up.log" --certs "$run/certs" \
        --data "$run/data" --clinic "$clinic" --scratch "$run" "$@"
    ;;
*)
    echo "usage: $0 codec | rpc [options] | edge [options] | scale [options]" >&2
    exit 2
    ;;
esac
