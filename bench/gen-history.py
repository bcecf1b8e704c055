#!/usr/bin/env python3
"""Writes a git fast-import stream of a Conventional Commits history to stdout.

Usage: bench/gen-history.py [COMMITS] [EVERY] | git fast-import --quiet
COMMITS commits (default 100,000) on refs/heads/main, one file changed each,
with tag v1.N.0 on every EVERY-th commit (default 1,000) except the last, so
the last release is EVERY commits back. Used by bench/release.sh.
"""
import sys
total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
every = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
kinds = ["feat", "fix", "chore", "docs", "perf", "refactor", "test", "fix", "feat", "ci"]
scopes = ["", "(core)", "(cli)", "(api)", ""]
w = sys.stdout.buffer.write
t = 1_600_000_000
for n in range(1, total + 1):
    kind = kinds[n % len(kinds)]
    bang = "!" if n % 997 == 0 else ""
    msg = f"{kind}{scopes[n % len(scopes)]}{bang}: change number {n}\n\nBody of change {n}, refs #{n % 500}.\n".encode()
    data = f"content {n}\n".encode()
    w(b"blob\nmark :%d\ndata %d\n%s\n" % (2 * n, len(data), data))
    w(b"commit refs/heads/main\nmark :%d\n" % (2 * n + 1))
    w(b"author Bench <bench@keel.invalid> %d +0000\ncommitter Bench <bench@keel.invalid> %d +0000\n" % (t + n, t + n))
    w(b"data %d\n%s" % (len(msg), msg))
    if n > 1:
        w(b"from :%d\n" % (2 * n - 1))
    w(b"M 100644 :%d src/file%d.txt\n\n" % (2 * n, n % 100))
    if n % every == 0 and n < total:
        w(b"tag v1.%d.0\nfrom :%d\ntagger Bench <bench@keel.invalid> %d +0000\ndata 0\n\n" % (n // every, 2 * n + 1, t + n))
