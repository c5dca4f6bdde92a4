#!/usr/bin/env bash
# Regenerates every generated file: protoc-c C code and the Swift API from protoc-gen-clinic.
# Deterministic: running it twice gives the same tree (CI checks with git diff --exit-code).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=${CLINIC_SHARED:-"$root/../shared"}
wkt_include=${PROTOBUF_INCLUDE:-/usr/include}

command -v protoc >/dev/null && command -v protoc-c >/dev/null || {
    echo "generate: protoc and protoc-c are required (apt-get install protobuf-compiler protobuf-c-compiler libprotobuf-dev)" >&2
    exit 1
}

# Runs protoc-c into a C target: sources beside, headers under include/.
gen_c() { # target include_root files...
    local target=$1 inc=$2; shift 2
    local tmp; tmp=$(mktemp -d)
    protoc-c -I "$inc" -I "$wkt_include" --c_out="$tmp" "$@"
    (cd "$tmp" && find . -name '*.pb-c.h' | while read -r h; do
        mkdir -p "$root/Sources/$target/include/$(dirname "$h")"
        mv "$h" "$root/Sources/$target/include/$h"
    done
    find . -name '*.pb-c.c' | while read -r c; do
        mkdir -p "$root/Sources/$target/$(dirname "$c")"
        mv "$c" "$root/Sources/$target/$c"
    done)
    rm -rf "$tmp"
}

wkts=(any duration empty field_mask struct timestamp wrappers descriptor)
wkt_files=()
for w in "${wkts[@]}"; do wkt_files+=("google/protobuf/$w.proto"); done
platform_files=$(cd Protos && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
conformance_files=(conformance/conformance.proto google/protobuf/test_messages_proto3.proto)

# 1. C code.
rm -rf Sources/CProtoWKT/google Sources/CProtoWKT/include/google
gen_c CProtoWKT "$wkt_include" "${wkt_files[@]}"
rm -rf Sources/CClinicProtos/clinic Sources/CClinicProtos/include/clinic
# shellcheck disable=SC2086
gen_c CClinicProtos Protos $platform_files
rm -rf Sources/CConformanceProtos/conformance Sources/CConformanceProtos/google \
       Sources/CConformanceProtos/include/conformance Sources/CConformanceProtos/include/google
gen_c CConformanceProtos "$shared/conformance" "${conformance_files[@]}"

# 2. Swift code (and the C descriptor accessors), from our own plugin.
scratch=${CLINIC_SCRATCH:-.build}
CLINIC_FOCUS=protoc-gen-clinic swift build --scratch-path "$scratch" --product protoc-gen-clinic >&2
plugin="$root/$scratch/debug/protoc-gen-clinic"
gen_swift() { # swift_target c_target include_root extra_params files...
    local swift_target=$1 c_target=$2 inc=$3 extra=$4; shift 4
    local tmp; tmp=$(mktemp -d)
    protoc -I "$inc" -I "$wkt_include" --plugin=protoc-gen-clinic="$plugin" \
        --clinic_out="c_module=$c_target,$extra:$tmp" "$@"
    rm -rf "Sources/$swift_target/Generated" "Sources/$c_target/include/descriptors"
    mkdir -p "Sources/$swift_target/Generated" "Sources/$c_target/include/descriptors"
    (cd "$tmp/swift" && cp -R . "$root/Sources/$swift_target/Generated/")
    (cd "$tmp/c" && cp -R . "$root/Sources/$c_target/include/descriptors/")
    rm -rf "$tmp"
}
gen_swift WellKnownTypes CProtoWKT "$wkt_include" "runtime_types=1" \
    google/protobuf/{any,duration,empty,field_mask,struct,timestamp,wrappers}.proto
# shellcheck disable=SC2086
gen_swift ClinicAPI CClinicProtos Protos "imports=WellKnownTypes,catalog=ClinicAPICatalog" $platform_files
gen_swift ConformanceProtos CConformanceProtos "$shared/conformance" "imports=WellKnownTypes" \
    "${conformance_files[@]}"
echo "generate: done" >&2
