"""Replays a release history (tests/release-histories/*.json) as a git repository.

    import replay
    data = json.load(open("tests/release-histories/commit-analyzer.json", encoding="utf-8"))
    ids = replay.build(data, repo_dir)          # ids[i] is the new id of data["commits"][i]
    for release, before in replay.points(data):
        replay.move_to(repo_dir, data, ids, release, before)
        # now HEAD is the release commit and the tags are exactly `before`:
        # ask keel for the next version and compare with release["expected"]

build() writes the whole history with one `git fast-import`: every commit
has the empty tree, the fixed identity below and dates one minute apart in
the file's order (so parents are always older than their children), which
makes the new ids depend on nothing but the data. It creates a lightweight
tag for each "tags" entry and leaves refs/heads/main (HEAD) on the last
commit of the file. The work tree stays empty all along: moving HEAD with
update-ref never leaves it dirty, and files the test writes there (a
keel.toml) are the only ones in it.

Messages are replayed as stored, with one rewrite: an abbreviated or full
commit id of the original project (7 to 40 lowercase hex digits, standing
alone) that names exactly one earlier commit of the file is replaced by the
same number of leading digits of that commit's new id. So
`This reverts commit <id>.` and `(cherry picked from commit <id>)` still name
the right commit in the replay. An id of a commit outside the file, or of a
later one, is left as it is. scripts/make-release-histories asked the oracle
about the replayed messages and ids, so "expected" is the answer for exactly
what the replay holds.

Checking a release point: points() gives each release with the names of the
tags that existed just before it was made: every tag on a proper ancestor of
the release commit (so not the release's own tag, nor any other tag on the
release commit, nor tags on unrelated branches). move_to() then makes the
repository's tags exactly that set (deleting the rest, recreating missing
ones) and points HEAD at the release commit, in one `git update-ref --stdin`
transaction, touching only the refs that change, so walking the points in
file order (the order of their commits) costs little. Tags outside the set
are removed rather than left alone because a tag on an unrelated commit can
matter too (keel numbers pre-releases from every ID.N tag it finds). This is
the one way the test needs: "make all tags, then delete and re-create" is
what move_to() does, point by point.

The repository is made with GIT_CONFIG_GLOBAL=/dev/null and no system
configuration, so nothing on the machine changes the ids.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
from bisect import bisect_left
from typing import Iterator

IDENTITY = b"Keel Replay <replay@keel.invalid>"
FIRST_DATE = 1_500_000_000  # 2017-07-14, arbitrary and fixed
STEP = 60  # seconds between commits
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
BRANCH = "refs/heads/main"

_HEX_WORD = re.compile(rb"(?<![0-9A-Za-z])[0-9a-f]{7,40}(?![0-9A-Za-z])")


def message_bytes(commit: dict) -> bytes:
    """The stored message as bytes (a file may hold "message_b64" instead)."""
    if "message" in commit:
        return commit["message"].encode("utf-8")
    return base64.b64decode(commit["message_b64"])


class _Ids:
    """Original ids, for the prefix look-ups of the hash rewrite."""

    def __init__(self, ids: list[str]):
        self.sorted = sorted((h.encode("ascii"), i) for i, h in enumerate(ids))
        self.keys = [h for h, _ in self.sorted]

    def unique(self, prefix: bytes) -> int | None:
        k = bisect_left(self.keys, prefix)
        if k >= len(self.keys) or not self.keys[k].startswith(prefix):
            return None
        if k + 1 < len(self.keys) and self.keys[k + 1].startswith(prefix):
            return None
        return self.sorted[k][1]


def plan(data: dict) -> tuple[list[str], list[bytes], list[bytes]]:
    """Computes, without git, what build() writes: the new ids, the replayed
    messages and the raw commit objects (each without its "commit N\\0"
    header), in the order of data["commits"]."""
    commits = data["commits"]
    originals = _Ids([c["id"] for c in commits])
    ids: list[str] = []
    messages: list[bytes] = []
    objects: list[bytes] = []
    for i, c in enumerate(commits):
        def rewrite(m: re.Match, i=i) -> bytes:
            j = originals.unique(m.group(0))
            if j is None or j >= i:
                return m.group(0)
            return ids[j][: len(m.group(0))].encode("ascii")

        message = _HEX_WORD.sub(rewrite, message_bytes(c))
        date = b"%d +0000" % (FIRST_DATE + STEP * i)
        head = b"tree " + EMPTY_TREE.encode("ascii") + b"\n"
        for p in c["parents"]:
            if not 0 <= p < i:
                raise ValueError(f"commit {i}: parent {p} is not an earlier entry")
            head += b"parent " + ids[p].encode("ascii") + b"\n"
        head += b"author " + IDENTITY + b" " + date + b"\n"
        head += b"committer " + IDENTITY + b" " + date + b"\n\n"
        body = head + message
        ids.append(hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest())
        messages.append(message)
        objects.append(body)
    return ids, messages, objects


def _git(repo_dir: str, *args: str, input: bytes | None = None) -> bytes:
    env = dict(os.environ)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG_PARAMETERS"):
        env.pop(k, None)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run(
        ["git", "-C", repo_dir, *args], input=input, env=env, check=True, stdout=subprocess.PIPE
    ).stdout


def build(data: dict, repo_dir: str) -> list[str]:
    """Creates a git repository at repo_dir (which must not exist or be empty)
    holding data's history and tags; returns the new commit id of each entry
    of data["commits"], by index."""
    os.makedirs(repo_dir, exist_ok=True)
    _git(repo_dir, "init", "-q")
    _git(repo_dir, "symbolic-ref", "HEAD", BRANCH)
    ids, messages, _ = plan(data)
    stream = bytearray()
    scratch = b"refs/replay/scratch"
    for i, c in enumerate(data["commits"]):
        date = b"%d +0000" % (FIRST_DATE + STEP * i)
        stream += b"reset " + scratch + b"\n"
        stream += b"commit " + scratch + b"\nmark :%d\n" % (i + 1)
        stream += b"author " + IDENTITY + b" " + date + b"\n"
        stream += b"committer " + IDENTITY + b" " + date + b"\n"
        stream += b"data %d\n" % len(messages[i]) + messages[i] + b"\n"
        for k, p in enumerate(c["parents"]):
            stream += (b"from" if k == 0 else b"merge") + b" :%d\n" % (p + 1)
    for t in data["tags"]:
        stream += b"reset refs/tags/" + t["name"].encode("utf-8") + b"\nfrom :%d\n\n" % (t["commit"] + 1)
    if data["commits"]:
        stream += b"reset " + BRANCH.encode("ascii") + b"\nfrom :%d\n\n" % len(data["commits"])
    marks = os.path.join(repo_dir, ".git", "replay-marks")
    _git(repo_dir, "fast-import", "--quiet", "--done", f"--export-marks={marks}", input=bytes(stream) + b"done\n")
    written = {}
    with open(marks, encoding="ascii") as f:
        for line in f:
            mark, oid = line.split()
            written[int(mark[1:]) - 1] = oid
    os.unlink(marks)
    _git(repo_dir, "update-ref", "-d", scratch.decode())
    for i, oid in enumerate(ids):
        if written.get(i) != oid:
            raise RuntimeError(f"commit {i}: fast-import wrote {written.get(i)}, expected {oid}")
    return ids


def ancestor_tags(data: dict) -> list[int]:
    """For each commit, a bit set of the tags (by index in data["tags"]) on it
    or on one of its ancestors."""
    on = [0] * len(data["commits"])
    for k, t in enumerate(data["tags"]):
        on[t["commit"]] |= 1 << k
    reach = [0] * len(data["commits"])
    for i, c in enumerate(data["commits"]):
        r = on[i]
        for p in c["parents"]:
            r |= reach[p]
        reach[i] = r
    return reach


def points(data: dict) -> Iterator[tuple[dict, list[str]]]:
    """Yields (release, names of the tags that exist just before it) for each
    entry of data["releases"], in file order."""
    reach = ancestor_tags(data)
    tags = data["tags"]
    for release in data["releases"]:
        c = release["commit"]
        bits = reach[c]
        before = [t["name"] for k, t in enumerate(tags) if bits >> k & 1 and t["commit"] != c]
        yield release, before


def move_to(repo_dir: str, data: dict, ids: list[str], release: dict, tag_names: list[str]) -> None:
    """Points HEAD (refs/heads/main) at the release commit and makes the
    repository's tags exactly tag_names, in one update-ref transaction that
    touches only the tags that change."""
    names = set(tag_names)
    wanted = {t["name"]: ids[t["commit"]] for t in data["tags"] if t["name"] in names}
    have = {}
    listing = _git(repo_dir, "for-each-ref", "--format=%(refname:strip=2)%00%(objectname)", "refs/tags")
    for line in listing.decode("utf-8").splitlines():
        name, oid = line.split("\0")
        have[name] = oid
    lines = [f"update {BRANCH} {ids[release['commit']]}"]
    lines += [f"delete refs/tags/{name}" for name in have if name not in wanted]
    lines += [f"update refs/tags/{name} {oid}" for name, oid in wanted.items() if have.get(name) != oid]
    _git(repo_dir, "update-ref", "--stdin", input=("\n".join(lines) + "\n").encode("utf-8"))
