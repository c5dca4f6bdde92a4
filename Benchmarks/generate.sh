#!/usr/bin/env bash
# Regenerates the benchmark's code from ../shared/bench/appointment.proto, where it stands:
#   Sources/CBenchProtos          protoc-c output, plus our descriptor accessors (include/descriptors/)
#   Sources/BenchProtos           Swift from our plugin (protoc-gen-clinic)
#   Sources/SwiftProtobufProtos   Swift from apple/swift-protobuf's protoc-gen-swift 1.39.0
# Building protoc-gen-swift takes minutes, so its output is committed; it is regenerated only when
# PROTOC_GEN_SWIFT names a built plugin (see docs/BENCHMARKS.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bench=${CLINIC_SHARED:-"$root/../shared"}/bench
cd "$here"

# Our plugin, built like scripts/generate.sh builds it.
scratch=${CLINIC_SCRATCH:-.build}
(cd "$root" && CLINIC_FOCUS=protoc-gen-clinic swift build --scratch-path "$scratch" --product protoc-gen-clinic >&2)
plugin="$root/$scratch/debug/protoc-gen-clinic"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. protoc-c.
protoc-c -I "$bench" --c_out="$tmp" appointment.proto
mv "$tmp/appointment.pb-c.c" Sources/CBenchProtos/appointment.pb-c.c
mv "$tmp/appointment.pb-c.h" Sources/CBenchProtos/include/appointment.pb-c.h

# 2. Our Swift and descriptor accessors.
mkdir -p "$tmp/clinic"
protoc -I "$bench" --plugin=protoc-gen-clinic="$plugin" --clinic_out="c_module=CBenchProtos,regenerate=Benchmarks/generate.sh:$tmp/clinic" appointment.proto
mkdir -p Sources/BenchProtos/Generated Sources/CBenchProtos/include/descriptors
cp "$tmp/clinic/swift/appointment.pb.swift" Sources/BenchProtos/Generated/appointment.pb.swift
cp "$tmp/clinic/c/appointment.h" Sources/CBenchProtos/include/descriptors/appointment.h

# 3. swift-protobuf's Swift, only with a plugin at hand.
if [ -n "${PROTOC_GEN_SWIFT:-}" ]; then
    mkdir -p "$tmp/swift-protobuf"
    protoc -I "$bench" --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --swift_opt=Visibility=Public --swift_opt=UseAccessLevelOnImports=true \
        --swift_out="$tmp/swift-protobuf" appointment.proto
    cp "$tmp/swift-protobuf/appointment.pb.swift" Sources/SwiftProtobufProtos/appointment.pb.swift
else
    echo "generate: PROTOC_GEN_SWIFT not set; kept the committed swift-protobuf output" >&2
fi
echo "generate: done" >&2
