#!/usr/bin/env bash
# Builds the benchmarks in release mode and runs one of them, printing its table.
#   bash Benchmarks/run.sh codec     the codec benchmark (docs/BENCHMARKS.md, "Codec")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CLINIC_SHARED:-"$root/../shared"}
scratch=${BENCH_SCRATCH:-"$here/.build"}
which=${1:-codec}
# The root package keeps only what the benchmarks use (see CLINIC_FOCUS in ../Package.swift), so
# other targets, finished or not, are not even loaded.
export CLINIC_FOCUS=${CLINIC_FOCUS:-ProtoRuntime}

case "$which" in
codec)
    swift build -c release --package-path "$here" --scratch-path "$scratch" --product CodecBenchmark >&2
    "$scratch/release/CodecBenchmark" "$shared/bench"
    ;;
*)
    echo "usage: $0 codec" >&2
    exit 2
    ;;
esac
