"""keel dist gives the same bytes for the same commit: two builds in different directories, time zones,
umasks, locales, users and file times, every archive format and a Debian package, compared byte for byte (diffoscope shows any difference)."""

import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import KEEL_BIN
from test_dist import ALL_FORMATS
from test_dist_deb import package_project

# Every archive format and a Debian package, for two targets, all signed.
ARCHIVES = ALL_FORMATS.split('name = "tool"\n', 1)[1]
SIGNED = """
[dist.sign]
artifacts = "all"
"""


def scramble_times(tree: Path):
    rng = random.Random(7)
    for root, dirs, files in os.walk(tree):
        if ".git" in root.split(os.sep):
            continue
        for name in files + dirs:
            t = rng.randrange(1_000_000_000, 1_900_000_000)
            os.utime(Path(root) / name, (t, t), follow_symlinks=False)


def build(keel, repo, env, umask, user=None):
    cmd = ["sh", "-c", f'umask {umask} && exec "$0" dist', keel]
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    p = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return repo / "dist"


def test_two_machines_build_the_same_bytes(sandbox):
    source = package_project(sandbox, extra='targets = ["linux/amd64", "linux/arm64"]', more=ARCHIVES + SIGNED)
    key = sandbox.root / "keel.key"
    r = sandbox.keel("key", "generate", "--unencrypted", "-p", sandbox.root / "keel.pub", "-s", key)
    assert r.code == 0, r
    # The second machine: another directory, user, umask, time zone and
    # locale, and files whose times say nothing about the commit.
    other = Path(tempfile.mkdtemp(prefix="keel-dist-other-", dir="/tmp"))
    try:
        other.chmod(0o755)
        keel = other / "keel"
        shutil.copy2(KEEL_BIN, keel)
        clone = other / "elsewhere" / "checkout"
        clone.parent.mkdir()
        subprocess.run(["sh", "-c", 'umask 077 && exec git clone -q "$0" "$1"', str(source), str(clone)], check=True,
                       env=sandbox.env)
        scramble_times(clone)
        # Both machines cloned from the same forge.
        sandbox.git("remote", "add", "origin", "https://forge.invalid/team/tool.git", cwd=source)
        sandbox.git("remote", "set-url", "origin", "https://forge.invalid/team/tool.git", cwd=clone)
        home = other / "home"
        home.mkdir()
        subprocess.run(["chown", "-R", "65534:65534", str(other)], check=True)
        base = {"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "", "KEEL_SIGNING_KEY": key.read_text()}
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                base[name] = os.environ[name]
        first = build(KEEL_BIN, source, dict(base, HOME=str(sandbox.home), TZ="UTC", LC_ALL="C.UTF-8"), "022")
        second = build(str(keel), clone, dict(base, HOME=str(home), TZ="Pacific/Kiritimati", LC_ALL="C",
                                              LANG="de_DE.UTF-8"), "077", user="65534")
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        # artifacts and signatures; checksums, provenance and their signatures; manifest
        assert len(names) == 2 * 6 * 2 + 4 + 1
        assert "keel-tool_1.2.0-1_arm64.deb" in names
        differ = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
        if differ:
            report = subprocess.run(["diffoscope", "--text", "-", str(first / differ[0]), str(second / differ[0])],
                                    capture_output=True, text=True)
            pytest.fail(f"{differ} differ between the two builds:\n{report.stdout[:20000]}{report.stderr[:2000]}")
    finally:
        shutil.rmtree(other, ignore_errors=True)
