"""keel release: preconditions, the steps, all or nothing, dry run, push and monorepos."""

from release_support import DATE, commit, head, new_repo, short, state, tags


def ready(sandbox, config=""):
    """A repository released as v1.0.0 with a feature since, a VERSION file and a changelog."""
    repo = new_repo(sandbox)
    (repo / "VERSION").write_text("1.0.0\n")
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0\n\n* old\n")
    (repo / "keel.toml").write_text('[[release.files]]\npath = "VERSION"\n' + config)
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: project", cwd=repo)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    feat = commit(sandbox, repo, "feat: shiny")
    return repo, feat


def test_release_writes_commits_and_tags(sandbox):
    repo, feat = ready(sandbox)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (0, "released 1.1.0 as v1.1.0\n"), r
    assert r.err == "releasing 1.1.0 (1.0.0 -> 1.1.0, minor)\n"
    section = f"## 1.1.0 ({DATE})\n\n### Features\n\n* shiny ({short(feat)})\n\n"
    assert (repo / "VERSION").read_text() == "1.1.0\n"
    assert (repo / "CHANGELOG.md").read_text() == "# Changelog\n\n" + section + "## 1.0.0\n\n* old\n"
    assert sandbox.git("log", "-1", "--format=%s", cwd=repo) == "chore(release): 1.1.0\n"
    assert sandbox.git("cat-file", "-t", "v1.1.0", cwd=repo) == "tag\n"
    assert sandbox.git("cat-file", "tag", "v1.1.0", cwd=repo).endswith("\n\n" + section)
    assert head(sandbox, repo, "v1.1.0^{commit}") == head(sandbox, repo)
    assert sandbox.git("status", "--porcelain", cwd=repo) == ""
    # HEAD is released now.
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.err) == (3, "keel: nothing to release: HEAD is already released as 'v1.1.0'\n")


def test_hooks_get_the_versions(sandbox):
    config = ('[release]\nbefore = ["echo \\"$KEEL_PREVIOUS_VERSION $KEEL_VERSION $KEEL_TAG\\" > ../before.txt"]\n'
              'after = ["git describe --exact-match > ../after.txt"]\n'
              'commit_message = "release {version} (was {previous_version})"\n')
    repo, _ = ready(sandbox, config)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "before.txt").read_text() == "1.0.0 1.1.0 v1.1.0\n"
    assert (sandbox.root / "after.txt").read_text() == "v1.1.0\n"
    assert sandbox.git("log", "-1", "--format=%s", cwd=repo) == "release 1.1.0 (was 1.0.0)\n"


def test_pre_release_then_promotion(sandbox):
    repo, _ = ready(sandbox)
    assert sandbox.keel("release", "--pre", "rc", cwd=repo).out == "released 1.1.0-rc.1 as v1.1.0-rc.1\n"
    commit(sandbox, repo, "fix: more")
    assert sandbox.keel("release", "--pre", "rc", cwd=repo).out == "released 1.1.0-rc.2 as v1.1.0-rc.2\n"
    r = sandbox.keel("release", cwd=repo)
    assert r.out == "released 1.1.0 as v1.1.0\n", r
    assert (repo / "VERSION").read_text() == "1.1.0\n"
    assert tags(sandbox, repo) == ["v1.0.0", "v1.1.0", "v1.1.0-rc.1", "v1.1.0-rc.2"]


def test_dry_run_writes_nothing(sandbox):
    repo, feat = ready(sandbox, '[release]\nbefore = ["touch ../ran"]\n')
    before = state(sandbox, repo)
    r = sandbox.keel("release", "--dry-run", "--push", cwd=repo)
    assert r.code == 0, r
    assert r.out == ("would release 1.1.0 (1.0.0 -> 1.1.0, minor)\n"
                     "  run release.before: touch ../ran\n"
                     "  update VERSION\n"
                     "  update CHANGELOG.md\n"
                     "  commit 'chore(release): 1.1.0'\n"
                     "  tag v1.1.0 (annotated)\n"
                     "  push main v1.1.0 to origin\n"
                     f"\n## 1.1.0 ({DATE})\n\n### Features\n\n* shiny ({short(feat)})\n\n")
    assert state(sandbox, repo) == before
    assert not (sandbox.root / "ran").exists()


