"""keel run's remote cache (Bazel's HTTP protocol) against real nginx WebDAV on loopback, a fault server of
our own and tinyproxy: hits across clones, what is uploaded and in what order, read-only mode, faults that
never fail a build, TLS with a private CA, bearer tokens, proxies, and credentials kept out of every log."""

import hashlib
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from remote_support import FaultServer, Nginx, decode_action_result, encode_action_result, make_ca

from test_run_cache import BUILD, project, runs


def clone(sandbox, origin, name):
    sandbox.git("clone", "-q", str(origin), name, cwd=sandbox.root)
    return sandbox.root / name


def run(sandbox, repo, url, *args, cache="cache", env=None, **more):
    e = {"KEEL_CACHE__DIR": str(sandbox.root / cache), "KEEL_CACHE__REMOTE__URL": url}
    e.update(env or {})
    return sandbox.keel("run", *args, cwd=repo, env=e, **more)


def tree(root: Path):
    """Every file and link below root: path -> (kind, mode bits, content or target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        rel = str(p.relative_to(root))
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(p))
        elif stat.S_ISREG(st.st_mode):
            out[rel] = ("file", st.st_mode & 0o777, p.read_bytes())
    return out


def warnings(r):
    return [l for l in r.err.splitlines() if l.startswith("keel: warning:")]


@pytest.fixture
def nginx(tmp_path):
    server = Nginx(tmp_path / "nginx")
    yield server
    server.stop()


def test_a_second_clone_restores_everything_from_the_remote_and_runs_nothing(sandbox, nginx):
    origin = project(sandbox, name="origin")
    a = clone(sandbox, origin, "a")
    r = run(sandbox, a, nginx.url, "build", cache="cache-a")
    assert r.code == 0, r
    assert runs(sandbox) == 1
    assert "remote cache http://127.0.0.1:%d/cache: 0 hits, 1 miss" % nginx.port in r.err, r
    assert "uploaded 3 blobs and 1 result" in r.err, r

    b = clone(sandbox, origin, "b")
    before = len(nginx.requests())
    r = run(sandbox, b, nginx.url, "build", cache="cache-b")
    assert r.code == 0, r
    assert runs(sandbox) == 1, "the second clone ran the task instead of restoring it"
    assert "1 hit, 0 misses" in r.err, r
    assert "building" in r.out, "the replayed output is missing"
    assert tree(b / "out") == tree(a / "out")
    assert stat.S_IMODE((b / "out" / "app").stat().st_mode) & 0o111
    assert os.readlink(b / "out" / "lib" / "link") == "d.txt"
    # the action entry, then app, d.txt and the replayed output; nothing uploaded again
    second = nginx.requests()[before:]
    assert sorted(m for (m, *_ ) in second) == ["GET"] * 4, second
    assert [u.split("/")[2] for (_, u, *_ ) in second] == ["ac", "cas", "cas", "cas"], second


def test_the_action_entry_is_a_real_action_result_that_protoc_reads(sandbox, nginx):
    origin = project(sandbox, name="origin")
    r = run(sandbox, origin, nginx.url, "build")
    assert r.code == 0, r
    [key] = nginx.stored("ac")
    text = decode_action_result((nginx.data / "cache" / "ac" / key).read_bytes())
    app = (origin / "out" / "app").read_bytes()
    d = b"data\n"
    assert re.search(r'output_files \{\s*path: "out/app"\s*digest \{\s*hash: "%s"\s*size_bytes: %d\s*\}\s*is_executable: true'
                     % (hashlib.sha256(app).hexdigest(), len(app)), text), text
    assert re.search(r'output_files \{\s*path: "out/lib/d.txt"\s*digest \{\s*hash: "%s"\s*size_bytes: 5\s*\}\s*\}'
                     % hashlib.sha256(d).hexdigest(), text), text
    assert re.search(r'output_symlinks \{\s*path: "out/lib/link"\s*target: "d.txt"\s*\}', text), text
    out = b"building\n"
    assert re.search(r'stdout_digest \{\s*hash: "%s"\s*size_bytes: %d' % (hashlib.sha256(out).hexdigest(), len(out)), text), text
    for blob in nginx.stored("cas"):
        assert hashlib.sha256((nginx.data / "cache" / "cas" / blob).read_bytes()).hexdigest() == blob
