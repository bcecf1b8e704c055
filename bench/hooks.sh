#!/bin/bash
# Hooks speed targets (issue 3), keel against lefthook 2.x on the same
# repository and the equivalent config: one pre-commit command
# `true {staged_files}` on *.txt. For scale, the one-file case also times
# bench/spawn-floor.c, a static C program that runs the command once through
# sh: `sh -c "true 'FILE'"` (true is a builtin of sh). keel runs `true`
# without a shell since 70b3f37, as make does; the floor is kept as it was.
#   1. one staged file:                       keel median <= 1/5 of lefthook's
#   2. 1,000 staged files in a 10,000-file repo: keel median <= 1/5 of lefthook's
#   3. keel's peak memory (maximum RSS) <= 10 MiB
# lefthook is installed from npm into a temporary prefix; its native binary
# is timed, not the Node wrapper around it.
# Usage: bench/hooks.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine npm git /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config KEEL_SYSTEM_CONFIG_DIR=$work/etc
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@keel.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@keel.invalid
mkdir -p "$HOME" "$KEEL_SYSTEM_CONFIG_DIR"

# --ignore-scripts: lefthook's postinstall would install its hooks into the
# repository around the current directory (this one). The native binary
# comes from an optional dependency and needs no script.
echo "+ npm install --ignore-scripts --prefix $work/npm lefthook"
(cd "$work" && npm install --silent --ignore-scripts --no-audit --no-fund --prefix "$work/npm" lefthook >/dev/null)
lefthook=$(find "$work/npm/node_modules" -path '*/bin/lefthook' -type f -perm -u+x ! -name '*.js' | head -n 1)
[ -n "$lefthook" ] || { echo "bench: error: no lefthook binary under $work/npm/node_modules" >&2; exit 1; }
echo "lefthook $("$lefthook" version) at $lefthook"

# A repository with `total` committed .txt files of which `staged` are
# changed and staged, and the same hook in both tools' configs.
make_repo() {
    local dir=$1 total=$2 staged=$3
    mkdir -p "$dir"
    git -C "$dir" init -q -b main
    (cd "$dir" && python3 - "$total" <<'PY'
import os, sys
for i in range(int(sys.argv[1])):
    d = f"d{i // 100:03d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:05d}.txt", "w") as f:
        f.write(f"file {i}\n")
PY
    )
    printf '[hooks.pre-commit.commands.check]\nrun = "true {staged_files}"\nglob = "*.txt"\n' > "$dir/keel.toml"
    printf 'pre-commit:\n  commands:\n    check:\n      glob: "*.txt"\n      run: true {staged_files}\n' > "$dir/lefthook.yml"
    git -C "$dir" add -A
    # The automatic gc that 10,000 new objects start runs now, not during
    # the timed runs (detached, it would share the two cores with them).
    git -C "$dir" -c gc.autoDetach=false commit -q -m "chore: files"
    (cd "$dir" && python3 - "$staged" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    with open(f"d{i // 100:03d}/f{i:05d}.txt", "a") as f:
        f.write("more\n")
PY
    )
    git -C "$dir" add -A
    (cd "$dir" && "$lefthook" install >/dev/null)
    [ "$(git -C "$dir" diff --cached --name-only | wc -l)" -eq "$staged" ]
}

make_repo "$work/one" 1 1
make_repo "$work/many" 10000 1000

# The process floor: a static C program that runs the hook's command once,
# through sh as keel and lefthook do (true is one of sh's builtins).
floor=$work/spawn-floor
cc -O2 -static -o "$floor" "$root/bench/spawn-floor.c"

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f" % (x["median"]*1000) for x in r))' "$1"; }
peak_kib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }

declare -A ms kib
for repo in one many; do
    cd "$work/$repo"
    "$keel" hooks run pre-commit >/dev/null || { echo "bench: error: keel hooks run failed in $repo" >&2; exit 1; }
    LEFTHOOK_QUIET=meta,summary,success "$lefthook" run pre-commit >/dev/null
    # sed reads to the end: head would leave git a broken pipe, which pipefail reports.
    staged=$(git diff --cached --name-only | sed -n 1p)
    # Five rounds of 20 runs each, in turn (bench/rounds.py): the one-file case is a few milliseconds.
    run=(python3 "$root/bench/rounds.py" 5 "$out/hooks-$repo.json" -N --warmup 5 --runs 20 --
         "$keel hooks run pre-commit" "$lefthook run pre-commit")
    # The floor is measured in the same run as the one-file case only.
    if [ "$repo" = one ]; then run+=("$floor sh -c \"true '$staged'\""); fi
    echo "+ ${run[*]}"
    "${run[@]}"
    read -r ms[keel-$repo] ms[lefthook-$repo] ms[floor-$repo] < <(median "$out/hooks-$repo.json")
    kib[keel-$repo]=$(peak_kib "$keel" hooks run pre-commit)
    kib[lefthook-$repo]=$(peak_kib "$lefthook" run pre-commit)
done

python3 - "${ms[keel-one]}" "${ms[lefthook-one]}" "${ms[keel-many]}" "${ms[lefthook-many]}" \
          "${kib[keel-one]}" "${kib[lefthook-one]}" "${kib[keel-many]}" "${kib[lefthook-many]}" "${ms[floor-one]}" <<'PY'
import sys
k1, l1, km, lm = map(float, sys.argv[1:5])
rk1, rl1, rkm, rlm = (int(x) / 1024 for x in sys.argv[5:9])
f1 = float(sys.argv[9])
print("\n| repository | keel median | lefthook median | keel / lefthook | target | keel peak RSS | lefthook peak RSS |")
print("|---|---|---|---|---|---|---|")
print(f"| 1 staged file | {k1:.2f} ms | {l1:.2f} ms | 1/{l1 / k1:.1f} | <= 1/5 | {rk1:.1f} MiB | {rl1:.1f} MiB |")
print(f"| 1,000 staged of 10,000 files | {km:.2f} ms | {lm:.2f} ms | 1/{lm / km:.1f} | <= 1/5 | {rkm:.1f} MiB | {rlm:.1f} MiB |")
print(f"\nkeel peak memory target: <= 10 MiB ({max(rk1, rkm):.1f} MiB)")
print(f"process floor (bench/spawn-floor.c running the same command once): {f1:.2f} ms; "
      f"keel above it: {k1 - f1:.2f} ms (target <= 1.5); 1/5 of lefthook: {l1 / 5:.2f} ms")
PY
