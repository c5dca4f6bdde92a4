#!/usr/bin/env bash
# Builds the official protobuf conformance runner of protobuf v21.12 (the release of Debian's
# protoc and libprotobuf) outside the repository and runs it against our release-built testee.
#
#   scripts/conformance.sh [PROTOBUF_SOURCE]
#
# PROTOBUF_SOURCE is a protobuf v21.12 source tree (with conformance/ and src/) or a git
# repository or bare mirror that has the tag v21.12. Without it, $PROTOBUF_SOURCE is used, and
# failing that the tag is cloned from GitHub; when that is impossible the script says so and stops.
#
# Environment:
#   CLINIC_SCRATCH   SwiftPM scratch path for the testee (default .build); the runner is built
#                    under $CLINIC_SCRATCH/conformance-runner and reused on later runs.
#   RUNNER_ARGS      extra arguments for conformance_test_runner (e.g. --verbose).
#
# Nothing of protobuf's is written into the repository. Exit status: the runner's (0 when every
# test passes or is skipped), 2 when the runner cannot be built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch=${CLINIC_SCRATCH:-.build}
case "$scratch" in /*) ;; *) scratch="$root/$scratch" ;; esac
work="$scratch/conformance-runner"
tag=v21.12
runner="$work/conformance_test_runner"

fail() { echo "conformance: $*" >&2; exit 2; }

# --- The runner's sources: conformance/ and the two test schemas of v21.12 ---------------------
source_dir=${1:-${PROTOBUF_SOURCE:-}}
src="$work/protobuf-$tag"
if [ ! -f "$src/.complete" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    paths=(conformance src/google/protobuf/test_messages_proto3.proto
        src/google/protobuf/test_messages_proto2.proto src/google/protobuf/stubs/stringprintf.h
        src/google/protobuf/stubs/common.h)
    if [ -n "$source_dir" ] && [ -d "$source_dir/conformance" ] && [ -d "$source_dir/src" ]; then
        for path in "${paths[@]}"; do
            mkdir -p "$src/$(dirname "$path")"
            cp -R "$source_dir/$path" "$src/$path"
        done
    elif [ -n "$source_dir" ] && git -C "$source_dir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1; then
        git -C "$source_dir" archive "$tag" "${paths[@]}" | tar -x -C "$src"
    elif [ -n "$source_dir" ]; then
        fail "$source_dir is neither a protobuf source tree nor a git repository with tag $tag"
    else
        echo "conformance: no protobuf source given; cloning $tag from GitHub" >&2
        if ! GIT_TERMINAL_PROMPT=0 timeout 900 git clone -q --depth 1 --branch "$tag" \
            https://github.com/protocolbuffers/protobuf.git "$work/clone" 2>/dev/null; then
            rm -rf "$work/clone"
            fail "cannot fetch protobuf $tag (offline?). Pass a v21.12 source tree or git mirror: scripts/conformance.sh /path/to/protobuf"
        fi
        for path in "${paths[@]}"; do
            mkdir -p "$src/$(dirname "$path")"
            cp -R "$work/clone/$path" "$src/$path"
        done
        rm -rf "$work/clone"
    fi
    grep -q 'GOOGLE_PROTOBUF_VERSION 3021012' "$src/src/google/protobuf/stubs/common.h" \
        || fail "the protobuf source is not $tag (the runner must match libprotobuf 3.21.12)"
    touch "$src/.complete"
fi

# --- Build the runner against Debian's libprotobuf-dev 3.21.12 ---------------------------------
if [ ! -x "$runner" ]; then
    if ! pkg-config --exists protobuf || [ ! -f /usr/include/google/protobuf/util/json_util.h ]; then
        echo "conformance: installing libprotobuf-dev" >&2
        sudo_cmd=""
        [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libprotobuf-dev protobuf-compiler pkg-config g++ >/dev/null
    fi
    [ "$(pkg-config --modversion protobuf)" = "3.21.12" ] \
        || fail "libprotobuf is $(pkg-config --modversion protobuf), the runner of $tag needs 3.21.12"
    gen="$work/gen"
    objects="$work/objects"
    mkdir -p "$gen" "$objects" "$work/include/google/protobuf/stubs"
    # Debian ships the library's StringAppendF but not its header; use the one of the same release.
    cp "$src/src/google/protobuf/stubs/stringprintf.h" "$work/include/google/protobuf/stubs/"
    protoc -I "$src/conformance" -I "$src/src" -I /usr/include --cpp_out="$gen" \
        "$src/conformance/conformance.proto" \
        "$src/src/google/protobuf/test_messages_proto3.proto" \
        "$src/src/google/protobuf/test_messages_proto2.proto"
    sources=(
        "$src/conformance/conformance_test_main.cc"
        "$src/conformance/conformance_test_runner.cc"
        "$src/conformance/conformance_test.cc"
        "$src/conformance/binary_json_conformance_suite.cc"
        "$src/conformance/text_format_conformance_suite.cc"
        "$src/conformance/third_party/jsoncpp/jsoncpp.cpp"
        "$gen/conformance.pb.cc"
        "$gen/google/protobuf/test_messages_proto3.pb.cc"
        "$gen/google/protobuf/test_messages_proto2.pb.cc"
    )
    echo "conformance: compiling the runner (a few minutes on 2 cores)" >&2
    for file in "${sources[@]}"; do
        object="$objects/$(basename "$file").o"
        [ -f "$object" ] && continue
        # shellcheck disable=SC2046  # pkg-config output is a list of flags
        g++ -std=c++17 -O1 -w -I "$gen" -I "$work/include" -I "$src/conformance" \
            $(pkg-config --cflags protobuf) -c "$file" -o "$object.tmp"
        mv "$object.tmp" "$object"
    done
    # shellcheck disable=SC2046
    g++ -o "$runner.tmp" "$objects"/*.o $(pkg-config --libs protobuf) -lpthread
    mv "$runner.tmp" "$runner"
fi

# --- Build the testee (release) and run -----------------------------------------------------------
swift build -c release --scratch-path "$scratch" --product conformance-testee
testee="$scratch/release/conformance-testee"
[ -x "$testee" ] || fail "the build did not produce $testee"
# An empty failure list: every proto3 test is expected to pass.
empty_list="$work/failure_list.txt"
: >"$empty_list"
cd "$work"
# shellcheck disable=SC2086  # RUNNER_ARGS is a list of flags
exec "$runner" --enforce_recommended --failure_list "$empty_list" ${RUNNER_ARGS:-} "$testee"
