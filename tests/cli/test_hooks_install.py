"""keel hooks install, uninstall and status: shims in the directory git runs hooks from."""

import os
import stat
import subprocess

CONFIG = """\
[hooks.pre-commit.commands.check]
run = "echo checked {staged_files}"

[hooks.commit-msg.commands.msg]
run = "echo message {1}"
"""

MARKER = "# keel hooks shim"


def project(sandbox, config=CONFIG, name="repo"):
    repo = sandbox.repo(name)
    (repo / "keel.toml").write_text(config)
    return repo


def is_shim(path):
    return path.exists() and path.read_text().splitlines()[1].startswith(MARKER)


def test_install_writes_an_executable_shim_per_configured_hook(sandbox):
    repo = project(sandbox)
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert r.out == "pre-commit: installed\ncommit-msg: installed\nhooks directory: .git/hooks\n"
    for hook in ("pre-commit", "commit-msg"):
        shim = repo / ".git" / "hooks" / hook
        assert is_shim(shim)
        assert os.stat(shim).st_mode & stat.S_IXUSR
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_install_twice_is_up_to_date(sandbox):
    repo = project(sandbox)
    sandbox.keel("hooks", "install", cwd=repo)
    r = sandbox.keel("hooks", "install", "pre-commit", cwd=repo)
    assert (r.code, r.out) == (0, "pre-commit: up to date\nhooks directory: .git/hooks\n"), r


