#!/bin/bash
# Release speed targets (issues 4 and 15), against git-cliff from npm:
#   1. `keel release next` median <= 1/5 of `git-cliff --unreleased --bumped-version`
#      (issue 15: with commits read through libgit2 alone; it was 1/10)
#   2. the full changelog: median <= 1/10 of git-cliff's, peak memory <= 1/4
# on a generated history of 100,000 Conventional Commits whose last release
# tag is 1,000 commits back (a tag every 1,000 commits). git-cliff takes about
# a minute per full changelog there, hence only three runs of those.
# Usage: bench/release.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine npm git python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel

# git-cliff, installed here and nowhere else.
echo "+ npm install --prefix $work/npm git-cliff"
npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error git-cliff >/dev/null
# The native binary from the platform package: node_modules/.bin/git-cliff is
# a Node wrapper that would add Node's start-up to every git-cliff figure.
cliff=$(find "$work/npm/node_modules" -path '*/bin/git-cliff' -type f -perm -u+x ! -name '*.js' | head -n 1)
[ -n "$cliff" ] || { echo "bench: error: no native git-cliff binary under $work/npm/node_modules" >&2; exit 1; }
echo "git-cliff at $cliff: $("$cliff" --version)"

# The history: 100,000 commits, one file changed each, made with git
# fast-import; v1.N.0 on every 1,000th commit, the last one 1,000 back.
repo=$work/repo
git init -q -b main "$repo"
python3 "$root/bench/gen-history.py" 100000 1000 | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
git -C "$repo" gc -q
echo "history: $(git -C "$repo" rev-list --count HEAD) commits, $(git -C "$repo" tag | wc -l) tags, last $(git -C "$repo" describe --tags --abbrev=0)"
cd "$repo"

echo "keel next: $("$keel" release next || true)   git-cliff next: $("$cliff" --unreleased --bumped-version 2>/dev/null || true)"

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f" % (x["median"]*1000) for x in r))' "$1"; }

run1=(hyperfine -N --warmup 5 --runs 50 --export-json "$out/release-next.json"
      "$keel release next" "$cliff --unreleased --bumped-version")
echo "+ ${run1[*]}"
"${run1[@]}"
read -r t_keel_next t_cliff_next < <(median "$out/release-next.json")

run2=(hyperfine --warmup 0 --runs 3 --export-json "$out/release-changelog.json"
      "$keel release changelog > /dev/null" "$cliff > /dev/null")
echo "+ ${run2[*]}"
"${run2[@]}"
read -r t_keel_log t_cliff_log < <(median "$out/release-changelog.json")

peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
m_keel=$(peak "$keel" release changelog)
m_cliff=$(peak "$cliff")

python3 - "$t_keel_next" "$t_cliff_next" "$t_keel_log" "$t_cliff_log" "$m_keel" "$m_cliff" <<'PY'
import sys
kn, cn, kl, cl, mk, mc = map(float, sys.argv[1:])
rows = [
    ("release next vs git-cliff --unreleased --bumped-version", f"{kn:.1f} ms vs {cn:.1f} ms", kn / cn, "<= 0.20"),
    ("full changelog, 100,000 commits", f"{kl:.1f} ms vs {cl:.1f} ms", kl / cl, "<= 0.10"),
    ("full changelog, peak memory", f"{mk / 1024:.1f} MiB vs {mc / 1024:.1f} MiB", mk / mc, "<= 0.25"),
]
print("\n| measurement | keel vs git-cliff | ratio | target |\n|---|---|---|---|")
for name, values, ratio, target in rows:
    print(f"| {name} | {values} | {ratio:.3f} | {target} |")
PY
