"""keel release changelog: sections, links, templates and prepending."""

from release_support import DATE, commit, new_repo, short


def history(sandbox):
    """v1.0.0 with a feature, v1.1.0 with a fix and a perf, then unreleased work."""
    repo = new_repo(sandbox)
    ids = {}
    ids["a"] = commit(sandbox, repo, "feat(core): first feature")
    sandbox.git("tag", "-a", "-m", "1.0.0", "v1.0.0", cwd=repo)
    ids["b"] = commit(sandbox, repo, "fix: a bug")
    ids["c"] = commit(sandbox, repo, "perf: faster")
    ids["d"] = commit(sandbox, repo, "docs: hidden by default")
    sandbox.git("tag", "v1.1.0", cwd=repo)
    ids["e"] = commit(sandbox, repo, "feat!: new api\n\nBREAKING CHANGE: the old api is gone")
    return repo, ids


def test_full_changelog_newest_first(sandbox):
    repo, ids = history(sandbox)
    r = sandbox.keel("release", "changelog", cwd=repo)
    assert r.code == 0, r
    assert r.out == (
        "## Unreleased\n\n"
        "### Breaking Changes\n\n"
        f"* the old api is gone ({short(ids['e'])})\n\n"
        "### Features\n\n"
        f"* new api ({short(ids['e'])})\n\n"
        f"## 1.1.0 ({DATE})\n\n"
        "### Bug Fixes\n\n"
        f"* a bug ({short(ids['b'])})\n\n"
        "### Performance\n\n"
        f"* faster ({short(ids['c'])})\n\n"
        f"## 1.0.0 ({DATE})\n\n"
        "### Features\n\n"
        f"* **core:** first feature ({short(ids['a'])})\n\n"
    )


