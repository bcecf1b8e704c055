"""keel release changelog --context and --from-context, and --config - (a config on standard input)."""

import json
import subprocess
from pathlib import Path

import jsonschema

from conftest import tool_path
from release_support import commit, new_repo

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "changelog-context.schema.json").read_text())


def history(sandbox):
    repo = new_repo(sandbox)
    commit(sandbox, repo, "feat: alpha")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "fix(io): bravo\n\nCloses #12")
    commit(sandbox, repo, "feat!: charlie\n\nBREAKING CHANGE: the flag is gone")
    sandbox.git("tag", "v2.0.0", cwd=repo)
    commit(sandbox, repo, "perf: delta")
    return repo


def context_of(sandbox, repo, *args):
    r = sandbox.keel("release", "changelog", "--context", *args, cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    return json.loads(r.out)


def test_context_follows_the_schema_and_has_git_cliffs_sections(sandbox):
    repo = history(sandbox)
    ours = context_of(sandbox, repo)
    jsonschema.Draft202012Validator(SCHEMA).validate(ours)
    r = subprocess.run([str(tool_path("git-cliff")), "--context"], cwd=repo, capture_output=True, text=True,
                       env=sandbox.env, timeout=60)
    assert r.returncode == 0, r.stderr
    theirs = json.loads(r.stdout)
    # git-cliff's unreleased release has no version; its tags keep the 'v'.
    # keel's default sections are git-cliff's default groups of feat, fix and perf.
    shown = ("Features", "Bug Fixes", "Performance")
    cliff = [(rel["version"] or "Unreleased",
              sorted(c["id"] for c in rel["commits"] if any(g in (c["group"] or "") for g in shown)))
             for rel in theirs]
    keel = [(s["version"] if s["unreleased"] else s["tag"],
             sorted({c["id"] for g in s["groups"] for c in g["commits"]})) for s in ours]
    assert keel == cliff
    fix = next(c for g in ours[1]["groups"] for c in g["commits"] if c["type"] == "fix")
    assert (fix["scope"], fix["description"], fix["breaking"]) == ("io", "bravo", False)
    assert ours[1]["groups"][0] == {"title": "Breaking Changes", "breaking": True,
                                    "commits": [ours[1]["groups"][0]["commits"][0]]}
    assert ours[1]["groups"][0]["commits"][0]["text"] == "the flag is gone"


def test_from_context_renders_what_the_history_renders(sandbox):
    repo = history(sandbox)
    (repo / "context.json").write_text(sandbox.keel("release", "changelog", "--context", cwd=repo).out)
    plain = sandbox.keel("release", "changelog", cwd=repo)
    again = sandbox.keel("release", "changelog", "--from-context", "context.json", cwd=repo)
    assert (again.code, again.err) == (0, "")
    assert again.out == plain.out
    # A script edits the data; keel renders the edit with the template.
    data = json.loads((repo / "context.json").read_text())
    data[0]["groups"][0]["commits"][0]["text"] = "much faster"
    r = sandbox.keel("release", "changelog", "--from-context", "-", cwd=repo, input=json.dumps(data))
    assert r.code == 0 and "* much faster (" in r.out and "delta" not in r.out, r


def test_from_context_refuses_bad_input_with_its_position(sandbox):
    repo = history(sandbox)
    (repo / "bad.json").write_text('[\n  {"version": "1.0.0",}\n]\n')
    r = sandbox.keel("release", "changelog", "--from-context", "bad.json", cwd=repo)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("keel: error: bad.json:2:23: malformed JSON: syntax error while parsing object key"), r
    (repo / "bad.json").write_text('[{"tag": "v1"}]')
    r = sandbox.keel("release", "changelog", "--from-context", "bad.json", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: bad.json: section 1 has no \"version\" text\n"
                                  "hint: see docs/changelog-context.schema.json\n")
    (repo / "bad.json").write_text('{"version": "1.0.0"}')
    r = sandbox.keel("release", "changelog", "--from-context", "bad.json", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: bad.json: expected an array of sections\n"
                                  "hint: see docs/changelog-context.schema.json\n")
    r = sandbox.keel("release", "changelog", "--from-context", "bad.json", "--latest", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: --from-context renders the sections it is given: it takes no "
                                  "option that chooses them\n")


def test_config_from_standard_input(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "release-1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: x")
    r = sandbox.keel("--config", "-", "release", "next", cwd=repo,
                     input='[release]\ntag_template = "release-{version}"\n')
    assert (r.code, r.out, r.err) == (0, "1.1.0\n", ""), r
    r = sandbox.keel("--config", "-", "config", "get", "release.tag_template", "--show-origin", cwd=repo,
                     input='[release]\ntag_template = "release-{version}"\n')
    assert (r.code, r.out) == (0, "-:2:1\trelease-{version}\n"), r
    r = sandbox.keel("--config", "-", "release", "next", cwd=repo, input='[release]\ntag_template = 3\n')
    assert r.code == 78 and r.err.startswith("keel: error: -:2:1: wrong type for 'release.tag_template': expected a string"), r
    r = sandbox.keel("--config", "-", "--config", "-", "release", "next", cwd=repo, input="")
    assert (r.code, r.err) == (2, "keel: error: --config - given twice: standard input can be read once\n")


def test_standard_input_is_bounded(sandbox):
    repo = history(sandbox)
    big = "#" * (11 * 1024 * 1024)
    r = sandbox.keel("--config", "-", "release", "next", cwd=repo, input=big)
    assert (r.code, r.err) == (2, "keel: error: file too large: 'standard input (--config -)' is over 10 MiB\n")
    r = sandbox.keel("release", "changelog", "--from-context", "-", cwd=repo, input=big)
    assert (r.code, r.err) == (2, "keel: error: file too large: 'standard input (--from-context -)' is over "
                                  "10 MiB\n")
