"""A project with build outputs for keel dist's tests, and readers of its artifacts."""

import os
import subprocess
from pathlib import Path

SOURCE_DATE = 1700000000

FILES = {
    "README.md": "# tool\n",
    "LICENSE": "Copyright (c) 2023 Keel Test\n\nPermission is granted to use this test file for anything.\n",
    "man/tool.1": ".TH TOOL 1\n",
    "docs/guide/intro.md": "intro\n",
    "docs/guide/deep/more.md": "more\n",
    "docs/with space ü.txt": "unicode name\n",
}


def dist_project(sandbox, config, tag="v1.2.0", name="repo"):
    """A repository with a tool binary, docs and a keel.toml, committed and tagged."""
    repo = sandbox.repo(name)
    for path, text in FILES.items():
        p = repo / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    for arch in ("amd64", "arm64"):
        tool = repo / "build" / f"linux-{arch}" / "tool"
        tool.parent.mkdir(parents=True, exist_ok=True)
        tool.write_bytes(b"#!/bin/sh\necho tool " + arch.encode() + b"\n" + os.urandom(64))
        tool.chmod(0o755)
    (repo / "keel.toml").write_text(config)
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "feat: the tool", cwd=repo)
    if tag:
        sandbox.git("tag", tag, cwd=repo)
    return repo


def rewrite_config(sandbox, repo, text, tag="v1.2.0"):
    """A new keel.toml, committed, with the release tag moved onto it: keel dist builds releases from clean trees."""
    (repo / "keel.toml").write_text(text)
    sandbox.git("commit", "-q", "--allow-empty", "-am", "chore: new config", cwd=repo)
    sandbox.git("tag", "-f", tag, cwd=repo)


def dist(sandbox, repo, *args, env=None):
    full = {"SOURCE_DATE_EPOCH": str(SOURCE_DATE)}
    full.update(env or {})
    return sandbox.keel("dist", *args, cwd=repo, env=full)


def run(*cmd, cwd=None, env=None, input=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, input=input)
    assert p.returncode == 0, f"{cmd} failed: {p.stderr.decode(errors='replace')}"
    return p.stdout


def tree_of(directory: Path):
    """{relative path: (kind, mode, mtime, bytes or link target)} of an extracted tree."""
    out = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            p = Path(root) / name
            rel = p.relative_to(directory).as_posix()
            st = p.lstat()
            if p.is_symlink():
                out[rel] = ("link", None, None, os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir", st.st_mode & 0o7777, int(st.st_mtime), None)
            else:
                out[rel] = ("file", st.st_mode & 0o7777, int(st.st_mtime), p.read_bytes())
    return out
