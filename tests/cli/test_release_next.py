"""keel release next: the next version on each shape of history."""

import json

from release_support import commit, head, new_repo, short


def next_of(sandbox, repo, *args):
    return sandbox.keel("release", "next", *args, cwd=repo)


def test_first_release_is_the_initial_version(sandbox):
    repo = new_repo(sandbox)
    feat = commit(sandbox, repo, "feat: first feature")
    r = next_of(sandbox, repo)
    assert (r.code, r.out, r.err) == (0, "0.1.0\n", "")
    r = next_of(sandbox, repo, "--json")
    assert json.loads(r.out) == {"current": None, "next": "0.1.0", "bump": "minor", "tag": "v0.1.0",
                                 "commits": 2, "breaking": False,
                                 "decided_by": [{"id": feat, "header": "feat: first feature", "bump": "minor"}]}
    r = sandbox.keel("-c", "release.initial_version=1.0.0", "release", "next", cwd=repo)
    assert r.out == "1.0.0\n"


def test_bump_kinds_and_json(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.2.3", cwd=repo)
    commit(sandbox, repo, "fix: a")
    assert next_of(sandbox, repo).out == "1.2.4\n"
    commit(sandbox, repo, "feat(ui): b")
    assert next_of(sandbox, repo).out == "1.3.0\n"
    breaking = commit(sandbox, repo, "refactor!: c")
    r = next_of(sandbox, repo, "--json")
    assert r.code == 0
    assert json.loads(r.out) == {"current": "1.2.3", "next": "2.0.0", "bump": "major", "tag": "v2.0.0",
                                 "commits": 3, "breaking": True,
                                 "decided_by": [{"id": breaking, "header": "refactor!: c", "bump": "major"}]}


def test_nothing_to_release_exits_3(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    r = next_of(sandbox, repo)
    assert (r.code, r.out, r.err) == (3, "", "keel: nothing to release: HEAD is already released as 'v1.0.0'\n")
    commit(sandbox, repo, "docs: readme")
    commit(sandbox, repo, "chore: tidy")
    r = next_of(sandbox, repo)
    assert (r.code, r.out) == (3, "")
    assert r.err == ("keel: nothing to release: no commit since 1.0.0 bumps the version "
                     "(only types such as chore or docs)\n")
    r = next_of(sandbox, repo, "--json")
    assert r.code == 3
    assert json.loads(r.out) == {"current": "1.0.0", "next": None, "bump": "none", "tag": None,
                                 "commits": 2, "breaking": False, "decided_by": []}


def test_zero_major_rules(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v0.3.1", cwd=repo)
    commit(sandbox, repo, "fix!: breaking fix")
    assert next_of(sandbox, repo).out == "0.4.0\n"
    r = sandbox.keel("-c", "release.zero_major_breaking=major", "release", "next", cwd=repo)
    assert r.out == "1.0.0\n"


def test_type_map_from_config(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    (repo / "keel.toml").write_text('[release.types]\ndocs = "patch"\nfeat = "patch"\n')
    sandbox.git("add", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "docs: config", cwd=repo)
    assert next_of(sandbox, repo).out == "1.0.1\n"
    (repo / "keel.toml").write_text('[release.types]\ndocs = "huge"\n')
    r = next_of(sandbox, repo)
    assert r.code == 78
    assert r.err == ("keel: error: keel.toml:2:1: invalid 'release.types.docs': expected major, minor, patch or "
                     "none, found 'huge'\n")


def test_release_as_footer(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.4.0", cwd=repo)
    commit(sandbox, repo, "chore: prepare\n\nRelease-As: 2.0.0")
    assert next_of(sandbox, repo).out == "2.0.0\n"
    commit(sandbox, repo, "fix: later\n\nRelease-As: 1.0.0")
    assert next_of(sandbox, repo).out == "2.0.0\n"


def test_release_as_below_current_is_an_error(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.4.0", cwd=repo)
    commit(sandbox, repo, "fix: x\n\nRelease-As: 1.0.0")
    r = next_of(sandbox, repo)
    assert r.code == 2
    assert r.err == ("keel: error: Release-As version '1.0.0' is not above the last release '1.4.0'\n"
                     "hint: drop the footer or give a higher version\n")


def test_revert_in_range_cancels_the_commit(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "fix: small")
    feat = commit(sandbox, repo, "feat: big")
    sandbox.git("revert", "--no-edit", feat, cwd=repo)
    assert next_of(sandbox, repo).out == "1.0.1\n"


def test_revert_of_released_commit_is_a_patch(sandbox):
    repo = new_repo(sandbox)
    feat = commit(sandbox, repo, "feat: big")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("revert", "--no-edit", feat, cwd=repo)
    assert next_of(sandbox, repo).out == "1.0.1\n"


def test_merges_count_both_parents_and_their_messages_as_semantic_release_reads_them(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "topic", cwd=repo)
    commit(sandbox, repo, "feat: on the branch")
    sandbox.git("checkout", "-q", "main", cwd=repo)
    commit(sandbox, repo, "fix: on main")
    sandbox.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from a/topic\n\nfeat!: the title", "topic",
                cwd=repo)
    r = next_of(sandbox, repo, "--json")
    decision = json.loads(r.out)
    assert [c["header"] for c in decision.pop("decided_by")] == ["feat: on the branch"]
    assert decision == {"current": "1.0.0", "next": "1.1.0", "bump": "minor", "tag": "v1.1.0",
                        "commits": 3, "breaking": False}
    # A note in a merge message is a breaking change, as in semantic-release.
    sandbox.git("checkout", "-q", "-b", "second", "HEAD~1", cwd=repo)
    commit(sandbox, repo, "fix: more")
    sandbox.git("checkout", "-q", "main", cwd=repo)
    sandbox.git("merge", "-q", "--no-ff", "-m", "Merge pull request #8 from a/second\n\n"
                "BREAKING CHANGE: the old flag is gone", "second", cwd=repo)
    assert next_of(sandbox, repo).out == "2.0.0\n"


def test_a_note_followed_by_prose_is_breaking(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: x\n\nBREAKING CHANGE: the flag is gone.\n\nExplain the migration.")
    r = next_of(sandbox, repo, "--json")
    assert (r.code, json.loads(r.out)["next"]) == (0, "2.0.0")


def test_a_revert_whose_quoted_header_matches_nothing_is_a_patch(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    dep = commit(sandbox, repo, "chore(deps): update x")
    commit(sandbox, repo, f'Revert "chore(deps): update x" (#2682)\n\nThis reverts commit {dep}.')
    r = sandbox.keel("-v", "release", "next", cwd=repo)
    assert (r.code, r.out) == (0, "1.0.1\n"), r
    assert "revert cancelled" not in r.err


def test_verbose_names_the_cancelled_pairs(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    feat = commit(sandbox, repo, "feat: big")
    sandbox.git("revert", "--no-edit", feat, cwd=repo)
    revert = head(sandbox, repo)
    r = sandbox.keel("-v", "release", "next", cwd=repo)
    assert (r.code, r.out) == (3, ""), r
    assert f'revert cancelled: {short(revert)} Revert "feat: big" cancels {short(feat)} feat: big\n' in r.err


def test_tags_that_miss_the_template_are_named_once(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "1.0.0", cwd=repo)
    commit(sandbox, repo, "fix: x")
    sandbox.git("tag", "1.0.1", cwd=repo)
    commit(sandbox, repo, "fix: y")
    r = next_of(sandbox, repo)
    assert (r.code, r.out) == (0, "0.1.0\n"), r
    assert r.err == ("keel: warning: no tag matches release.tag_template 'v{version}'; tags that do not: "
                     "'1.0.0', '1.0.1'; to use them, set: keel config set release.tag_template '{version}'\n")
    r = sandbox.keel("-c", "release.tag_template={version}", "release", "next", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "1.0.2\n", "")


def test_several_tags_on_one_commit(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("tag", "-a", "-m", "also", "v1.1.0", cwd=repo)
    sandbox.git("tag", "v1.1.0-rc.1", cwd=repo)
    commit(sandbox, repo, "fix: x")
    assert next_of(sandbox, repo).out == "1.1.1\n"


def test_tags_that_are_not_versions(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "fix: x")
    for t in ("v2.0", "v03.0.0", "vv9.0.0", "latest", "9.0.0", "v9.0.0.0", "release-9"):
        sandbox.git("tag", t, cwd=repo)
    tree = sandbox.git("rev-parse", "HEAD^{tree}", cwd=repo).strip()
    sandbox.git("tag", "v8.0.0", tree, cwd=repo)  # a tag on a tree, not a commit
    assert next_of(sandbox, repo).out == "1.0.1\n"


def test_packed_annotated_tags_on_trees_and_blobs_do_not_count(sandbox):
    # packed-refs records what these peel to; keel trusts that record for
    # speed and must still check the object before counting a release.
    repo = new_repo(sandbox)
    sandbox.git("tag", "-a", "-m", "one", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "fix: x", path="a.txt")
    sandbox.git("tag", "-a", "-m", "tree", "v8.0.0", "HEAD^{tree}", cwd=repo)
    sandbox.git("tag", "-a", "-m", "blob", "v9.0.0", "HEAD:a.txt", cwd=repo)
    sandbox.git("tag", "-a", "-m", "tree rc", "v1.0.1-rc.7", "HEAD^{tree}", cwd=repo)
    sandbox.git("pack-refs", "--all", cwd=repo)
    assert "^" in (repo / ".git" / "packed-refs").read_text()
    assert next_of(sandbox, repo).out == "1.0.1\n"
    r = sandbox.keel("release", "next", "--pre", "rc", cwd=repo)
    assert (r.code, r.out) == (0, "1.0.1-rc.1\n"), r


def test_tags_on_unmerged_branches_do_not_count(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "other", cwd=repo)
    commit(sandbox, repo, "feat: elsewhere")
    sandbox.git("tag", "v5.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    commit(sandbox, repo, "fix: here")
    assert next_of(sandbox, repo).out == "1.0.1\n"


def test_pre_release_numbering_and_promotion(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: a")
    assert next_of(sandbox, repo, "--pre", "rc").out == "1.1.0-rc.1\n"
    sandbox.git("tag", "v1.1.0-rc.1", cwd=repo)
    r = next_of(sandbox, repo, "--pre", "rc")
    assert (r.code, r.err) == (3, "keel: nothing to release: HEAD is already released as 'v1.1.0-rc.1'\n")
    commit(sandbox, repo, "fix: b")
    assert next_of(sandbox, repo, "--pre", "rc").out == "1.1.0-rc.2\n"
    assert next_of(sandbox, repo, "--pre", "beta").out == "1.1.0-beta.1\n"
    sandbox.git("tag", "v1.1.0-rc.2", cwd=repo)
    # Promotion: without --pre the stable version of the rcs.
    assert next_of(sandbox, repo).out == "1.1.0\n"
    # A breaking change raises X.Y.Z and the numbering restarts.
    commit(sandbox, repo, "feat!: c")
    assert next_of(sandbox, repo, "--pre", "rc").out == "2.0.0-rc.1\n"
    assert next_of(sandbox, repo, "--pre", "rc", "--build", "sha.1").out == "2.0.0-rc.1+sha.1\n"
    r = next_of(sandbox, repo, "--pre", "rc.1")
    assert (r.code, r.err) == (2, "keel: error: invalid pre-release identifier 'rc.1': expected one word such "
                                  "as rc, beta or alpha\n")


def test_as_overrides_the_commits(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "chore: x")
    assert next_of(sandbox, repo, "--as", "minor").out == "1.1.0\n"
    assert next_of(sandbox, repo, "--as", "3.0.0").out == "3.0.0\n"
    r = next_of(sandbox, repo, "--as", "huge")
    assert (r.code, r.err) == (2, "keel: error: invalid --as 'huge': expected major, minor, patch or a version\n")


def test_non_conventional_messages_listed_with_v(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    odd = commit(sandbox, repo, "Update stuff")
    commit(sandbox, repo, "fix: real")
    r = next_of(sandbox, repo)
    assert (r.out, r.err) == ("1.0.1\n", "")
    r = sandbox.keel("-v", "release", "next", cwd=repo)
    assert r.out == "1.0.1\n"
    assert f"not a conventional commit, ignored: {short(odd)} Update stuff" in r.err


def test_custom_tag_template(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "release/1.0.0", cwd=repo)
    sandbox.git("tag", "v7.0.0", cwd=repo)
    commit(sandbox, repo, "feat: x")
    r = sandbox.keel("-c", "release.tag_template=release/{version}", "release", "next", "--json", cwd=repo)
    assert json.loads(r.out)["tag"] == "release/1.1.0"
    r = sandbox.keel("-c", "release.tag_template=v", "release", "next", cwd=repo)
    assert (r.code, r.err) == (78, "keel: error: -c release.tag_template=v: invalid 'release.tag_template': "
                                  "invalid tag template 'v': no {version} placeholder\n")


def test_shallow_clone_is_refused(sandbox):
    origin = new_repo(sandbox, "origin")
    sandbox.git("tag", "v1.0.0", cwd=origin)
    commit(sandbox, origin, "feat: a")
    commit(sandbox, origin, "fix: b")
    sandbox.git("clone", "-q", "--depth", "1", f"file://{origin}", "shallow", cwd=sandbox.root)
    r = next_of(sandbox, sandbox.root / "shallow")
    assert (r.code, r.out) == (2, "")
    assert r.err == ("keel: error: shallow clone: the history since the last release may be missing\n"
                     "hint: fetch the full history and the tags: git fetch --unshallow --tags (in CI, check out "
                     "with full depth, e.g. fetch-depth: 0)\n")


def test_missing_tags_are_refused(sandbox):
    origin = new_repo(sandbox, "origin")
    commit(sandbox, origin, "feat: a")
    sandbox.git("commit", "-q", "--allow-empty", "-m", "chore(release): 0.1.0", cwd=origin)
    sandbox.git("tag", "v0.1.0", cwd=origin)
    commit(sandbox, origin, "fix: b")
    sandbox.git("clone", "-q", "--no-tags", f"file://{origin}", "notags", cwd=sandbox.root)
    clone = sandbox.root / "notags"
    release_commit = head(sandbox, clone, "HEAD~1")
    r = next_of(sandbox, clone)
    assert (r.code, r.out) == (2, "")
    assert r.err == (f"keel: error: tags missing: commit '{short(release_commit)} chore(release): 0.1.0' has no "
                     "tag 'v0.1.0'\nhint: fetch the tags: git fetch --tags\n")
    sandbox.git("fetch", "-q", "--tags", cwd=clone)
    assert next_of(sandbox, clone).out == "0.1.1\n"


def test_repository_without_commits(sandbox):
    repo = sandbox.repo(commit=False)
    r = next_of(sandbox, repo)
    assert (r.code, r.out, r.err) == (2, "", "keel: error: no commits yet: nothing to release\n")


def test_outside_a_repository(sandbox):
    r = sandbox.keel("release", "next")
    assert r.code == 2
    assert r.err.startswith("keel: error: not a git repository")


def test_reachability_with_dates_in_any_order(sandbox):
    repo = new_repo(sandbox)

    def at(days):
        t = 1767355200 + days * 86400
        sandbox.env["GIT_COMMITTER_DATE"] = sandbox.env["GIT_AUTHOR_DATE"] = f"@{t} +0000"

    at(0)
    commit(sandbox, repo, "fix: base")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    # A newer release on a branch that main never merged, dated days ahead.
    sandbox.git("checkout", "-q", "-b", "next", cwd=repo)
    at(5)
    commit(sandbox, repo, "feat: elsewhere")
    sandbox.git("tag", "v2.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    # main's commits dated before the tag they follow (a wrong clock).
    at(-3)
    commit(sandbox, repo, "fix: skewed")
    sandbox.git("tag", "v1.0.1", cwd=repo)
    at(1)
    commit(sandbox, repo, "feat: later")
    r = next_of(sandbox, repo, "--json")
    decision = json.loads(r.out)
    assert [c["header"] for c in decision.pop("decided_by")] == ["feat: later"]
    assert decision == {"current": "1.0.1", "next": "1.1.0", "bump": "minor", "tag": "v1.1.0",
                        "commits": 1, "breaking": False}
