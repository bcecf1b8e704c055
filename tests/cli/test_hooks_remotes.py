"""hooks.remotes: hook configuration shared from another repository, fetched with libgit2 and cached."""

import shutil


def shared_repo(sandbox, files, tag=None):
    """A repository (a real one, on disk) holding shared hook configuration."""
    repo = sandbox.repo("shared")
    for name, text in files.items():
        (repo / name).write_text(text)
    sandbox.git("add", *files, cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: shared hooks", cwd=repo)
    if tag:
        sandbox.git("tag", tag, cwd=repo)
    return repo


SHARED = """\
[hooks.pre-commit.commands.shared]
run = "echo shared >> ../trace"
[hooks.pre-commit.commands.adjusted]
run = "echo remote-version >> ../trace"
"""


def project(sandbox, remote):
    repo = sandbox.repo("project")
    (repo / "keel.toml").write_text(f"""\
[[hooks.remotes]]
git_url = "{remote}"
{{ref}}
[hooks.pre-commit]
parallel = false
[hooks.pre-commit.commands.adjusted]
run = "echo project-version >> ../trace"
""")
    return repo


def with_ref(repo, line):
    text = (repo / "keel.toml").read_text().replace("{ref}", line)
    (repo / "keel.toml").write_text(text)


def trace(sandbox):
    path = sandbox.root / "trace"
    lines = sorted(path.read_text().splitlines()) if path.exists() else []
    if path.exists():
        path.unlink()
    return lines


def test_a_remotes_hooks_run_under_the_projects_own_which_win(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED}, tag="v1")
    repo = project(sandbox, remote)
    with_ref(repo, 'ref = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.err == ""
    assert trace(sandbox) == ["project-version", "shared"]
    # keel hooks install installs the remote's hooks too.
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert "pre-commit: " in r.out


def test_the_copy_is_cached_and_used_when_the_remote_is_gone(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED}, tag="v1")
    repo = project(sandbox, remote)
    with_ref(repo, 'ref = "v1"')
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo).code == 0
    copies = list((sandbox.home / ".cache" / "keel" / "hooks-remotes").glob("*.git"))
    assert len(copies) == 1 and (copies[0] / "HEAD").exists()
    shutil.rmtree(remote)
    trace(sandbox)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert trace(sandbox) == ["project-version", "shared"]


def test_refetch_follows_the_branch_and_falls_back_on_the_copy_with_a_warning(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    repo = project(sandbox, remote)
    with_ref(repo, 'ref = "main"\nrefetch = true')
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo).code == 0
    assert trace(sandbox) == ["project-version", "shared"]
    (remote / "keel.toml").write_text(SHARED.replace("echo shared", "echo shared-v2"))
    sandbox.git("commit", "-q", "-am", "chore: v2", cwd=remote)
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo).code == 0
    assert trace(sandbox) == ["project-version", "shared-v2"]
    shutil.rmtree(remote)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.err.startswith(f"keel: warning: keel.toml:1:1: cannot fetch '{remote}'"), r.err
    assert r.err.endswith("; using the copy fetched before\n"), r.err
    assert trace(sandbox) == ["project-version", "shared-v2"]


def test_a_remote_lefthook_file_is_migrated_as_it_is_read(sandbox):
    remote = shared_repo(sandbox, {"lefthook.yml": "pre-commit:\n  commands:\n    lint:\n      run: echo lint >> ../trace\n"})
    repo = project(sandbox, remote)
    with_ref(repo, 'configs = ["lefthook.yml"]')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert trace(sandbox) == ["lint", "project-version"]


def test_bad_remotes_are_errors_naming_the_place(sandbox):
    repo = project(sandbox, sandbox.root / "missing")
    with_ref(repo, 'reff = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.toml:3:1: unknown key 'reff' in remote 1 of hooks.remotes; did you mean 'ref'?\n"
    with_ref(repo, "")
    (repo / "keel.toml").write_text((repo / "keel.toml").read_text().replace("reff", "ref"))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert r.err.startswith(f"keel: error: keel.toml:1:1: cannot fetch '{sandbox.root / 'missing'}'"), r.err
    assert not (sandbox.home / ".cache" / "keel" / "hooks-remotes").exists() or not list(
        (sandbox.home / ".cache" / "keel" / "hooks-remotes").iterdir())


def test_a_remote_file_with_an_unknown_key_is_an_error_with_its_position(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": "[hooks.pre-commit.commands.x]\nrunn = \"true\"\n"}, tag="v1")
    repo = project(sandbox, remote)
    with_ref(repo, 'ref = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == (f"keel: error: {remote}@v1:keel.toml:2:1: unknown key 'hooks.pre-commit.commands.x.runn'; "
                     "did you mean 'hooks.pre-commit.commands.x.run'?\n")


def test_a_migrated_lefthook_remote_reads_the_remotes_lefthook_file(sandbox):
    remote = shared_repo(sandbox, {"linters.yml": "pre-commit:\n  commands:\n    lint:\n      run: echo lint >> ../trace\n"},
                         tag="v2")
    repo = sandbox.repo("project")
    (repo / "lefthook.yml").write_text(f"remotes:\n  - git_url: {remote}\n    ref: v2\n    configs: [linters.yml]\n")
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 0 and r.err == "", r
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert trace(sandbox) == ["lint"]
