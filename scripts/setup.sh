#!/usr/bin/env bash
# Installs what a fresh Debian machine with the Swift toolchain lacks: system libraries and tools
# (apt-get), the Python reference implementation used by the tests (pip), and development
# certificates. Safe to run again: it only installs what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need_apt=()
have_header() { [ -f "/usr/include/$1" ]; }
have_header protobuf-c/protobuf-c.h || need_apt+=(libprotobuf-c-dev)
have_header openssl/ssl.h || need_apt+=(libssl-dev)
have_header sqlite3.h || need_apt+=(libsqlite3-dev)
have_header google/protobuf/timestamp.proto || need_apt+=(libprotobuf-dev)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
command -v protoc-c >/dev/null || need_apt+=(protobuf-c-compiler)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v python3 >/dev/null || need_apt+=(python3 python3-pip)

if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The JSON mapping is checked against Python's google.protobuf.json_format.
if ! python3 -c 'import google.protobuf' 2>/dev/null; then
    echo "setup: installing the Python protobuf package" >&2
    python3 -m pip install --quiet 'protobuf>=5' 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages 'protobuf>=5'
fi

# The edge's OpenAPI document is checked with openapi-spec-validator.
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    echo "setup: installing openapi-spec-validator" >&2
    python3 -m pip install --quiet openapi-spec-validator 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages openapi-spec-validator
fi

# Development certificates (git-ignored; never committed).
if [ -x "$root/Certs/generate.sh" ]; then
    "$root/Certs/generate.sh" >/dev/null
fi
