#!/bin/bash
# Self-update speed targets (issue 19), keel self update from nginx serving
# HTTPS on 127.0.0.1 (a CA made here with openssl), medians of one run:
#   1. a full update <= 1.2 x `curl -o` of the same binary followed by
#      `minisign -V` of it
#   2. a delta update: the zstd patch <= 25% of the full binary's
#      zstd -19 size, and applying it <= 1.0 x the full update's time
# The "new" keel is build-release/keel-next (the same build with the next
# patch version); the "old" one is PREVIOUS, a static keel of an earlier
# commit (default: build-release/keel, the same commit, which makes the
# smallest possible patch: give an earlier build for a fair delta figure).
# Usage: bench/update.sh [build-release] [PREVIOUS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build-release}")
previous=$(realpath "${2:-$build/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine minisign curl nginx openssl zstd python3; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
for b in "$build/keel" "$build/keel-next" "$previous"; do
    file "$b" | grep -q "statically linked" || echo "bench: warning: '$b' is not a static build" >&2
done

work=$(mktemp -d)
nginx_pid=
cleanup() { [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_STATE_HOME=$work/home/state
export KEEL_SYSTEM_CONFIG_DIR=$work/etc GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME" "$KEEL_SYSTEM_CONFIG_DIR" bin www/update/stable
cp "$previous" old
cp "$build/keel-next" new
keel=$work/old
version=$("$work/new" --version | awk '{print $2}')
echo "old: $("$work/old" --version)"
echo "new: $("$work/new" --version)"

# TLS: a CA and a certificate for 127.0.0.1.
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -subj "/CN=keel bench CA" -days 2 2>/dev/null
openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
echo "subjectAltName=IP:127.0.0.1" > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > nginx.conf <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$port ssl http2; ssl_certificate $work/server.pem;
           ssl_certificate_key $work/server.key; root $work/www; }
}
CONF
mkdir -p tmp
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
for _ in $(seq 50); do curl -s --cacert ca.pem -o /dev/null "https://127.0.0.1:$port/" && break; sleep 0.1; done
base=https://127.0.0.1:$port

# The release: keel dist of the old binary as the previous release, then
# of the new one with --channel and --patch-from, signed with a key made
# here; and a minisign signature of the binary for the baseline.
"$keel" key generate --unencrypted -p update.pub -s update.key >/dev/null
make_release() {  # version, binary, extra keel dist arguments...
    local v=$1 bin=$2
    shift 2
    rm -rf proj && mkdir proj && cp "$bin" proj/keel-build
    printf '[dist]\nname = "keel"\n[[dist.archives]]\nformat = "binary"\nname_template = "keel_{version}_{os}_{arch}"\nfiles = ["keel-build"]\n[dist.sign]\nkey = "%s"\n' \
        "$work/update.key" > proj/keel.toml
    git -C proj init -q && git -C proj add -A && git -C proj -c user.name=b -c user.email=b@b commit -qm "feat: b"
    (cd proj && "$keel" dist --version "$v" "$@" >/dev/null)
}
old_version=$("$work/old" --version | awk '{print $2}')
make_release "$old_version" old
mv proj/dist previous-dist
make_release "$version" new --channel stable --patch-from "$work/previous-dist"
cp -r proj/dist/. www/
"$keel" sign -s update.key "www/keel_${version}_linux_amd64" >/dev/null
mkdir -p "$XDG_CONFIG_HOME/keel"
full_manifest=www/update/stable/manifest.json
patch_name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["platforms"]["linux/amd64"]["patch"]["url"])' "$full_manifest")
# The same release without the patch, for the full update.
mkdir -p www/update/full
python3 - "$full_manifest" www/update/full/manifest.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
del m["platforms"]["linux/amd64"]["patch"]
m["platforms"]["linux/amd64"]["url"] = "../../" + m["platforms"]["linux/amd64"]["url"].split("/")[-1]
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
"$keel" sign -s update.key www/update/full/manifest.json >/dev/null
config() {  # channel directory
    printf '[update]\nurl = "%s/update/%s/manifest.json"\nca_file = "%s/ca.pem"\nkeys = ["%s"]\n' \
        "$base" "$1" "$work" "$(tail -n 1 update.pub)" > "$XDG_CONFIG_HOME/keel/config.toml"
}

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["median"]*1000) for x in r))' "$1"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
reset="cp $work/old $work/bin/keel && rm -rf $XDG_STATE_HOME $work/bin/keel.old && rm -f $work/got"

# 1. A full update against curl -o and minisign -V.
config full
echo "+ hyperfine (full update)"
hyperfine -N --warmup 2 --runs 20 --prepare "sh -c '$reset'" --export-json "$out/update-full.json" \
    "$work/bin/keel self update --yes" >/dev/null
hyperfine --warmup 2 --runs 20 --prepare "$reset" --export-json "$out/update-curl.json" \
    "curl -s --cacert $work/ca.pem -o $work/got $base/keel_${version}_linux_amd64 && minisign -Vq -p $work/update.pub -m $work/got -x $work/www/keel_${version}_linux_amd64.minisig" >/dev/null
full=$(median "$out/update-full.json"); curl_ms=$(median "$out/update-curl.json")
echo "full update: keel $full ms, curl -o + minisign -V $curl_ms ms; ratio $(ratio "$full" "$curl_ms") (target <= 1.2)"

# 2. The delta update.
config stable
"$work/bin/keel" --version >/dev/null
cp old bin/keel
out_line=$("$work/bin/keel" self update --yes 2>/dev/null)
case "$out_line" in *"from a patch"*) ;; *) echo "bench: error: the delta update did not use the patch: $out_line" >&2; exit 1 ;; esac
cmp bin/keel new
echo "+ hyperfine (delta update)"
hyperfine -N --warmup 2 --runs 20 --prepare "sh -c '$reset'" --export-json "$out/update-delta.json" \
    "$work/bin/keel self update --yes" >/dev/null
delta=$(median "$out/update-delta.json")
patch_size=$(stat -c %s "www/update/stable/$patch_name")
zstd -q -19 -c new > new.zst
full_zst=$(stat -c %s new.zst)
echo "delta update: $delta ms vs full $full ms; ratio $(ratio "$delta" "$full") (target <= 1.0)"
echo "patch: $patch_size bytes, the binary's zstd -19: $full_zst bytes ($(stat -c %s new) raw); ratio $(ratio "$patch_size" "$full_zst") (target <= 0.25)"
strip -o stripped new
echo "stripped static binary: $(( $(stat -c %s stripped) / 1024 )) KiB (budget 10240 KiB)"
