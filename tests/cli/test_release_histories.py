"""keel release next against semantic-release's commit analyzer, on real public histories.

The data files (tests/release-histories/README.md) hold each project's commits, tags and the release
points whose version its history decides, as scripts/make-release-histories asked the real
@semantic-release/commit-analyzer. Each history is replayed with git fast-import; at every point
HEAD is the release commit with only the earlier tags present, and keel's next version must be the
project's.

The files are made from snapshots of public repositories, which the workplace keeps out of the
repository's commits, so they are not shipped: generate them (README) into the directory named by
KEEL_RELEASE_HISTORIES, or tests/release-histories/data.
"""

import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "release-histories"
sys.path.insert(0, str(HERE))
import replay  # noqa: E402

DATA = Path(os.environ.get("KEEL_RELEASE_HISTORIES", HERE / "data"))
FILES = sorted(DATA.glob("*.json")) if DATA.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"no release histories in {DATA}: see tests/release-histories/README.md")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_release_point_gets_the_projects_version(sandbox, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    repo = sandbox.root / "replay"
    ids = replay.build(data, str(repo))
    (repo / "keel.toml").write_text(f'[release]\ntag_template = "{data["tag_template"]}"\n'
                                    f'zero_major_breaking = "{data["zero_major_breaking"]}"\n')
    misses = []
    checked = 0
    for release, before in replay.points(data):
        replay.move_to(str(repo), data, ids, release, before)
        args = ["release", "next"] + (["--pre", release["pre"]] if release["pre"] else [])
        r = sandbox.keel(*args, cwd=repo)
        got = r.out.strip() if r.code == 0 else f"exit {r.code}: {r.err.strip()}"
        if got != release["expected"]:
            misses.append(f'{release["tag"]}: keel {got}, expected {release["expected"]}')
        checked += 1
    assert checked == len(data["releases"])
    assert not misses, f"{len(misses)} of {checked} release points differ:\n" + "\n".join(misses)
