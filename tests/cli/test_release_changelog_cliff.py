"""keel release changelog's git-cliff options, judged by git-cliff itself on the same repository.

Each test runs git-cliff (from npm, installed by scripts/bootstrap) and keel with the same option and
compares the sections: which versions appear, in which order, and which commits each one lists.
"""

import re
import subprocess

from conftest import tool_path
from release_support import commit, new_repo

CLIFF_TOML = r'''
[changelog]
header = ""
body = """
## {{ version | default(value="Unreleased") | trim_start_matches(pat="v") }}
{% for commit in commits %}
* {{ commit.message | split(pat="\n") | first | trim }}
{% endfor %}
"""
footer = ""
trim = true

[git]
conventional_commits = true
filter_unconventional = true
split_commits = false
commit_parsers = [
  { message = "^feat", group = "Features" },
  { message = "^fix", group = "Bug Fixes" },
  { message = "^perf", group = "Performance" },
  { message = ".*", skip = true },
]
tag_pattern = "v[0-9].*"
'''


def sections(text):
    """[(version, sorted descriptions)] from either tool's Markdown."""
    out = []
    for line in text.splitlines():
        heading = re.match(r"^## \[?([^\] (]+)", line)
        if heading:
            out.append((heading.group(1), []))
        elif line.startswith("* ") and out:
            item = re.sub(r" \(\[?[0-9a-f]{7}\]?(\([^)]*\))?\)$", "", line[2:]).strip()
            out[-1][1].append(re.sub(r"^\*\*[^*]+:\*\* ", "", item))  # keel's "**scope:** "
    return [(v, sorted(items)) for v, items in out if items or v != "Unreleased"]


def history(sandbox):
    repo = new_repo(sandbox)
    (repo / "cliff.toml").write_text(CLIFF_TOML)
    commit(sandbox, repo, "feat: alpha")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "fix: bravo")
    commit(sandbox, repo, "chore: not shown")
    commit(sandbox, repo, "feat(ui): charlie")
    sandbox.git("tag", "v1.1.0", cwd=repo)
    commit(sandbox, repo, "perf: delta")
    sandbox.git("tag", "v1.1.1", cwd=repo)
    commit(sandbox, repo, "feat: echo")
    commit(sandbox, repo, "fix: foxtrot")
    return repo


def cliff(sandbox, repo, *args):
    r = subprocess.run([str(tool_path("git-cliff")), "--config", "cliff.toml", *args], cwd=repo,
                       capture_output=True, text=True, env=sandbox.env, timeout=60)
    assert r.returncode == 0, r.stderr
    return sections(r.stdout)


def keel(sandbox, repo, *args):
    r = sandbox.keel("release", "changelog", *args, cwd=repo)
    assert r.code == 0, r
    return sections(r.out)


def test_whole_history_matches_git_cliff(sandbox):
    repo = history(sandbox)
    ours = keel(sandbox, repo)
    assert ours == cliff(sandbox, repo)
    assert [v for v, _ in ours] == ["Unreleased", "1.1.1", "1.1.0", "1.0.0"]


def test_latest_matches_git_cliff(sandbox):
    repo = history(sandbox)
    assert keel(sandbox, repo, "--latest") == cliff(sandbox, repo, "--latest") == [("1.1.1", ["delta"])]


def test_unreleased_matches_git_cliff(sandbox):
    repo = history(sandbox)
    assert keel(sandbox, repo, "--unreleased") == cliff(sandbox, repo, "--unreleased") == [
        ("Unreleased", ["echo", "foxtrot"])]


def test_tag_names_the_unreleased_commits_as_git_cliff_does(sandbox):
    repo = history(sandbox)
    ours = keel(sandbox, repo, "--tag", "v1.2.0")
    assert ours == cliff(sandbox, repo, "--tag", "v1.2.0")
    assert ours[0] == ("1.2.0", ["echo", "foxtrot"])
    assert keel(sandbox, repo, "--unreleased", "--tag", "1.2.0") == cliff(sandbox, repo, "--unreleased", "--tag",
                                                                          "v1.2.0")
    r = sandbox.keel("release", "changelog", "--tag", "next", cwd=repo)
    assert r.code == 2 and r.err.startswith("keel: error: invalid --tag 'next': "), r