def test_unreleased_and_range(sandbox):
    repo, ids = history(sandbox)
    r = sandbox.keel("release", "changelog", "--unreleased", cwd=repo)
    assert r.out.startswith("## Unreleased\n") and "1.1.0" not in r.out
    r = sandbox.keel("release", "changelog", "--range", "v1.0.0..v1.1.0", cwd=repo)
    assert r.out == (f"## 1.1.0 ({DATE})\n\n### Bug Fixes\n\n* a bug ({short(ids['b'])})\n\n"
                     f"### Performance\n\n* faster ({short(ids['c'])})\n\n")
    r = sandbox.keel("release", "changelog", "--range", "v1.0.0", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: invalid range 'v1.0.0': expected A..B\n")


def test_links_for_a_github_remote(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("remote", "add", "origin", "git@github.com:acme/tool.git", cwd=repo)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    fix = commit(sandbox, repo, "fix: crash (#4)\n\nCloses #3")
    sandbox.git("tag", "v1.0.1", cwd=repo)
    r = sandbox.keel("release", "changelog", "--range", "v1.0.0..v1.0.1", cwd=repo)
    base = "https://github.com/acme/tool"
    assert r.out == (
        f"## [1.0.1]({base}/compare/v1.0.0...v1.0.1) ({DATE})\n\n### Bug Fixes\n\n"
        f"* crash ([#4]({base}/issues/4)) ([{short(fix)}]({base}/commit/{fix})), closes [#3]({base}/issues/3)\n\n"
    )


def test_sections_are_configurable(sandbox):
    repo, ids = history(sandbox)
    (repo / "keel.local.toml").write_text('[release.changelog.sections]\ndocs = "Documentation"\nfix = ""\n')
    r = sandbox.keel("-c", "release.changelog.breaking_title=", "release", "changelog", "--range",
                     "v1.0.0..v1.1.0", cwd=repo)
    assert r.code == 0, r
    # The defaults merge key by key: feat and perf stay, fix is hidden, docs added last.
    assert r.out == (f"## 1.1.0 ({DATE})\n\n### Performance\n\n* faster ({short(ids['c'])})\n\n"
                     f"### Documentation\n\n* hidden by default ({short(ids['d'])})\n\n")


def test_custom_template(sandbox):
    repo, ids = history(sandbox)
    (repo / "section.tmpl").write_text(
        "= {{version}} =\n{{#groups}}\n{{#commits}}\n- {{type}}: {{description}}\n{{/commits}}\n{{/groups}}\n")
    r = sandbox.keel("-c", "release.changelog.template=section.tmpl", "release", "changelog", "--range",
                     "v1.0.0..v1.1.0", cwd=repo)
    assert (r.code, r.out) == (0, "= 1.1.0 =\n- fix: a bug\n- perf: faster\n")
    (repo / "section.tmpl").write_text("{{#groups}}\n{{/commits}}\n")
    r = sandbox.keel("-c", "release.changelog.template=section.tmpl", "release", "changelog", cwd=repo)
    assert (r.code, r.err) == (
        2, "keel: error: section.tmpl:2:1: closing tag 'commits' does not match section 'groups' opened at 1:1\n")


def test_output_file(sandbox):
    repo, ids = history(sandbox)
    r = sandbox.keel("release", "changelog", "-o", "CHANGES.md", cwd=repo)
    assert (r.code, r.out) == (0, "")
    text = (repo / "CHANGES.md").read_text()
    assert text.startswith("# Changelog\n\n## Unreleased\n")
    assert text.count("## 1.") == 2


def test_prepend_keeps_bytes_and_skips_present_versions(sandbox):
    repo, ids = history(sandbox)
    existing = "# Changelog\r\n\r\nNotes kept as they are.   \r\n\r\n## 1.0.0 (old)\r\n\r\n* hand-written\r\n"
    (repo / "CHANGELOG.md").write_bytes(existing.encode())
    r = sandbox.keel("release", "changelog", "--prepend", cwd=repo)
    assert r.code == 0, r
    text = (repo / "CHANGELOG.md").read_bytes().decode()
    head = "# Changelog\r\n\r\nNotes kept as they are.   \r\n\r\n"
    assert text.startswith(head + "## Unreleased\n")
    assert text.endswith("## 1.0.0 (old)\r\n\r\n* hand-written\r\n")
    assert f"## 1.1.0 ({DATE})" in text
    assert text.count("1.0.0") == 1
    # Again: every version is there already.
    r = sandbox.keel("release", "changelog", "--prepend", cwd=repo)
    assert (r.code, r.err) == (3, "keel: nothing to add to 'CHANGELOG.md': every version is already there\n")
    assert (repo / "CHANGELOG.md").read_bytes().decode() == text


def section_1_1_0(ids):
    return (f"## 1.1.0 ({DATE})\n\n### Bug Fixes\n\n* a bug ({short(ids['b'])})\n\n"
            f"### Performance\n\n* faster ({short(ids['c'])})\n\n")


def test_prepend_replaces_the_unreleased_section(sandbox):
    repo, ids = history(sandbox)
    sandbox.git("tag", "v2.0.0", cwd=repo)
    head = "# Changelog\r\n\r\nNotes kept as they are.   \r\n\r\n"
    tail = "## 1.0.0 (old)\r\n\r\n* hand-written\r\n"
    (repo / "CHANGELOG.md").write_bytes(
        (head + "## [Unreleased]\r\n\r\n### Features\r\n\r\n* not released yet\r\n\r\n" + tail).encode())
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "", "")
    text = (head + f"## 2.0.0 ({DATE})\n\n"
            f"### Breaking Changes\n\n* the old api is gone ({short(ids['e'])})\n\n"
            f"### Features\n\n* new api ({short(ids['e'])})\n\n" + section_1_1_0(ids) + tail)
    assert (repo / "CHANGELOG.md").read_bytes() == text.encode()
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (3, "keel: nothing to add to 'CHANGELOG.md': every version is already there\n")
    assert (repo / "CHANGELOG.md").read_bytes() == text.encode()


def test_prepend_puts_the_current_unreleased_section_back(sandbox):
    repo, ids = history(sandbox)
    (repo / "CHANGELOG.md").write_bytes(b"# Changelog\n\n## Unreleased\n\n* stale\n\n## 1.0.0\n\n* old\n")
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (0, "")
    assert (repo / "CHANGELOG.md").read_bytes() == (
        "# Changelog\n\n## Unreleased\n\n"
        f"### Breaking Changes\n\n* the old api is gone ({short(ids['e'])})\n\n"
        f"### Features\n\n* new api ({short(ids['e'])})\n\n" + section_1_1_0(ids) + "## 1.0.0\n\n* old\n").encode()


def test_prepend_creates_a_missing_file(sandbox):
    repo, ids = history(sandbox)
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "docs/CHANGELOG.md", cwd=repo)
    assert r.code == 74
    assert "docs/CHANGELOG.md" in r.err
    (repo / "docs").mkdir()
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "docs/CHANGELOG.md", cwd=repo)
    assert r.code == 0, r
    assert (repo / "docs" / "CHANGELOG.md").read_text().startswith("# Changelog\n\n## Unreleased\n")