def test_git_commit_runs_the_installed_shim(sandbox):
    repo = project(sandbox)
    sandbox.keel("hooks", "install", cwd=repo)
    (repo / "a.txt").write_text("a\n")
    sandbox.git("add", "a.txt", "keel.toml", cwd=repo)
    proc = subprocess.run(["git", "commit", "-m", "feat: a"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    both = proc.stdout + proc.stderr
    assert "checked a.txt keel.toml" in both
    assert "message .git/COMMIT_EDITMSG" in both


def test_failing_hook_stops_git_commit(sandbox):
    repo = project(sandbox, "[hooks.pre-commit.commands.no]\nrun = \"echo refused; exit 3\"\n")
    sandbox.keel("hooks", "install", cwd=repo)
    (repo / "a.txt").write_text("a\n")
    sandbox.git("add", "a.txt", cwd=repo)
    proc = subprocess.run(["git", "commit", "-m", "feat: a"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "refused" in proc.stdout + proc.stderr
    assert "failed  no" in proc.stdout + proc.stderr
    assert sandbox.git("rev-list", "--count", "HEAD", cwd=repo).strip() == "1"


def test_existing_hook_is_kept_and_runs_first(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    legacy = hooks / "pre-commit"
    legacy.write_text("#!/bin/sh\necho legacy ran\n")
    legacy.chmod(0o755)
    r = sandbox.keel("hooks", "install", "pre-commit", cwd=repo)
    assert r.out == ("pre-commit: installed; the existing hook is kept as pre-commit.before-keel and runs first\n"
                     "hooks directory: .git/hooks\n"), r
    assert (hooks / "pre-commit.before-keel").read_text() == "#!/bin/sh\necho legacy ran\n"
    (repo / "a.txt").write_text("a\n")
    sandbox.git("add", "a.txt", cwd=repo)
    proc = subprocess.run(["sh", ".git/hooks/pre-commit"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.index("legacy ran") < proc.stdout.index("checked a.txt")


def test_failing_legacy_hook_fails_the_shim_before_keel_runs(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 4\n")
    (hooks / "pre-commit").chmod(0o755)
    sandbox.keel("hooks", "install", "pre-commit", cwd=repo)
    proc = subprocess.run(["sh", ".git/hooks/pre-commit"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 4
    assert "checked" not in proc.stdout


def test_install_refuses_to_overwrite_a_kept_hook(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\necho mine\n")
    (hooks / "pre-commit.before-keel").write_text("#!/bin/sh\necho older\n")
    r = sandbox.keel("hooks", "install", "pre-commit", cwd=repo)
    assert r.code == 1
    assert r.err == (f"keel: error: cannot keep hook '{hooks}/pre-commit' as '{hooks}/pre-commit.before-keel': that file exists\n"
                     "hint: move one of them away, then run keel hooks install again\n")
    assert (hooks / "pre-commit").read_text() == "#!/bin/sh\necho mine\n"


def test_uninstall_removes_shims_and_puts_kept_hooks_back(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\necho mine\n")
    sandbox.keel("hooks", "install", cwd=repo)
    (hooks / "post-checkout").write_text("#!/bin/sh\necho not keel's\n")
    r = sandbox.keel("hooks", "uninstall", cwd=repo)
    assert (r.code, r.out) == (0, "commit-msg: removed\npre-commit: removed; pre-commit.before-keel put back as pre-commit\n"), r
    assert (hooks / "pre-commit").read_text() == "#!/bin/sh\necho mine\n"
    assert not (hooks / "commit-msg").exists()
    assert (hooks / "post-checkout").read_text() == "#!/bin/sh\necho not keel's\n"
    r = sandbox.keel("hooks", "uninstall", cwd=repo)
    assert (r.code, r.out) == (0, "no keel hooks installed in .git/hooks\n"), r


def test_foreign_core_hooks_path_is_refused_without_force(sandbox):
    repo = project(sandbox)
    sandbox.git("config", "core.hooksPath", ".husky/_", cwd=repo)
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 1
    assert r.err == (f"keel: error: core.hooksPath is set to '{repo}/.husky/_', a directory keel did not set up\n"
                     "hint: another hook manager may own it: 'git config --unset core.hooksPath' to use git's own "
                     "directory, or 'keel hooks install --force' to install there (its hooks are kept and run first)\n")
    assert not (repo / ".husky").exists()
    r = sandbox.keel("hooks", "install", "--force", cwd=repo)
    assert r.code == 0, r
    assert is_shim(repo / ".husky" / "_" / "pre-commit")
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    # Once keel's shims are there, the directory is keel's too.
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r


def test_linked_worktree_installs_into_the_common_hooks_dir(sandbox):
    repo = project(sandbox)
    sandbox.git("add", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: config", cwd=repo)
    wt = sandbox.root / "wt"
    sandbox.git("worktree", "add", "-q", "-b", "side", str(wt), cwd=repo)
    r = sandbox.keel("hooks", "install", cwd=wt)
    assert r.code == 0, r
    assert r.out.endswith(f"hooks directory: {repo}/.git/hooks\n")
    assert is_shim(repo / ".git" / "hooks" / "pre-commit")
    (wt / "w.txt").write_text("w\n")
    sandbox.git("add", "w.txt", cwd=wt)
    proc = subprocess.run(["git", "commit", "-m", "feat: w"], cwd=wt, env=sandbox.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "checked w.txt" in proc.stdout + proc.stderr


def test_status_shows_drift(sandbox):
    repo = project(sandbox)
    r = sandbox.keel("hooks", "status", cwd=repo)
    assert (r.code, r.out) == (1, "hooks directory: .git/hooks\ncommit-msg: not installed\npre-commit: not installed\n"), r
    sandbox.keel("hooks", "install", cwd=repo)
    r = sandbox.keel("hooks", "status", cwd=repo)
    assert (r.code, r.out) == (0, "hooks directory: .git/hooks\ncommit-msg: installed\npre-commit: installed\n"), r
    (repo / "keel.toml").write_text("[hooks.pre-commit.commands.check]\nrun = \"true\"\n")
    shim = repo / ".git" / "hooks" / "pre-commit"
    shim.write_text(shim.read_text().replace("exec ", "exec  "))
    r = sandbox.keel("hooks", "status", cwd=repo)
    assert r.code == 1
    assert r.out == ("hooks directory: .git/hooks\n"
                     "commit-msg: not configured (keel's shim, but no [hooks.commit-msg])\n"
                     "pre-commit: outdated (run keel hooks install)\n"), r


def test_install_names_must_be_configured_git_hooks(sandbox):
    repo = project(sandbox, CONFIG + "[hooks.lint.commands.x]\nrun = \"true\"\n")
    r = sandbox.keel("hooks", "install", "pre-comit", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: unknown hook 'pre-comit'\nhint: did you mean 'pre-commit'?\n"), r
    r = sandbox.keel("hooks", "install", "pre-push", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: hook 'pre-push' is not configured\n"
                                  "hint: add a [hooks.pre-push] table to keel.toml\n"), r
    r = sandbox.keel("hooks", "install", "lint", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: hook 'lint' is not a git hook, so git never runs it\n"
                                  "hint: run it by hand with 'keel hooks run lint'\n"), r


def test_install_without_hooks_configured(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 3
    assert r.err.startswith("keel: error: no git hooks are configured\n")


def test_shim_without_keel_says_how_to_install_it(sandbox):
    repo = project(sandbox)
    sandbox.keel("hooks", "install", cwd=repo)
    shim = repo / ".git" / "hooks" / "pre-commit"
    text = shim.read_text().replace(os.environ["KEEL_BIN"], "/nonexistent/keel")
    shim.write_text(text)
    proc = subprocess.run(["sh", str(shim)], cwd=repo, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == ("keel: error: hook 'pre-commit' needs keel, which is not installed or not on PATH\n"
                           "hint: install keel and put it on PATH; git commit --no-verify skips the hook once\n")


def test_install_outside_a_repository(sandbox):
    r = sandbox.keel("hooks", "install")
    assert r.code == 2
    assert r.err.startswith(f"keel: error: not a git repository: '{sandbox.root}'\n")


def test_status_names_a_foreign_hook(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\necho mine\n")
    sandbox.keel("hooks", "install", "commit-msg", cwd=repo)
    r = sandbox.keel("hooks", "status", cwd=repo)
    assert r.code == 1
    assert r.out == ("hooks directory: .git/hooks\ncommit-msg: installed\n"
                     "pre-commit: foreign hook (not keel's; keel hooks install keeps it as pre-commit.before-keel)\n"), r


def test_install_removes_shims_of_hooks_no_longer_configured(sandbox):
    repo = project(sandbox)
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "commit-msg").write_text("#!/bin/sh\necho mine\n")
    sandbox.keel("hooks", "install", cwd=repo)
    (repo / "keel.toml").write_text("[hooks.pre-commit.commands.check]\nrun = \"true\"\n")
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.out == ("pre-commit: up to date\ncommit-msg: removed; commit-msg.before-keel put back as commit-msg (no longer configured)\n"
                     "hooks directory: .git/hooks\n"), r
    assert (hooks / "commit-msg").read_text() == "#!/bin/sh\necho mine\n"


def test_legacy_pre_push_and_keel_both_read_what_git_writes(sandbox):
    repo = project(sandbox, '[hooks.pre-push.commands.copy]\nrun = "cat > ../keel-saw"\n')
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-push").write_text("#!/bin/sh\ncat > ../legacy-saw\n")
    (hooks / "pre-push").chmod(0o755)
    sandbox.keel("hooks", "install", cwd=repo)
    remote = sandbox.root / "remote.git"
    sandbox.git("init", "-q", "--bare", str(remote), cwd=sandbox.root)
    sandbox.git("remote", "add", "origin", str(remote), cwd=repo)
    proc = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo, env=sandbox.env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    head = sandbox.git("rev-parse", "HEAD", cwd=repo).strip()
    expected = f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    assert (sandbox.root / "legacy-saw").read_text() == expected
    assert (sandbox.root / "keel-saw").read_text() == expected


def test_install_warns_about_a_hook_name_that_looks_like_a_typo(sandbox):
    repo = project(sandbox, CONFIG + "[hooks.pre_push.commands.x]\nrun = \"true\"\n")
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert r.err == "keel: warning: hook 'pre_push' is not a git hook, so it is not installed; did you mean 'pre-push'?\n"
    assert not (repo / ".git" / "hooks" / "pre_push").exists()
