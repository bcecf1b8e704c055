"""keel hooks install over hooks that other tools wrote: the pre-commit framework, husky 9, older husky, a hand-written hook."""

import os
import shutil
import stat
import subprocess

from conftest import tool_path

CONFIG = '[hooks.pre-commit.commands.mark]\nrun = "echo keel-ran >> ../ran"\n'


def project(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(CONFIG)
    sandbox.git("add", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: keel", cwd=repo)
    return repo


def commit_something(sandbox, repo, name="a.txt"):
    (repo / name).write_text("a\n")
    sandbox.git("add", name, cwd=repo)
    return subprocess.run(["git", "commit", "-q", "-m", f"feat: {name}"], cwd=repo, env=sandbox.env,
                          capture_output=True, text=True)


def ran(sandbox):
    path = sandbox.root / "ran"
    return path.read_text().split() if path.exists() else []


def file_state(path):
    st = os.lstat(path)
    return path.read_bytes(), stat.S_IMODE(st.st_mode)


def test_install_over_the_pre_commit_frameworks_hook_chains_it_and_uninstall_puts_it_back(sandbox):
    assert shutil.which("pre-commit"), "pre-commit is missing: run scripts/bootstrap"
    repo = project(sandbox)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mark\n    name: mark\n"
        "    entry: sh -c 'echo pre-commit-ran >> ../ran'\n    language: system\n    pass_filenames: false\n")
    sandbox.git("add", ".pre-commit-config.yaml", cwd=repo)
    proc = subprocess.run(["pre-commit", "install"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    hook = repo / ".git" / "hooks" / "pre-commit"
    before = file_state(hook)

    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert "pre-commit: installed; the existing hook is kept as pre-commit.before-keel and runs first\n" in r.out
    proc = commit_something(sandbox, repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["pre-commit-ran", "keel-ran"]

    r = sandbox.keel("hooks", "uninstall", cwd=repo)
    assert r.code == 0, r
    assert file_state(hook) == before
    assert not (repo / ".git" / "hooks" / "pre-commit.before-keel").exists()
    proc = commit_something(sandbox, repo, "b.txt")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["pre-commit-ran", "keel-ran", "pre-commit-ran"]


def test_husky_9_is_refused_even_with_force_and_its_hooks_keep_running(sandbox):
    repo = project(sandbox)
    proc = subprocess.run([str(tool_path("husky"))], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (repo / ".husky" / "pre-commit").write_text("echo husky-ran >> ../ran\n")
    sandbox.git("add", ".husky/pre-commit", cwd=repo)
    dispatchers = repo / ".husky" / "_"
    before = {p.name: file_state(p) for p in dispatchers.iterdir()}
    for args in ([], ["--force"]):
        r = sandbox.keel("hooks", "install", *args, cwd=repo)
        assert r.code == 1, r
        assert r.err == (
            f"keel: error: core.hooksPath is set to '{dispatchers}', husky's directory: a keel hook there would stop "
            "your .husky hooks from running\n"
            "hint: run keel from your husky hooks (add 'keel hooks run pre-commit' to .husky/pre-commit), or remove "
            "husky first ('git config --unset core.hooksPath') and run 'keel hooks install' again\n")
    assert {p.name: file_state(p) for p in dispatchers.iterdir()} == before
    proc = commit_something(sandbox, repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["husky-ran"]


def test_older_husky_hooks_that_git_tracks_are_never_renamed(sandbox):
    # husky 4 to 8: core.hooksPath=.husky, the hooks themselves committed.
    repo = project(sandbox)
    husky = repo / ".husky"
    (husky / "_").mkdir(parents=True)
    (husky / "_" / "husky.sh").write_text("#!/usr/bin/env sh\n")
    (husky / "_" / ".gitignore").write_text("*\n")
    (husky / "pre-commit").write_text('#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\necho husky-ran >> ../ran\n')
    (husky / "pre-commit").chmod(0o755)
    sandbox.git("add", ".husky/pre-commit", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: husky", cwd=repo)
    sandbox.git("config", "core.hooksPath", ".husky", cwd=repo)
    before = file_state(husky / "pre-commit")
    r = sandbox.keel("hooks", "install", "--force", cwd=repo)
    assert r.code == 1, r
    assert r.err == (f"keel: error: cannot install hook 'pre-commit' over '{husky}/pre-commit': git tracks that file, "
                     "and keel never renames or rewrites tracked files\n"
                     "hint: run keel from it instead, with the line: keel hooks run pre-commit -- \"$@\"\n")
    assert file_state(husky / "pre-commit") == before
    assert sorted(p.name for p in husky.iterdir()) == ["_", "pre-commit"]
    assert sandbox.git("status", "--porcelain", cwd=repo) == ""
    proc = commit_something(sandbox, repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["husky-ran"]


def test_a_hand_written_hook_comes_back_byte_for_byte_with_its_mode(sandbox):
    repo = project(sandbox)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(b"#!/bin/sh\necho hand-ran >> ../ran\n# \xff not UTF-8, CRLF\r\n")
    hook.chmod(0o750)
    before = file_state(hook)
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    proc = commit_something(sandbox, repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["hand-ran", "keel-ran"]
    r = sandbox.keel("hooks", "uninstall", cwd=repo)
    assert r.code == 0, r
    assert file_state(hook) == before


def test_a_hook_an_older_keel_kept_as_legacy_moves_to_the_new_name_on_update(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    # What keel wrote before this version: the old hook as .legacy, a shim that runs it.
    shim = hooks / "pre-commit"
    shim.write_text(shim.read_text().replace('legacy="$0.before-keel"', 'legacy="$0.legacy"'))
    (hooks / "pre-commit.legacy").write_text("#!/bin/sh\necho old-ran >> ../ran\n")
    (hooks / "pre-commit.legacy").chmod(0o755)
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert "pre-commit: updated\n" in r.out
    assert not (hooks / "pre-commit.legacy").exists()
    proc = commit_something(sandbox, repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(sandbox) == ["old-ran", "keel-ran"]
