#!/bin/bash
# Foundation speed targets (issue: foundation):
#   1. `keel --version` median <= 1.5 x `/bin/true`, same hyperfine run
#   2. `keel config get KEY` with system, user, project and local config files
#      present: median <= 2 x `keel --version`, same run
#   3. stripped static binary <= 8 MiB
# Usage: bench/foundation.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench: error: hyperfine missing: run scripts/bootstrap" >&2; exit 2; }
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

# A repository with every file layer present.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel
mkdir -p "$work/etc" "$work/home/.config/keel" "$work/repo"
printf '[ui]\ncolor = "never"\n' > "$work/etc/config.toml"
printf '[log]\nformat = "text"\n' > "$work/home/.config/keel/config.toml"
git -C "$work/repo" init -q -b main
printf '# project\n[log]\nlevel = "info"\n\n[process]\ngrace_period = 3\n' > "$work/repo/keel.toml"
printf '[log]\nlevel = "debug"\n' > "$work/repo/keel.local.toml"
export KEEL_SYSTEM_CONFIG_DIR=$work/etc HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
cd "$work/repo"
[ "$("$keel" config get log.level)" = debug ] || { echo "bench: error: layers not picked up" >&2; exit 1; }

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f" % (x["median"]*1000) for x in r))' "$1"; }

run1=(hyperfine -N --warmup 100 --runs 2000 --export-json "$out/version-vs-true.json" /bin/true "$keel --version")
echo "+ ${run1[*]}"
"${run1[@]}"
read -r t_true t_version < <(median "$out/version-vs-true.json")

run2=(hyperfine -N --warmup 100 --runs 2000 --export-json "$out/config-get.json" "$keel --version" "$keel config get log.level")
echo "+ ${run2[*]}"
"${run2[@]}"
read -r t_version2 t_get < <(median "$out/config-get.json")

strip -o "$work/keel.stripped" "$keel"
size=$(stat -c %s "$work/keel.stripped")

python3 - "$t_true" "$t_version" "$t_version2" "$t_get" "$size" <<'PY'
import sys
t_true, t_version, t_version2, t_get, size = map(float, sys.argv[1:])
mib = size / 1024 / 1024
rows = [
    ("keel --version vs /bin/true", f"{t_version:.3f} ms vs {t_true:.3f} ms", t_version / t_true, "<= 1.5x"),
    ("keel config get (4 layers) vs keel --version", f"{t_get:.3f} ms vs {t_version2:.3f} ms", t_get / t_version2, "<= 2x"),
]
print("\n| measurement | medians | ratio | target |\n|---|---|---|---|")
for name, medians, ratio, target in rows:
    print(f"| {name} | {medians} | {ratio:.2f}x | {target} |")
print(f"| stripped static binary | {int(size):,} bytes | {mib:.2f} MiB | <= 8 MiB |")
PY
