#!/usr/bin/env bash
# Regenerates the RPC benchmark's code from ../shared/bench/echo.proto, where it stands:
#   Sources/CBenchEcho     protoc-c output, plus our descriptor accessors (include/descriptors/)
#   Sources/BenchEcho      Swift from our plugin (protoc-gen-clinic): messages, service protocol, client
#   Sources/GRPCEcho       Swift from protoc-gen-swift 1.39.0 and protoc-gen-grpc-swift-2 2.4.1
# Building the two Swift plugins takes minutes, so their output is committed; it is regenerated
# only when PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT name built plugins (see docs/BENCHMARKS.md).
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
mkdir -p Sources/CBenchEcho/include/descriptors
protoc-c -I "$bench" --c_out="$tmp" echo.proto
mv "$tmp/echo.pb-c.c" Sources/CBenchEcho/echo.pb-c.c
mv "$tmp/echo.pb-c.h" Sources/CBenchEcho/include/echo.pb-c.h

# 2. Our Swift and descriptor accessors.
mkdir -p "$tmp/clinic" Sources/BenchEcho/Generated
protoc -I "$bench" --plugin=protoc-gen-clinic="$plugin" \
    --clinic_out="c_module=CBenchEcho,regenerate=Benchmarks/generate-rpc.sh:$tmp/clinic" echo.proto
cp "$tmp/clinic/swift/echo.pb.swift" Sources/BenchEcho/Generated/echo.pb.swift
cp "$tmp/clinic/c/echo.h" Sources/CBenchEcho/include/descriptors/echo.h

# 3. swift-protobuf's messages and grpc-swift-2's service code, only with both plugins at hand.
if [ -n "${PROTOC_GEN_SWIFT:-}" ] && [ -n "${PROTOC_GEN_GRPC_SWIFT:-}" ]; then
    mkdir -p "$tmp/grpc" Sources/GRPCEcho
    protoc -I "$bench" \
        --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --swift_out="$tmp/grpc" \
        --swift_opt=Visibility=Public --swift_opt=UseAccessLevelOnImports=true \
        --plugin=protoc-gen-grpc-swift="$PROTOC_GEN_GRPC_SWIFT" --grpc-swift_out="$tmp/grpc" \
        --grpc-swift_opt=Visibility=Public --grpc-swift_opt=UseAccessLevelOnImports=true \
        echo.proto
    cp "$tmp/grpc/echo.pb.swift" Sources/GRPCEcho/echo.pb.swift
    cp "$tmp/grpc/echo.grpc.swift" Sources/GRPCEcho/echo.grpc.swift
else
    echo "generate-rpc: PROTOC_GEN_SWIFT or PROTOC_GEN_GRPC_SWIFT not set; kept the committed grpc-swift output" >&2
fi
echo "generate-rpc: done" >&2