def test_current_matches_git_cliff(sandbox):
    repo = history(sandbox)
    sandbox.git("tag", "v1.2.0", cwd=repo)
    assert keel(sandbox, repo, "--current") == cliff(sandbox, repo, "--current") == [("1.2.0", ["echo", "foxtrot"])]
    commit(sandbox, repo, "fix: golf")
    r = sandbox.keel("release", "changelog", "--current", cwd=repo)
    assert (r.code, r.out) == (3, "")
    assert r.err == "keel: error: no version tag on HEAD: --current shows the release HEAD is tagged as\n"


def test_from_and_to_match_a_git_cliff_range(sandbox):
    repo = history(sandbox)
    ours = keel(sandbox, repo, "--from", "v1.0.0", "--to", "v1.1.0")
    assert ours == cliff(sandbox, repo, "v1.0.0..v1.1.0") == [("1.1.0", ["bravo", "charlie"])]
    assert keel(sandbox, repo, "--from", "v1.1.1") == cliff(sandbox, repo, "v1.1.1..HEAD")
    r = sandbox.keel("release", "changelog", "--from", "v1.0.0", "--latest", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: --latest and --from do not go together\n")


def cliff_raw(sandbox, repo, *args):
    r = subprocess.run([str(tool_path("git-cliff")), "--config", "cliff.toml", *args], cwd=repo,
                       capture_output=True, text=True, env=sandbox.env, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_strip_header_and_output_dash_as_git_cliff(sandbox):
    repo = history(sandbox)
    (repo / "cliff.toml").write_text(CLIFF_TOML.replace('header = ""', 'header = "# Changelog\\n"'))
    # Both write the header to "-o -", and neither with --strip header.
    ours = sandbox.keel("release", "changelog", "-o", "-", cwd=repo)
    theirs = cliff_raw(sandbox, repo, "-o", "-")
    assert ours.out.startswith("# Changelog\n") and theirs.startswith("# Changelog\n")
    assert sections(ours.out) == sections(theirs)
    ours = sandbox.keel("release", "changelog", "--strip", "header", "-o", "-", cwd=repo)
    theirs = cliff_raw(sandbox, repo, "--strip", "header", "-o", "-")
    assert ours.code == 0 and ours.out.startswith("## Unreleased"), ours
    assert "# Changelog" not in theirs
    assert sections(ours.out) == sections(theirs)
    r = sandbox.keel("release", "changelog", "--strip", "body", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: invalid --strip 'body': expected header, footer or all\n")


def monorepo(sandbox):
    repo = new_repo(sandbox)
    (repo / "cliff.toml").write_text(CLIFF_TOML)
    commit(sandbox, repo, "feat: base")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: in src", path="src/a.c")
    commit(sandbox, repo, "fix: in docs", path="docs/guide.md")
    (repo / "src" / "b.c").write_text("b\n")
    (repo / "docs" / "b.md").write_text("b\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "perf: in both", cwd=repo)
    commit(sandbox, repo, "fix: nested docs", path="src/docs/readme.md")
    return repo


def test_include_path_matches_git_cliff(sandbox):
    repo = monorepo(sandbox)
    ours = keel(sandbox, repo, "--include-path", "docs/**")
    assert ours == cliff(sandbox, repo, "--include-path", "docs/**")
    assert ours == [("Unreleased", ["in both", "in docs"])]
    both = keel(sandbox, repo, "--include-path", "docs/**", "--include-path", "src/*.c")
    assert both == cliff(sandbox, repo, "--include-path", "docs/**", "--include-path", "src/*.c")


def test_exclude_path_matches_git_cliff(sandbox):
    repo = monorepo(sandbox)
    ours = keel(sandbox, repo, "--exclude-path", "docs/**", "--unreleased")
    assert ours == cliff(sandbox, repo, "--exclude-path", "docs/**", "--unreleased")
    assert ours == [("Unreleased", ["in both", "in src", "nested docs"])]
    ours = keel(sandbox, repo, "--include-path", "src/**", "--exclude-path", "src/docs/**")
    assert ours == cliff(sandbox, repo, "--include-path", "src/**", "--exclude-path", "src/docs/**")
