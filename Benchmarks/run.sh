#!/usr/bin/env bash
# Builds the benchmarks in release mode and runs one of them, printing its table.
#   bash Benchmarks/run.sh codec     the codec benchmark (docs/BENCHMARKS.md, "Codec")
#   bash Benchmarks/run.sh rpc [--quick|--nio-executor|...]   the RPC benchmark (docs/BENCHMARKS.md, "RPC")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CLINIC_SHARED:-"$root/../shared"}
scratch=${BENCH_SCRATCH:-"$here/.build"}
which=${1:-codec}
# The root package keeps only the targets behind the products Benchmarks/Package.swift uses
# (ProtoRuntime, RPCRuntime; see CLINIC_FOCUS in ../Package.swift), so other targets, finished or
# not, are not even loaded. Add a target here when the benchmarks use another product.
export CLINIC_FOCUS=${CLINIC_FOCUS:-ProtoRuntime,RPCTransport}

case "$which" in
codec)
    swift build -c release --package-path "$here" --scratch-path "$scratch" --product CodecBenchmark >&2
    "$scratch/release/CodecBenchmark" "$shared/bench"
    ;;
rpc)
    shift
    swift build -c release --package-path "$here" --scratch-path "$scratch" --product RPCBenchmark >&2
    "$scratch/release/RPCBenchmark" --root "$root" "$@"
    ;;
*)
    echo "usage: $0 codec | rpc [options]" >&2
    exit 2
    ;;
esac
