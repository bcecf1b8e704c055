"""keel release next and changelog on histories that are not what they should be.

Each case gets a clear answer or a clear one-line error, the documented exit status, and no file
written or replaced that was not to be.
"""

import json
import subprocess

from conftest import KEEL_BIN
from release_support import commit, head, new_repo, short


def raw_commit(sandbox, repo, message: bytes) -> str:
    """A commit whose message is exactly these bytes (git commit would clean them), on HEAD."""
    parent = head(sandbox, repo)
    tree = sandbox.git("rev-parse", "HEAD^{tree}", cwd=repo).strip()
    body = (f"tree {tree}\nparent {parent}\nauthor A <a@example.com> 1767355200 +0000\n"
            f"committer A <a@example.com> 1767355200 +0000\n\n").encode() + message
    r = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"], cwd=repo,
                       input=body, capture_output=True, env=sandbox.env, check=True)
    oid = r.stdout.decode().strip()
    sandbox.git("update-ref", "HEAD", oid, cwd=repo)
    return oid


def test_invalid_utf8_and_nul_in_messages(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    bad = raw_commit(sandbox, repo, b"feat: caf\xe9 latin-1\n")
    nul = raw_commit(sandbox, repo, b"fix: a NUL\x00 in the middle\n\nBREAKING CHANGE: after the NUL\n")
    r = sandbox.keel("release", "next", "--json", cwd=repo)
    assert r.code == 0, r
    decision = json.loads(r.out)
    assert decision["next"] == "1.1.0"  # git stops a message at NUL; the note after it is not read
    assert [c["id"] for c in decision["decided_by"]] == [bad]
    assert "\ufffd" in decision["decided_by"][0]["header"]  # JSON stays valid UTF-8
    r = subprocess.run([KEEL_BIN, "release", "changelog"], cwd=repo, capture_output=True,
                       env=sandbox.env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert b"* caf\xe9 latin-1 (" + short(bad).encode() in r.stdout  # Markdown keeps the bytes
    assert f"* a NUL ({short(nul)})".encode() in r.stdout
    r = sandbox.keel("release", "changelog", "--context", cwd=repo)
    assert r.code == 0 and "caf\ufffd latin-1" in json.loads(r.out)[0]["groups"][0]["commits"][0]["text"]


def test_a_10_mb_message(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    big = b"fix: a big one\n\n" + (b"x" * 99 + b"\n") * 100_000 + b"BREAKING CHANGE: at the very end\n"
    raw_commit(sandbox, repo, big)
    r = sandbox.keel("release", "next", cwd=repo)
    assert (r.code, r.out) == (0, "2.0.0\n"), r
    r = sandbox.keel("release", "changelog", "--unreleased", cwd=repo)
    assert r.code == 0 and "at the very end" in r.out


def test_tags_on_unreachable_commits_and_two_tags_on_one(sandbox):
    repo = new_repo(sandbox)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "elsewhere", cwd=repo)
    commit(sandbox, repo, "feat!: never merged")
    sandbox.git("tag", "v9.0.0", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    sandbox.git("branch", "-q", "-D", "elsewhere", cwd=repo)  # v9.0.0 is reachable from no branch now
    commit(sandbox, repo, "fix: here")
    sandbox.git("tag", "v1.0.1", cwd=repo)
    sandbox.git("tag", "v1.0.1-rc.1", cwd=repo)
    commit(sandbox, repo, "fix: more")
    r = sandbox.keel("release", "next", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "1.0.2\n", "")
    r = sandbox.keel("release", "changelog", cwd=repo)
    assert r.code == 0 and "9.0.0" not in r.out and "never merged" not in r.out
    # The tag already exists for the version keel would make: release refuses before writing.
    sandbox.git("tag", "v1.0.2", "v9.0.0", cwd=repo)
    before = sandbox.git("for-each-ref", cwd=repo)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 1 and r.err.startswith("keel: error: tag 'v1.0.2' already exists\n"), r
    assert sandbox.git("for-each-ref", cwd=repo) == before


def test_a_changelog_target_that_is_a_directory_changes_nothing(sandbox):
    repo = new_repo(sandbox)
    (repo / "keel.toml").write_text('[release.changelog]\npath = "CHANGELOG.md"\n')
    (repo / "CHANGELOG.md").mkdir()
    (repo / "CHANGELOG.md" / "keep").write_text("x")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: layout", cwd=repo)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: x")
    before = sandbox.git("for-each-ref", cwd=repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (74, ""), r
    assert r.err.endswith("keel: error: cannot write 'CHANGELOG.md': it is a directory\n")
    assert sandbox.git("for-each-ref", cwd=repo) == before
    assert sandbox.git("status", "--porcelain", cwd=repo) == ""