def test_preconditions(sandbox):
    repo, _ = ready(sandbox)
    (repo / "VERSION").write_text("dirty\n")
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: work tree not clean: 'VERSION'\nhint: commit or stash the changes "
                                  "first\n")
    assert state(sandbox, repo) == before
    sandbox.git("checkout", "-q", "VERSION", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "topic", cwd=repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: branch 'topic' is not a release branch\n"
                                  "hint: release from main, master or add it to release.branches\n")
    assert sandbox.keel("-c", 'release.branches=["topic"]', "release", "--dry-run", cwd=repo).code == 0
    sandbox.git("checkout", "-q", "--detach", cwd=repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: HEAD is detached: releases are made on a branch\n"
                                  "hint: check out one of: main, master\n")


def test_failing_before_changes_nothing(sandbox):
    repo, _ = ready(sandbox, '[release]\nbefore = ["echo checking; exit 4"]\n')
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err == ("releasing 1.1.0 (1.0.0 -> 1.1.0, minor)\nchecking\n"
                     "keel: the release was undone; the repository is as it was\n"
                     "keel: error: release.before command failed (exit 4): 'echo checking; exit 4'\n")
    assert state(sandbox, repo) == before


def test_before_command_editing_a_release_file_is_undone(sandbox):
    repo, _ = ready(sandbox, '[release]\nbefore = ["echo scribble > CHANGELOG.md; false"]\n')
    before = state(sandbox, repo)
    assert sandbox.keel("release", cwd=repo).code == 1
    assert state(sandbox, repo) == before


