#!/bin/bash
# Pipeline speed targets (issue 17): keel run against make and just (npm's
# rust-just, which scripts/bootstrap installs into /opt/keel-test-tools).
#   1. a no-op task:              keel <= 0.7 x just and <= 1.0 x make
#   2. 1,000 independent tasks and one that needs them all, -j 2:
#                                 keel <= 1.0 x make -j2
#   3. up-to-date check of 20,000 inputs in 2,000 directories, warm:
#                                 keel <= 1.0 x git status; cold (no stat cache,
#                                 every file hashed) <= 1.0 x find|xargs sha256sum
#   4. restoring 1,000 cached output files, 200 MB: keel <= 1.0 x tar -x
#   5. peak memory of the warm 20,000-input check <= 32 MiB
# Usage: bench/pipeline.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
tools=${KEEL_TEST_TOOLS:-/opt/keel-test-tools}
just=$(find "$tools/node_modules" -path '*rust-just-linux-x64*' -name just -type f -perm -u+x | head -n 1)
for tool in hyperfine make git /usr/bin/time sha256sum tar; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
[ -n "$just" ] || { echo "bench: error: no just binary under $tools: run scripts/bootstrap" >&2; exit 2; }
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/cache
export KEEL_SYSTEM_CONFIG_DIR=$work/etc GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@keel.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@keel.invalid
mkdir -p "$HOME" "$KEEL_SYSTEM_CONFIG_DIR"
echo "keel: $("$keel" --version | head -n 1)"
echo "just: $("$just" --version)"
echo "make: $(make --version | head -n 1)"

median() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%.6f" % r["median"] for r in d["results"]))' "$1"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
run() {  # name, then hyperfine arguments; the medians go to $out/pipeline-NAME.txt
    local name=$1
    shift
    echo "+ hyperfine $*"
    hyperfine --export-json "$out/pipeline-$name.json" "$@" >/dev/null
    median "$out/pipeline-$name.json" > "$out/pipeline-$name.txt"
}

# 1. No-op task.
noop=$work/noop
mkdir -p "$noop"
git -C "$noop" init -q
printf '[tasks.noop]\nrun = "true"\n' > "$noop/keel.toml"
printf 'noop:\n    true\n' > "$noop/justfile"
printf '.PHONY: noop\nnoop:\n\ttrue\n' > "$noop/Makefile"
cd "$noop"
# The floor, in the same runs: bench/spawn-floor.c, a static C program that
# only runs `true` once and waits (what any task runner must at least do),
# and keel starting and doing nothing (`keel --version`).
floor=$work/spawn-floor
cc -O2 -static -o "$floor" "$root/bench/spawn-floor.c"
# Milliseconds: five rounds of 100 runs each, in turn (bench/rounds.py).
echo "+ bench/rounds.py 5: hyperfine -N --warmup 20 --runs 100 ..."
python3 "$root/bench/rounds.py" 5 "$out/pipeline-noop.json" -N --warmup 20 --runs 100 \
    -- "$keel -q run noop" "$just --quiet noop" "make -s noop" "$floor true" "$keel --version"
median "$out/pipeline-noop.json" > "$out/pipeline-noop.txt"
read -r k j m f v < "$out/pipeline-noop.txt"
echo "noop: keel $k s, just $j s, make $m s; keel/just $(ratio "$k" "$j") (target <= 0.7), keel/make $(ratio "$k" "$m") (target <= 1.0)"
echo "noop floor: spawn-floor true $f s ($(ratio "$f" "$j") x just), keel --version $v s; keel run noop above the floor: $(python3 -c 'import sys; print("%.3f ms" % ((float(sys.argv[1]) - float(sys.argv[2])) * 1000))' "$k" "$f")"

# 2. 1,000 independent tasks and one that depends on them all.
wide=$work/wide
mkdir -p "$wide"
git -C "$wide" init -q
python3 - "$wide" <<'PY'
import sys
d = sys.argv[1]
n = 1000
with open(f"{d}/keel.toml", "w") as f:
    for i in range(n):
        f.write(f'[tasks.t{i}]\nrun = "true"\n')
    f.write('[tasks.all]\ndeps = [' + ", ".join(f'"t{i}"' for i in range(n)) + ']\nrun = "true"\n')
with open(f"{d}/Makefile", "w") as f:
    names = " ".join(f"t{i}" for i in range(n))
    f.write(f".PHONY: all {names}\nall: {names}\n\ttrue\n")
    for i in range(n):
        f.write(f"t{i}:\n\ttrue\n")
