#!/bin/bash
# Artifact speed targets (issue 18), on a tree of 2,000 files of about
# 200 MB copied from this machine's /usr (programs, libraries, documents):
#   1. tar.gz plus its SHA-256 line: keel dist <= 0.5 x
#      tar --sort=name ... | gzip -9n, then sha256sum; output no larger
#   2. tar.zst: keel dist <= 1.0 x tar ... | zstd -19 -T0, no larger
#   3. .deb: keel dist <= 1.0 x dpkg-deb --root-owner-group --build
# Usage: bench/dist.sh [path/to/static/keel]   (default build-release/keel)
#        ONLY=gz|zst|deb bench/dist.sh ...       (one comparison)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine tar gzip zstd sha256sum dpkg-deb python3; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config KEEL_SYSTEM_CONFIG_DIR=$work/etc GIT_CONFIG_NOSYSTEM=1
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$HOME" "$KEEL_SYSTEM_CONFIG_DIR"
echo "keel: $("$keel" --version | head -n 1)"
echo "tar: $(tar --version | head -n 1); gzip: $(gzip --version | head -n 1); zstd: $(zstd --version)"
echo "dpkg-deb: $(dpkg-deb --version | head -n 1)"

# The tree: regular files of 50-400 KB from /usr, in 40 directories.
tree=$work/tree
python3 - "$tree" <<'PY'
import os, shutil, sys
out, n, total = sys.argv[1], 0, 0
for root, dirs, files in os.walk("/usr"):
    dirs.sort()
    for f in sorted(files):
        p = os.path.join(root, f)
        if os.path.islink(p) or not os.path.isfile(p) or not 50_000 <= os.path.getsize(p) <= 400_000:
            continue
        d = os.path.join(out, "d%02d" % (n % 40))
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(p, os.path.join(d, "%04d_%s" % (n, f)))
        n, total = n + 1, total + os.path.getsize(p)
        if n == 2000 or total >= 200 << 20:
            print(f"tree: {n} files, {total / 2**20:.1f} MiB")
            sys.exit(0)
PY

median() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%.3f" % r["median"] for r in d["results"]))' "$1"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
size() { stat -c %s "$1"; }
project() {  # name, keel.toml text
    mkdir -p "$work/$1"
    git -C "$work/$1" init -q
    printf '%s\n' "$2" > "$work/$1/keel.toml"
}
# GNU tar's reproducible flags; written out in each command, which hyperfine
# runs through sh.
tar_tree="tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$SOURCE_DATE_EPOCH -C $tree -c ."

# One comparison: hyperfine on keel dist in project NAME and the baseline,
# then both outputs' sizes. Arguments: name, runs, keel's artifact, the
# baseline's output, the baseline command.
compare() {
    local name=$1 runs=$2 artifact=$3 base_out=$4 base_cmd=$5
    cd "$work/$name"
    echo "+ hyperfine ($name)"
    hyperfine --shell=bash --export-json "$out/dist-$name.json" --runs "$runs" --prepare "rm -rf dist $base_out" \
        "$keel dist --version 1.0.0" "$base_cmd" >/dev/null
    read -r k b < <(median "$out/dist-$name.json")
    "$keel" dist --clean --version 1.0.0 >/dev/null
    bash -c "$base_cmd"
    ks=$(size "dist/$artifact"); bs=$(size "$base_out")
}

archive_toml() { printf '[dist]\nname = "bench"\n[[dist.archives]]\nformat = "%s"\nfiles = [{ src = "%s", dst = "." }]\n' "$1" "$tree"; }

wanted() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

# 1. tar.gz and its checksum line.
if wanted gz; then
project gz "$(archive_toml tar.gz)"
compare gz 3 bench_1.0.0_linux_amd64.tar.gz "$work/base.tar.gz" \
    "set -o pipefail; $tar_tree | gzip -9n > $work/base.tar.gz && sha256sum $work/base.tar.gz > $work/base.sums"
echo "tar.gz: keel $k s ($ks bytes), tar|gzip -9n + sha256sum $b s ($bs bytes); keel/baseline $(ratio "$k" "$b") (target <= 0.5), size $(ratio "$ks" "$bs") (target <= 1.0)"
fi

# 2. tar.zst.
if wanted zst; then
project zst "$(archive_toml tar.zst)"
compare zst 1 bench_1.0.0_linux_amd64.tar.zst "$work/base.tar.zst" "set -o pipefail; $tar_tree | zstd -q -19 -T0 -o $work/base.tar.zst -f"
echo "tar.zst: keel $k s ($ks bytes), tar|zstd -19 -T0 $b s ($bs bytes); keel/baseline $(ratio "$k" "$b") (target <= 1.0), size $(ratio "$ks" "$bs") (target <= 1.0)"
fi

# 3. .deb: the tree under /usr/share/bench, against dpkg-deb on the same tree.
if wanted deb; then
project deb "$(printf '[dist]\nname = "bench"\n[[dist.packages]]\npackage = "bench"\nmaintainer = "Bench <bench@keel.invalid>"\ndescription = "benchmark package"\ncopyright = "COPYING"\ncontents = [{ src = "%s", dst = "/usr/share/bench/" }]\n' "$tree")"
echo "Copyright 2026 bench" > "$work/deb/COPYING"
pkg=$work/pkgroot
mkdir -p "$pkg/DEBIAN" "$pkg/usr/share"
cp -a "$tree" "$pkg/usr/share/bench"
printf 'Package: bench\nVersion: 1.0.0-1\nArchitecture: amd64\nMaintainer: Bench <bench@keel.invalid>\nDescription: benchmark package\n' > "$pkg/DEBIAN/control"
compare deb 3 bench_1.0.0-1_amd64.deb "$work/base.deb" "dpkg-deb --root-owner-group --build $pkg $work/base.deb >/dev/null"
echo ".deb: keel $k s ($ks bytes), dpkg-deb --build $b s ($bs bytes); keel/dpkg-deb $(ratio "$k" "$b") (target <= 1.0)"
fi

stripped=$work/keel.stripped
strip -o "$stripped" "$keel"
echo "stripped static binary: $(( $(size "$stripped") / 1024 )) KiB (budget 10240 KiB)"
