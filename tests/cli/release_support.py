"""Helpers for the test_release_*.py files: repositories with a given history."""

import itertools
from pathlib import Path

_counter = itertools.count()

# 2026-01-02 12:00:00 UTC: commits and releases get this date.
EPOCH = "1767355200"
DATE = "2026-01-02"


def pin_dates(sandbox):
    """Makes every commit, tag and changelog date in the sandbox the same."""
    sandbox.env["GIT_AUTHOR_DATE"] = f"@{EPOCH} +0000"
    sandbox.env["GIT_COMMITTER_DATE"] = f"@{EPOCH} +0000"
    sandbox.env["SOURCE_DATE_EPOCH"] = EPOCH


def new_repo(sandbox, name="repo") -> Path:
    pin_dates(sandbox)
    return sandbox.repo(name)


def commit(sandbox, repo: Path, message: str, path: str = None) -> str:
    """Changes a file (a fresh one unless path is given) and commits; returns the full id."""
    n = next(_counter)
    target = repo / (path or f"file{n}.txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"change {n}\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", message, cwd=repo)
    return head(sandbox, repo)


def head(sandbox, repo: Path, rev: str = "HEAD") -> str:
    return sandbox.git("rev-parse", rev, cwd=repo).strip()


def short(full: str) -> str:
    return full[:7]


def tags(sandbox, repo: Path) -> list:
    return sandbox.git("tag", "--list", cwd=repo).split()


def state(sandbox, repo: Path) -> dict:
    """What all-or-nothing must keep: refs, index, work tree status and every file's bytes."""
    status = sandbox.git("status", "--porcelain", "--untracked-files=all", cwd=repo)
    files = {}
    for p in sorted(repo.rglob("*")):
        if ".git" in p.relative_to(repo).parts or not p.is_file():
            continue
        files[str(p.relative_to(repo))] = p.read_bytes()
    return {
        "refs": sandbox.git("for-each-ref", "--format=%(refname) %(objectname)", cwd=repo),
        "head": sandbox.git("symbolic-ref", "HEAD", cwd=repo),
        # The index's entries; its stat data changes whenever a file is
        # rewritten, even with the same bytes.
        "index": sandbox.git("ls-files", "--stage", cwd=repo),
        "status": status,
        "files": files,
    }
