"""Every repository set-up commits through keel's hooks: split and sparse indexes, fsmonitor, worktrees, submodules, core.hooksPath."""

import os

import pytest

CONFIG = """\
[hooks.pre-commit.commands.fmt]
run = "sed -i s/todo/TODO/ {staged_files}"
stage_fixed = true
[hooks.pre-commit.commands.rec]
run = "printf '%s\\\\n' {staged_files} >> ../seen"
"""


def new_repo(sandbox, name="repo"):
    repo = sandbox.repo(name)
    (repo / "keel.toml").write_text(CONFIG)
    (repo / "src").mkdir()
    (repo / "src" / "a.txt").write_text("one\ntwo\nthree\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "d.txt").write_text("doc\n")
    sandbox.git("add", ".", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: files", cwd=repo)
    return repo


def install(sandbox, repo, *args):
    r = sandbox.keel("hooks", "install", *args, cwd=repo)
    assert r.code == 0, r


def commit_a_partial_change(sandbox, repo, path="src/a.txt"):
    """Stages a change with 'todo' in it, leaves another unstaged, and commits through the hook."""
    file = repo / path
    file.write_text("one todo\ntwo\nthree\n")
    sandbox.git("add", path, cwd=repo)
    file.write_text("one todo\ntwo\nthree unstaged\n")
    sandbox.git("commit", "-q", "-m", "feat: change", cwd=repo)
    assert sandbox.git("show", f"HEAD:{path}", cwd=repo) == "one TODO\ntwo\nthree\n"
    assert file.read_text() == "one TODO\ntwo\nthree unstaged\n"
    assert (repo.parent / "seen").read_text().splitlines()[-1] == path


def test_split_index(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("config", "core.splitIndex", "true", cwd=repo)
    sandbox.git("update-index", "--split-index", cwd=repo)
    assert list((repo / ".git").glob("sharedindex.*"))
    install(sandbox, repo)
    commit_a_partial_change(sandbox, repo)


def test_sparse_index_with_sparse_checkout(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("sparse-checkout", "set", "--cone", "--sparse-index", "src", cwd=repo)
    assert not (repo / "docs").exists()
    assert sandbox.git("ls-files", "--sparse", cwd=repo).split() == ["README", "docs/", "keel.toml", "src/a.txt"]
    install(sandbox, repo)
    commit_a_partial_change(sandbox, repo)


def test_fsmonitor_hook(sandbox):
    repo = new_repo(sandbox)
    monitor = sandbox.root / "fsmonitor"
    # Protocol 2: a token, then the paths that changed; "/" means all of them.
    monitor.write_text("#!/bin/sh\nprintf 'token\\0/\\0'\n")
    monitor.chmod(0o755)
    sandbox.git("config", "core.fsmonitor", str(monitor), cwd=repo)
    sandbox.git("config", "core.fsmonitorHookVersion", "2", cwd=repo)
    sandbox.git("status", cwd=repo)  # writes the index with its FSMN extension
    install(sandbox, repo)
    commit_a_partial_change(sandbox, repo)


def test_a_file_in_the_index_that_is_a_directory_in_the_work_tree(sandbox):
    repo = new_repo(sandbox)
    (repo / "docs" / "d.txt").unlink()
    (repo / "docs" / "d.txt").mkdir()
    (repo / "docs" / "d.txt" / "inside").write_text("x\n")
    install(sandbox, repo)
    commit_a_partial_change(sandbox, repo)
    assert sandbox.git("ls-files", "-s", "docs/d.txt", cwd=repo).startswith("100644 ")


def test_linked_worktree(sandbox):
    repo = new_repo(sandbox)
    install(sandbox, repo)
    other = sandbox.root / "other"
    sandbox.git("worktree", "add", "-q", "-b", "side", str(other), cwd=repo)
    commit_a_partial_change(sandbox, other)


def test_commit_inside_a_submodule(sandbox):
    inner = new_repo(sandbox, "inner-src")
    outer = sandbox.repo("outer")
    sandbox.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "inner", cwd=outer)
    sandbox.git("commit", "-q", "-m", "chore: submodule", cwd=outer)
    sub = outer / "inner"
    install(sandbox, sub)
    commit_a_partial_change(sandbox, sub)


@pytest.mark.parametrize("hooks_path", ["relative", "absolute"])
def test_core_hooks_path(sandbox, hooks_path):
    repo = new_repo(sandbox)
    target = ".githooks" if hooks_path == "relative" else str(sandbox.root / "shared-hooks")
    sandbox.git("config", "core.hooksPath", target, cwd=repo)
    install(sandbox, repo, "--force")
    commit_a_partial_change(sandbox, repo)
    directory = repo / target if hooks_path == "relative" else sandbox.root / "shared-hooks"
    assert os.access(directory / "pre-commit", os.X_OK)


def test_split_index_when_the_hook_is_run_by_hand(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("config", "core.splitIndex", "true", cwd=repo)
    sandbox.git("update-index", "--split-index", cwd=repo)
    (repo / "src" / "a.txt").write_text("one todo\ntwo\nthree\n")
    sandbox.git("add", "src/a.txt", cwd=repo)
    (repo / "src" / "a.txt").write_text("one todo\ntwo\nthree unstaged\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert sandbox.git("show", ":src/a.txt", cwd=repo) == "one TODO\ntwo\nthree\n"
    assert (repo / "src" / "a.txt").read_text() == "one TODO\ntwo\nthree unstaged\n"
