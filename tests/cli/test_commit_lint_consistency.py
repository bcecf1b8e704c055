"""keel commit lint --range, keel commit lint - and the commit-msg hook give one verdict per message.

Merge messages (a real two-parent merge and the one-parent "Merge commit '...'" form), fixup!,
squash! and amend! messages and reverts are treated alike by every entry point, as commitlint's
default ignores are.
"""

import os
import subprocess

import pytest

from conftest import KEEL_BIN

MESSAGES = [
    ("feat: a good one\n", 0),
    ("Bad Message.\n", 1),
    ("Merge commit 'abc1234'\n", 0),
    ("Merge branch 'topic' into main\n", 0),
    ("fixup! feat: a good one\n", 0),
    ("squash! Bad Message.\n", 0),
    ("amend! feat: x\n\nfeat: x, better\n", 0),
    ('Revert "feat: a good one"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n', 0),
    ("revert the last change\n", 0),
    ("Reapply \"feat: x\"\n", 0),
    ("revert: Undo It.\n", 1),  # a Conventional Commit of type revert is linted
]


def with_hook(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[hooks.commit-msg.commands.lint]\nrun = "keel commit lint {1}"\n')
    sandbox.env["PATH"] = os.path.dirname(KEEL_BIN) + os.pathsep + sandbox.env.get("PATH", "")
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "--no-verify", "-m", "chore: hooks", cwd=repo)
    return repo


@pytest.mark.parametrize("text, expected", MESSAGES, ids=[m[0].split("\n")[0] for m in MESSAGES])
def test_every_entry_point_gives_the_same_verdict(sandbox, text, expected):
    repo = with_hook(sandbox)
    stdin = sandbox.keel("commit", "lint", "-", cwd=repo, input=text)
    (sandbox.root / "message").write_text(text)
    hooked = subprocess.run(["git", "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F",
                             str(sandbox.root / "message")], cwd=repo, env=sandbox.env, capture_output=True,
                            text=True, timeout=60)
    if hooked.returncode != 0:  # the hook refused: record the commit without it, for --range
        sandbox.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "--no-verify", "-F",
                    str(sandbox.root / "message"), cwd=repo)
    ranged = sandbox.keel("commit", "lint", "--range", "HEAD~1..HEAD", cwd=repo)
    verdicts = (stdin.code, 0 if hooked.returncode == 0 else 1, ranged.code)
    assert verdicts == (expected,) * 3, (stdin, hooked.stderr, ranged)


def test_a_two_parent_merge_is_not_linted_in_a_range_whatever_it_says(sandbox):
    repo = with_hook(sandbox)
    sandbox.git("checkout", "-q", "-b", "topic", cwd=repo)
    sandbox.git("commit", "-q", "--allow-empty", "-m", "feat: topic", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    sandbox.git("commit", "-q", "--allow-empty", "-m", "fix: main", cwd=repo)
    sandbox.git("merge", "-q", "--no-ff", "--no-verify", "-m", "Bad Merge Message.", "topic", cwd=repo)
    r = sandbox.keel("commit", "lint", "--range", "HEAD~1..HEAD", cwd=repo)
    assert (r.code, r.out) == (0, "1 commit checked, 1 ignored: 0 errors, 0 warnings\n"), r