def test_pre_releases_before_the_last_stable_are_folded(sandbox):
    repo = new_repo(sandbox)
    a = commit(sandbox, repo, "feat: a")
    sandbox.git("tag", "v1.0.0-rc.1", cwd=repo)
    b = commit(sandbox, repo, "fix: b")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    c = commit(sandbox, repo, "fix: c")
    sandbox.git("tag", "v1.0.1-rc.1", cwd=repo)
    r = sandbox.keel("release", "changelog", cwd=repo)
    assert r.out == (f"## 1.0.1-rc.1 ({DATE})\n\n### Bug Fixes\n\n* c ({short(c)})\n\n"
                     f"## 1.0.0 ({DATE})\n\n### Features\n\n* a ({short(a)})\n\n### Bug Fixes\n\n* b ({short(b)})\n\n")


def test_ranges_match_git_with_merges_and_skewed_dates(sandbox):
    """Each range holds exactly the commits git rev-list --no-merges lists, whatever the dates say."""
    repo = new_repo(sandbox)
    dates = iter([500, 100, 900, 300, 700, 200, 800, 400, 600, 1000, 50, 950])

    def dated(message):
        t = 1767355200 + next(dates) * 60
        sandbox.env["GIT_COMMITTER_DATE"] = sandbox.env["GIT_AUTHOR_DATE"] = f"@{t} +0000"
        return commit(sandbox, repo, message)

    dated("fix: a")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "side", cwd=repo)
    dated("fix: side one")
    dated("fix: side two")
    sandbox.git("checkout", "-q", "main", cwd=repo)
    dated("fix: main one")
    sandbox.git("tag", "v1.0.1", cwd=repo)
    dated("fix: main two")
    sandbox.git("merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side", cwd=repo)
    dated("fix: after merge")
    sandbox.git("tag", "v1.1.0", cwd=repo)
    (repo / "ids.tmpl").write_text("{{#groups}}{{#commits}}{{id}}\n{{/commits}}{{/groups}}")
    for a, b in [("v1.0.0", "v1.1.0"), ("v1.0.1", "v1.1.0"), ("v1.0.0", "v1.0.1"), ("side", "main"),
                 ("main", "side"), ("v1.1.0", "v1.0.0")]:
        want = set(sandbox.git("rev-list", "--no-merges", f"{a}..{b}", cwd=repo).split())
        r = sandbox.keel("-c", "release.changelog.template=ids.tmpl", "release", "changelog", "--range", f"{a}..{b}",
                         cwd=repo)
        assert r.code == 0, r
        assert set(r.out.split()) == want, (a, b)


def test_prepend_from_a_subdirectory_uses_the_configured_path(sandbox):
    repo, ids = history(sandbox)
    (repo / "src").mkdir()
    r = sandbox.keel("release", "changelog", "--prepend", cwd=repo / "src")
    assert r.code == 0, r
    assert (repo / "CHANGELOG.md").read_text().startswith("# Changelog\n\n## Unreleased\n")
    assert not (repo / "src" / "CHANGELOG.md").exists()