def test_unwritable_file_changes_nothing(sandbox):
    # A file where a directory should be: fails for every user, root included.
    repo, _ = ready(sandbox)
    (repo / "keel.toml").write_text('[[release.files]]\npath = "VERSION"\n[release.changelog]\npath = "docs/CHANGES.md"\n')
    (repo / "docs").write_text("a file where a directory should be\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "fix: layout", cwd=repo)
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (74, ""), r
    assert r.err.endswith("keel: error: cannot write 'docs/CHANGES.md': Not a directory\n")
    assert state(sandbox, repo) == before


def test_existing_tag_is_refused_before_writing(sandbox):
    repo, _ = ready(sandbox)
    sandbox.git("checkout", "-q", "-b", "elsewhere", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "chore: released from another branch")
    sandbox.git("tag", "v1.1.0", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.err) == (1, "keel: error: tag 'v1.1.0' already exists\nhint: the version was released "
                                  "elsewhere; fetch and merge it, or release with --as\n")
    assert state(sandbox, repo) == before


def test_failing_after_undoes_commit_and_tag(sandbox):
    repo, _ = ready(sandbox, '[release]\nafter = ["exit 9"]\n')
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 1
    assert r.err.endswith("keel: the release was undone; the repository is as it was\n"
                          "keel: error: release.after command failed (exit 9): 'exit 9'\n")
    assert state(sandbox, repo) == before
    assert tags(sandbox, repo) == ["v1.0.0"]


def test_failing_commit_is_undone(sandbox):
    repo, _ = ready(sandbox)
    # Signing with a program that fails: git commit -S fails after the files are written and added.
    sandbox.git("config", "gpg.program", "false", cwd=repo)
    before = state(sandbox, repo)
    r = sandbox.keel("release", "--sign", cwd=repo)
    assert r.code == 1, r
    assert "keel: the release was undone; the repository is as it was\nkeel: error: git commit failed (exit " in r.err
    assert state(sandbox, repo) == before


def test_index_lock_fails_git_add_and_is_undone(sandbox):
    repo, _ = ready(sandbox)
    (repo / ".git" / "index.lock").write_text("")
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 1, r
    assert "keel: error: git add failed (exit 128): " in r.err
    (repo / ".git" / "index.lock").unlink()
    assert state(sandbox, repo) == before


def test_no_commit_and_no_tag(sandbox):
    repo, _ = ready(sandbox)
    r = sandbox.keel("release", "--no-commit", cwd=repo)
    assert (r.code, r.out) == (0, "released 1.1.0\n")
    assert (repo / "VERSION").read_text() == "1.1.0\n"
    assert tags(sandbox, repo) == ["v1.0.0"]
    sandbox.git("checkout", "-q", ".", cwd=repo)
    r = sandbox.keel("release", "--no-tag", cwd=repo)
    assert (r.code, r.out) == (0, "released 1.1.0\n")
    assert sandbox.git("log", "-1", "--format=%s", cwd=repo) == "chore(release): 1.1.0\n"
    assert tags(sandbox, repo) == ["v1.0.0"]


def test_push_to_a_remote_and_a_failed_push(sandbox):
    repo, _ = ready(sandbox)
    sandbox.git("init", "-q", "--bare", "remote.git", cwd=sandbox.root)
    sandbox.git("remote", "add", "origin", str(sandbox.root / "remote.git"), cwd=repo)
    r = sandbox.keel("release", "--push", cwd=repo)
    assert r.code == 0, r
    assert sandbox.git("tag", "-l", cwd=sandbox.root / "remote.git") == "v1.1.0\n"
    assert head(sandbox, sandbox.root / "remote.git", "main") == head(sandbox, repo)

    commit(sandbox, repo, "fix: next")
    sandbox.git("remote", "set-url", "origin", str(sandbox.root / "missing.git"), cwd=repo)
    r = sandbox.keel("release", "--push", cwd=repo)
    assert r.code == 1
    assert r.out == "released 1.1.1 as v1.1.1\n"
    assert r.err.startswith("releasing 1.1.1 (1.1.0 -> 1.1.1, patch)\nkeel: error: push to 'origin' failed (exit ")
    assert r.err.endswith("; the release commit and tag are kept\nhint: push them with: git push --atomic origin "
                          "main v1.1.1\n")
    assert "v1.1.1" in tags(sandbox, repo)


def test_monorepo_packages(sandbox):
    repo = new_repo(sandbox)
    (repo / "keel.toml").write_text(
        '[release.packages.core]\npath = "packages/core"\n'
        '[[release.packages.core.files]]\npath = "packages/core/VERSION"\n'
        '[release.packages.cli]\npath = "packages/cli"\ntag_template = "cli-v{version}"\n')
    commit(sandbox, repo, "chore: layout", "packages/core/VERSION")
    commit(sandbox, repo, "chore: layout", "packages/cli/main.c")
    sandbox.git("tag", "core@1.0.0", cwd=repo)
    sandbox.git("tag", "cli-v2.0.0", cwd=repo)
    core_fix = commit(sandbox, repo, "fix(core): x", "packages/core/x.c")
    commit(sandbox, repo, "feat: docs only", "docs/readme")
    r = sandbox.keel("release", "next", cwd=repo)
    assert (r.code, r.out) == (0, "core 1.0.1\n"), r
    assert r.err == ""
    r = sandbox.keel("release", "next", "--package", "cli", cwd=repo)
    assert (r.code, r.err) == (3, "keel: nothing to release: cli: no releasable commits since 2.0.0\n")
    commit(sandbox, repo, "feat(cli): y", "packages/cli/y.c")
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (0, "released core 1.0.1 as core@1.0.1\nreleased cli 2.1.0 as cli-v2.1.0\n"), r
    assert (repo / "packages/core/VERSION").read_text() == "1.0.1\n"
    assert (repo / "packages/core/CHANGELOG.md").read_text() == (
        f"# Changelog\n\n## 1.0.1 ({DATE})\n\n### Bug Fixes\n\n* **core:** x ({short(core_fix)})\n\n")
    assert "cli-v2.1.0" in tags(sandbox, repo) and "core@1.0.1" in tags(sandbox, repo)
    assert sandbox.git("log", "-1", "--format=%s", cwd=repo) == "chore(release): core@1.0.1, cli-v2.1.0\n"
    r = sandbox.keel("release", "--package", "nope", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: unknown package 'nope'\n")
