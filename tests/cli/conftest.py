"""Shared fixtures for keel's integration tests.

Every test runs the built binary ($KEEL_BIN) in its own temporary directory
with a clean environment: HOME, XDG_CONFIG_HOME and the system config
directory point into the test's sandbox, so no test sees the developer's
configuration or another test's files. Repositories are made with the real
`git`.
"""

import os
import shlex
import subprocess
from pathlib import Path

import pytest

KEEL_BIN = os.environ.get("KEEL_BIN", "")
# Real tools that tests install over or compare with (scripts/bootstrap puts
# them there): husky and lefthook from npm.
TEST_TOOLS = Path(os.environ.get("KEEL_TEST_TOOLS", "/opt/keel-test-tools"))


def tool_path(name: str) -> Path:
    """The path of a tool scripts/bootstrap installs for the tests; fails, never skips, when it is missing."""
    path = TEST_TOOLS / "node_modules" / ".bin" / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run scripts/bootstrap")
    return path


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"<exit {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}>"


class Sandbox:
    """A temporary home with helpers to run keel and git inside it."""

    def __init__(self, root: Path):
        self.root = root
        self.home = root / "home"
        self.xdg = self.home / ".config"
        self.etc = root / "etc-keel"
        for d in (self.home, self.xdg, self.etc):
            d.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.xdg),
            "KEEL_SYSTEM_CONFIG_DIR": str(self.etc),
            "LC_ALL": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Keel Test",
            "GIT_AUTHOR_EMAIL": "test@keel.invalid",
            "GIT_COMMITTER_NAME": "Keel Test",
            "GIT_COMMITTER_EMAIL": "test@keel.invalid",
            "TMPDIR": str(root),
        }
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                self.env[name] = os.environ[name]

    def keel(self, *args, cwd=None, env=None, input=None, timeout=60) -> Result:
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run(
            [KEEL_BIN, *map(str, args)],
            cwd=str(cwd or self.root),
            env=full_env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Result(proc)

    def git(self, *args, cwd) -> str:
        proc = subprocess.run(
            ["git", *map(str, args)], cwd=str(cwd), env=self.env, capture_output=True, text=True
        )
        assert proc.returncode == 0, f"git {shlex.join(map(str, args))} failed:\n{proc.stderr}"
        return proc.stdout

    def write(self, path, text: str) -> Path:
        p = self.root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def repo(self, name="repo", commit=True) -> Path:
        """A git repository with one commit on branch main (unless commit=False)."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main", ".", cwd=path)
        if commit:
            (path / "README").write_text("hello\n")
            self.git("add", "README", cwd=path)
            self.git("commit", "-q", "-m", "chore: initial commit", cwd=path)
        return path


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    if not KEEL_BIN:
        pytest.fail("KEEL_BIN is not set; run the tests through `meson test`")
    return Sandbox(tmp_path)


def pytest_collection_modifyitems(config, items):
    """Runs one shard of the suite when KEEL_CLI_SHARD is "K/N" (1 <= K <= N).

    meson runs the shards as separate tests, side by side on every core. Tests
    are dealt out in turn rather than by file, so that the slow files (the
    signal and server tests) are spread over every shard. Each test makes its
    own sandbox, so any split is valid.
    """
    shard = os.environ.get("KEEL_CLI_SHARD")
    if not shard:
        return
    k, n = (int(part) for part in shard.split("/"))
    if not 1 <= k <= n:
        raise pytest.UsageError(f"KEEL_CLI_SHARD={shard!r}: K must be between 1 and N")
    kept = [item for index, item in enumerate(items) if index % n == k - 1]
    dropped = [item for index, item in enumerate(items) if index % n != k - 1]
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept
