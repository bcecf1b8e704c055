#!/bin/bash
# Remote cache speed targets (issue 20), against nginx WebDAV on loopback:
#   1. restoring 1,000 cached output files, 200 MB, from the remote into a
#      fresh clone with an empty local store: keel <= 1.2 x curl --parallel
#      (keep-alive) fetching the same blobs followed by sha256sum
#   2. a fully cached pipeline of 200 tasks restored from the remote in a
#      fresh clone: at most one request per action entry plus one per blob,
#      and <= 1.5 x (the same restore from a warm local store + curl's time
#      from 1)
# Usage: bench/remote.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine nginx curl git sha256sum; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
nginx_pid=
cleanup() {
    [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cp "$keel" "$work/keel"
keel=$work/keel
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
export KEEL_SYSTEM_CONFIG_DIR=$work/etc GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@keel.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@keel.invalid
mkdir -p "$HOME" "$KEEL_SYSTEM_CONFIG_DIR" "$work/nginx/data"
echo "keel: $("$keel" --version | head -n 1)"
echo "curl: $(curl --version | head -n 1)"
echo "nginx: $(nginx -v 2>&1)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 512; }
http {
  log_format keel '\$request_method \$uri \$status';
  access_log $work/nginx/access.log keel;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 0;
    keepalive_requests 100000;
    location /cache/ {
      root $work/nginx/data;
      dav_methods PUT;
      create_full_put_path on;
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
export KEEL_CACHE__REMOTE__URL=http://127.0.0.1:$port/cache
requests() { wc -l < "$work/nginx/access.log"; }

median() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%.6f" % r["median"] for r in d["results"]))' "$1"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
run() {  # name, then hyperfine arguments; the medians go to $out/remote-NAME.txt
    local name=$1
    shift
    echo "+ hyperfine $*"
    hyperfine --export-json "$out/remote-$name.json" "$@" >/dev/null
    median "$out/remote-$name.json" > "$out/remote-$name.txt"
}

# 1. 1,000 output files, 200 MB, uploaded once, then restored into a fresh
#    clone with an empty local store.
origin=$work/origin
mkdir -p "$origin"
git -C "$origin" init -q
echo seed > "$origin/seed"
cat > "$origin/keel.toml" <<'TOML'
[tasks.gen]
inputs = ["seed"]
outputs = ["out/"]
run = "mkdir -p out && for i in $(seq 1000); do head -c 204800 /dev/urandom > out/f$i; done"
TOML
git -C "$origin" add -A && git -C "$origin" commit -q -m "chore: gen"
(cd "$origin" && KEEL_CACHE__DIR=$work/cache-origin "$keel" -q run gen)
git clone -q "$origin" "$work/fresh"
# curl's side: the same blobs, by their names, over kept-alive connections.
{
    for f in "$work"/nginx/data/cache/cas/*; do
        h=$(basename "$f")
        echo "url = \"http://127.0.0.1:$port/cache/cas/$h\""
        echo "output = \"$work/dl/$h\""
    done
} > "$work/curl.list"
grep -c '^url' "$work/curl.list" | sed 's/^/blobs on the server: /'
cd "$work/fresh"
run big --warmup 1 --runs 10 --prepare "rm -rf $work/fresh/out $work/cache-fresh $work/dl" \
    "env KEEL_CACHE__DIR=$work/cache-fresh $keel -q run gen" \
    "sh -c 'mkdir -p $work/dl && curl -s --fail --parallel --parallel-max 8 -K $work/curl.list && sha256sum $work/dl/* >/dev/null'"
read -r k c < "$out/remote-big.txt"
echo "remote restore 1,000 files / 200 MB: keel $k s, curl+sha256sum $c s; keel/curl $(ratio "$k" "$c") (target <= 1.2)"

# 2. 200 cached tasks, one output file each.
many=$work/many
mkdir -p "$many"
git -C "$many" init -q
python3 - "$many" <<'PY'
import sys
d = sys.argv[1]
n = 200
with open(f"{d}/keel.toml", "w") as f:
    for i in range(n):
        f.write(f'[tasks.t{i}]\ninputs = ["src/{i}.txt"]\noutputs = ["out/{i}.bin"]\n'
                f'run = "mkdir -p out && head -c 4096 /dev/urandom > out/{i}.bin"\n')
    f.write('[tasks.all]\ndeps = [' + ", ".join(f'"t{i}"' for i in range(n)) + ']\nrun = "true"\n')
import os
os.makedirs(f"{d}/src")
for i in range(n):
    open(f"{d}/src/{i}.txt", "w").write(f"{i}\n")
PY
git -C "$many" add -A && git -C "$many" commit -q -m "chore: many"
(cd "$many" && KEEL_CACHE__DIR=$work/cache-many "$keel" -q run -j 2 all)
git clone -q "$many" "$work/many-fresh"
cd "$work/many-fresh"
before=$(requests)
KEEL_CACHE__DIR=$work/cache-count "$keel" -q run -j 2 all
echo "200 tasks from the remote: $(( $(requests) - before )) requests (at most 200 action entries + 200 blobs = 400)"
run many --warmup 1 --runs 10 --prepare "rm -rf $work/many-fresh/out $work/cache-count" \
    "env KEEL_CACHE__DIR=$work/cache-count $keel -q run -j 2 all"
run many-local --warmup 1 --runs 10 --prepare "rm -rf $work/many-fresh/out" \
    "env KEEL_CACHE__DIR=$work/cache-many KEEL_CACHE__REMOTE__URL= $keel -q run -j 2 all"
read -r r < "$out/remote-many.txt"
read -r l < "$out/remote-many-local.txt"
allowed=$(python3 -c "print('%.6f' % (1.5 * ($l + $c)))")
echo "200 tasks: remote $r s, warm local $l s; remote/(local + curl) $(ratio "$r" "$(python3 -c "print($l + $c)")") (target <= 1.5; allowed $allowed s)"