PY
cd "$wide"
# In rotated rounds, as the warm check below: in one block each, the same
# keel binary came out at 0.92 and 1.04 x make.
echo "+ bench/rounds.py 5: hyperfine -N --warmup 1 --runs 4 ..."
python3 "$root/bench/rounds.py" 5 "$out/pipeline-wide.json" -N --warmup 1 --runs 4 \
    -- "$keel -q run -j 2 all" "make -s -j2 all"
median "$out/pipeline-wide.json" > "$out/pipeline-wide.txt"
read -r k m < "$out/pipeline-wide.txt"
echo "1,000 tasks, -j 2: keel $k s, make $m s; keel/make $(ratio "$k" "$m") (target <= 1.0)"

# 3. 20,000 inputs in 2,000 directories, 4 KiB each.
big=$work/big
mkdir -p "$big"
git -C "$big" init -q
python3 - "$big" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(2000):
    sub = f"{d}/src/d{i // 100}/e{i}"
    os.makedirs(sub)
    for j in range(10):
        with open(f"{sub}/f{j}.c", "wb") as f:
            f.write((f"/* {i} {j} */\n".encode() * 400)[:4096])
with open(f"{d}/keel.toml", "w") as f:
    f.write('[tasks.check]\ninputs = ["src/**"]\nrun = "true"\n')
PY
git -C "$big" add -A >/dev/null
# 22,000 new objects start git's automatic gc after the commit; detached
# (git's default), it packed them on one of the two cores during the timed
# runs, which cost keel's walk on both cores a third more than git status.
git -C "$big" -c gc.autoDetach=false commit -q -m "chore: tree"
# And the 160 MB of files and pack just written are written back now.
sync
cd "$big"
"$keel" -q run check
"$keel" -q run check
git status --porcelain >/dev/null
# In rotated rounds too: one hyperfine run timed each command in a block of
# its own, and put the same binary at 0.92 and 1.13 x git status an hour
# apart, as the machine's slow minutes fell on one block or the other.
echo "+ bench/rounds.py 5: hyperfine -N --warmup 3 --runs 10 ..."
python3 "$root/bench/rounds.py" 5 "$out/pipeline-warm.json" -N --warmup 3 --runs 10 \
    -- "$keel -q run check" "git status --porcelain"
median "$out/pipeline-warm.json" > "$out/pipeline-warm.txt"
read -r k g < "$out/pipeline-warm.txt"
echo "20,000 inputs, warm: keel $k s, git status $g s; keel/git $(ratio "$k" "$g") (target <= 1.0)"
run cold --warmup 1 --runs 5 --prepare "rm -rf $work/cache" "$keel -q run check" \
    "find src -type f -print0 | xargs -0 sha256sum >/dev/null"
read -r k s < "$out/pipeline-cold.txt"
echo "20,000 inputs, cold: keel $k s, sha256sum $s s; keel/sha256sum $(ratio "$k" "$s") (target <= 1.0)"
"$keel" -q run check
peak=$( { /usr/bin/time -f '%M' "$keel" -q run check >/dev/null; } 2>&1 | tail -n 1)
echo "20,000 inputs, warm: peak memory $((peak / 1024)) MiB (target <= 32)"

# 4. Restoring 1,000 output files, 200 MB in all.
rest=$work/restore
mkdir -p "$rest"
git -C "$rest" init -q
echo seed > "$rest/seed"
cat > "$rest/keel.toml" <<'TOML'
[tasks.gen]
inputs = ["seed"]
outputs = ["out/"]
run = "mkdir -p out && for i in $(seq 1000); do head -c 204800 /dev/urandom > out/f$i; done"
TOML
cd "$rest"
"$keel" -q run gen
tar -cf "$work/out.tar" out
run restore --warmup 1 --runs 10 --prepare "rm -rf $rest/out" "$keel -q run gen" "tar -xf $work/out.tar"
read -r k t < "$out/pipeline-restore.txt"
echo "restore 1,000 files / 200 MB: keel $k s, tar -x $t s; keel/tar $(ratio "$k" "$t") (target <= 1.0)"

strip -o "$work/keel.stripped" "$keel"
echo "stripped binary: $(( $(stat -c %s "$work/keel.stripped") / 1024 )) KiB (target <= 10 MiB)"
