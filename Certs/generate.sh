#!/usr/bin/env bash
# Makes the development PKI: a CA and one certificate per identity, signed by it.
#
#   Certs/generate.sh [--ca-cn "Common Name"] [OUT_DIR [NAME...]]
#
# OUT_DIR defaults to Certs/generated/ (git-ignored). NAMEs default to every platform identity.
# Writes OUT_DIR/ca.pem + ca.key and OUT_DIR/<name>.pem + <name>.key (keys 0600). Idempotent:
# files that exist are kept, so running it again only adds missing identities. A second,
# unrelated CA (for tests of rejected peers) is simply another OUT_DIR, e.g.
#   Certs/generate.sh --ca-cn "Rogue CA" /tmp/rogue cli
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config="$here/openssl.cnf"
ca_cn="Clinic Development CA"
ca_days=3650
leaf_days=825

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --ca-cn) [[ $# -ge 2 ]] || usage; ca_cn=$2; shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "generate: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done

out=${1:-"$here/generated"}
[[ $# -gt 0 ]] && shift
if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=(registry auth clinics doctors patients appointments consultations billing notifications
           reporting edge cli)
fi

command -v openssl >/dev/null || { echo "generate: the openssl command is required" >&2; exit 1; }
for name in "${names[@]}"; do
    # The name becomes a DNS label and a URI path segment: keep it to what both allow.
    [[ "$name" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || {
        echo "generate: '$name' is not a valid identity name (lowercase letters, digits, '-')" >&2
        exit 2
    }
done

mkdir -p "$out"
# Private keys must never be readable by others, including while they are being written.
umask 077
work=$(mktemp -d "$out/.generate.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Files appear under their final names only when complete (mv is atomic within a directory), so
# concurrent runs on the same OUT_DIR never see half-written files.
publish() { # from to mode
    chmod "$3" "$1"
    mv -f "$1" "$2"
}

new_key() { # path
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

serial() { echo "0x$(openssl rand -hex 16)"; }

if [[ ! -s "$out/ca.key" || ! -s "$out/ca.pem" ]]; then
    new_key "$work/ca.key"
    CLINIC_CERT_NAME=ca openssl req -config "$config" -new -x509 -key "$work/ca.key" \
        -subj "/O=Clinic/CN=$ca_cn" -extensions v3_ca -days "$ca_days" -set_serial "$(serial)" \
        -out "$work/ca.pem"
    publish "$work/ca.key" "$out/ca.key" 600
    publish "$work/ca.pem" "$out/ca.pem" 644
    echo "generate: made CA '$ca_cn' in $out" >&2
fi

for name in "${names[@]}"; do
    if [[ -s "$out/$name.key" && -s "$out/$name.pem" ]]; then
        continue
    fi
    new_key "$work/$name.key"
    CLINIC_CERT_NAME=$name openssl req -config "$config" -new -key "$work/$name.key" \
        -subj "/O=Clinic/CN=$name" -out "$work/$name.csr"
    CLINIC_CERT_NAME=$name openssl x509 -req -in "$work/$name.csr" \
        -CA "$out/ca.pem" -CAkey "$out/ca.key" -set_serial "$(serial)" -days "$leaf_days" -sha256 \
        -extfile "$config" -extensions v3_identity -out "$work/$name.pem" 2>/dev/null
    publish "$work/$name.key" "$out/$name.key" 600
    publish "$work/$name.pem" "$out/$name.pem" 644
    echo "generate: made $name ($out/$name.pem)" >&2
done
