#!/bin/bash
# Signing speed targets (issue 16), against minisign from Debian, both with
# an unencrypted key (so no scrypt is timed), medians of the same run:
#   1. `keel verify` of a 1 GiB file <= 1.0 x `minisign -V -H`
#   2. `keel sign` of the 1 GiB file <= 1.0 x `minisign -S`
#   3. `keel verify` of a small file <= 0.8 x `minisign -V`
# Beside the small-file run, bench/verify-floor.cpp built three ways shows
# the floor of that target on this machine: the same hashing and Ed25519
# checks with libsodium alone, with OpenSSL's libcrypto linked in, and in
# C++ parsing keel verify's command line with CLI11.
# Usage: bench/signing.sh [path/to/static/keel]   (default build-release/keel)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keel=$(realpath "${1:-$root/build-release/keel}")
out=$root/bench/out
mkdir -p "$out"
for tool in hyperfine minisign python3 g++; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' missing: run scripts/bootstrap" >&2; exit 2; }
done
file "$keel" | grep -q "statically linked" || echo "bench: warning: '$keel' is not the static build" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Time a copy, not the file the linker wrote (why: bench/README.md).
cp "$keel" "$work/keel"
keel=$work/keel
cd "$work"
export HOME=$work XDG_CONFIG_HOME=$work/config

# One key pair for both tools (minisign's, unencrypted), a 1 GiB file of
# random bytes and a small one, each signed once by each tool.
minisign -G -W -p key.pub -s key.key >/dev/null
head -c 1073741824 /dev/urandom > big
printf 'small\n' > small
"$keel" sign -s key.key big small
cp big.minisig big.keel.minisig
cp small.minisig small.keel.minisig
minisign -S -s key.key -m big -x big.minisign.minisig >/dev/null
minisign -S -s key.key -m small -x small.minisign.minisig >/dev/null
echo "minisign $(minisign -v | awk '{print $2}'); keel $("$keel" --version)"

floors=(sodium:-DFLOOR_SODIUM openssl:-DFLOOR_OPENSSL cli11:)
for floor in "${floors[@]}"; do
    # The linker warns about libcrypto's getaddrinfo in a static program: kept out of sight unless it fails.
    g++ -std=c++20 -O2 -static ${floor#*:} -o "floor-${floor%%:*}" "$root/bench/verify-floor.cpp" \
        -lsodium -lcrypto -pthread 2>floor.log || { cat floor.log >&2; exit 2; }
done
./floor-sodium make . small

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f" % (x["median"]*1000) for x in r))' "$1"; }

# The 1 GiB runs too go in five rotated rounds (bench/rounds.py), 4 runs each.
run1=(python3 "$root/bench/rounds.py" 5 "$out/verify-big.json" -N --warmup 1 --runs 4 --
      "$keel verify big -p key.pub -x big.keel.minisig -q"
      "minisign -V -H -p key.pub -m big -x big.minisign.minisig -q")
echo "+ ${run1[*]}"
"${run1[@]}"
read -r k_verify m_verify < <(median "$out/verify-big.json")

run2=(python3 "$root/bench/rounds.py" 5 "$out/sign-big.json" -N --warmup 1 --runs 4 --
      "$keel sign -s key.key big"
      "minisign -S -s key.key -m big")
echo "+ ${run2[*]}"
"${run2[@]}"
read -r k_sign m_sign < <(median "$out/sign-big.json")

# Milliseconds: five rounds of 100 runs each, in turn (bench/rounds.py).
run3=(python3 "$root/bench/rounds.py" 5 "$out/verify-small.json" -N --warmup 20 --runs 100 --
      "$keel verify small -p key.pub -x small.keel.minisig -q"
      "minisign -V -p key.pub -m small -x small.minisign.minisig -q"
      "./floor-sodium . small" "./floor-openssl . small"
      "./floor-cli11 verify . small -p key.pub -x small.keel.minisig -q")
echo "+ ${run3[*]}"
"${run3[@]}"
read -r k_small m_small f_sodium f_openssl f_cli11 < <(median "$out/verify-small.json")

python3 - "$k_verify" "$m_verify" "$k_sign" "$m_sign" "$k_small" "$m_small" <<'PY'
import sys
kv, mv, ks, ms, kq, mq = map(float, sys.argv[1:])
rows = [
    ("verify, 1 GiB, prehashed", kv, mv, "<= 1.0"),
    ("sign, 1 GiB, prehashed", ks, ms, "<= 1.0"),
    ("verify, small file", kq, mq, "<= 0.8"),
]
print("\n| measurement | keel median | minisign median | ratio | target |\n|---|---|---|---|---|")
for name, k, m, target in rows:
    print(f"| {name} | {k:.2f} ms | {m:.2f} ms | {k / m:.2f} | {target} |")
PY
python3 - "$m_small" "$f_sodium" "$f_openssl" "$f_cli11" <<'PY'
import sys
m, sodium, openssl, cli11 = map(float, sys.argv[1:])
print(f"\nfloor of the small-file target (bench/verify-floor.cpp), ratio to minisign -V: "
      f"libsodium alone {sodium:.2f} ms ({sodium / m:.2f}), with libcrypto linked {openssl:.2f} ms "
      f"({openssl / m:.2f}), in C++ with CLI11 parsing keel verify's options {cli11:.2f} ms ({cli11 / m:.2f})")
PY
