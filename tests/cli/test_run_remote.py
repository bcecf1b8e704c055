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

from conftest import KEEL_BIN
from remote_support import FaultServer, Nginx, decode_action_result, encode_action_result, make_ca, start_tinyproxy

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


def test_a_blob_over_the_action_entry_limit_comes_back_whole(sandbox, nginx):
    # 20 MiB, more than the 16 MiB an action entry may have: the limit of
    # one request must not stay on the connection for the next.
    config = """
[tasks.big]
inputs = ["src/*.c"]
outputs = ["big.bin"]
run = "head -c 20971520 /dev/urandom > big.bin"
"""
    origin = project(sandbox, config, name="origin")
    a = clone(sandbox, origin, "a")
    r = run(sandbox, a, nginx.url, "big", cache="cache-a")
    assert r.code == 0 and "uploaded 1 blob and 1 result (20.0 MiB)" in r.err, r
    b = clone(sandbox, origin, "b")
    r = run(sandbox, b, nginx.url, "big", cache="cache-b")
    assert r.code == 0 and warnings(r) == [] and "1 hit" in r.err, r
    assert (b / "big.bin").read_bytes() == (a / "big.bin").read_bytes()


def test_uploading_what_the_server_has_is_no_failure(sandbox, nginx):
    # nginx answers 204 to a PUT that replaces a file: a success.
    origin = project(sandbox, name="origin")
    assert run(sandbox, origin, nginx.url, "build").code == 0
    r = run(sandbox, origin, nginx.url, "build", "--force")
    assert r.code == 0 and warnings(r) == [], r
    assert "uploaded 3 blobs and 1 result" in r.err, r
    assert [s for (m, _, s, *_ ) in nginx.requests() if m == "PUT"][-4:] == ["204"] * 4, nginx.requests()


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


def test_upload_puts_every_blob_before_the_result_that_names_it_and_each_blob_once(sandbox):
    # Three tasks whose outputs share a file: each blob goes up once, and every
    # action result goes up only after all of its blobs.
    config = "".join(f"""
[tasks.t{i}]
inputs = ["src/*.c"]
outputs = ["out{i}/"]
run = "mkdir -p out{i}; cp src/main.c out{i}/same.c; echo {i} > out{i}/own.txt"
""" for i in range(3)) + '[tasks.all]\ndeps = ["t0", "t1", "t2"]\nrun = "true"\n'
    origin = project(sandbox, config, name="origin")
    server = FaultServer("store")
    try:
        r = run(sandbox, origin, server.url, "-j", "3", "all")
        assert r.code == 0, r
        puts = [path for (method, path) in server.log if method == "PUT"]
        blob_puts = [p for p in puts if "/cas/" in p]
        assert len(blob_puts) == len(set(blob_puts)) == 4, puts  # same.c once, own.txt thrice
        results = [i for i, p in enumerate(puts) if "/ac/" in p]
        assert len(results) == 3, puts
        for i in results:
            text = decode_action_result(server.blobs[puts[i]])
            for h in re.findall(r'hash: "([0-9a-f]{64})"', text):
                assert f"/cache/cas/{h}" in puts[:i], f"{puts[i]} went up before its blob {h}: {puts}"
        assert "1 skipped" in r.err or "2 skipped" in r.err, r
    finally:
        server.stop()


def test_read_only_mode_downloads_but_never_uploads(sandbox, nginx):
    origin = project(sandbox, name="origin")
    r = run(sandbox, origin, nginx.url, "build", env={"KEEL_CACHE__REMOTE__UPLOAD": "false"})
    assert r.code == 0, r
    assert [m for (m, *_ ) in nginx.requests()] == ["GET"], nginx.requests()
    assert nginx.stored("ac") == [] and nginx.stored("cas") == []
    # filled by a writer, then read by the read-only clone
    a = clone(sandbox, origin, "a")
    assert run(sandbox, a, nginx.url, "build", cache="cache-a").code == 0
    b = clone(sandbox, origin, "b")
    before = len(nginx.requests())
    r = run(sandbox, b, nginx.url, "build", cache="cache-b", env={"KEEL_CACHE__REMOTE__UPLOAD": "false"})
    assert r.code == 0 and "1 hit" in r.err, r
    assert all(m == "GET" for (m, *_ ) in nginx.requests()[before:])


def reference_tree(sandbox, origin):
    ref = clone(sandbox, origin, "reference")
    assert sandbox.keel("run", "build", "--no-cache", cwd=ref).code == 0
    return tree(ref / "out")


def store_is_sound(sandbox, cache):
    """Every blob in the local store has the digest it is named by."""
    cas = sandbox.root / cache / "cas"
    for p in cas.rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            assert hashlib.sha256(p.read_bytes()).hexdigest() == p.parent.name + p.name, p


def only_warning(r):
    w = warnings(r)
    assert len(w) == 1, r
    return w[0]


@pytest.mark.parametrize("mode, expected", [
    ("status:500", "answered HTTP 500"),
    ("status:507", "answered HTTP 507"),
    ("status:401", "refused access (HTTP 401); check the token or credentials"),
    ("status:403", "refused access (HTTP 403); check the token or credentials"),
    ("slow", "timed out: no progress within cache.remote.timeout"),
    ("drop", "the server closed the connection without an answer"),
    ("truncate", "the body was cut short"),
    ("redirect", "redirected to another scheme, which keel does not follow"),
    ("html", "is not a usable action result: the bytes are not an ActionResult message; taken as a miss"),
])
def test_a_failing_server_is_one_warning_and_the_build_goes_on(sandbox, mode, expected):
    origin = project(sandbox, name="origin")
    want = reference_tree(sandbox, origin)
    server = FaultServer(mode)
    try:
        repo = clone(sandbox, origin, "work")
        r = run(sandbox, repo, server.url, "build", env={"KEEL_CACHE__REMOTE__TIMEOUT": "1s"})
        assert r.code == 0, r
        w = only_warning(r)
        assert w.startswith("keel: warning: remote cache: "), w
        assert f"127.0.0.1:{server.port}/cache" in w, w
        assert expected in w, w
        if mode != "html":
            assert w.endswith("; the run goes on without it"), w
            # turned off: nothing is asked after the first failure
            assert len(server.log) == 1, server.log
        assert runs(sandbox) == 2 and tree(repo / "out") == want
        store_is_sound(sandbox, "cache")
        r = sandbox.keel("run", "build", cwd=repo, env={"KEEL_CACHE__DIR": str(sandbox.root / "cache")})
        assert r.code == 0 and "up to date" in r.err, r
    finally:
        server.stop()


def test_ctrl_c_does_not_wait_for_a_slow_server(sandbox):
    import signal
    import time
    origin = project(sandbox, name="origin")
    server = FaultServer("slow")
    server.slow_seconds = 30
    try:
        env = dict(sandbox.env, KEEL_CACHE__DIR=str(sandbox.root / "cache"), KEEL_CACHE__REMOTE__URL=server.url,
                   KEEL_CACHE__REMOTE__TIMEOUT="60s")
        p = subprocess.Popen([KEEL_BIN, "run", "build"], cwd=origin, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while not server.log and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.log, "keel never asked the server"
        p.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = p.communicate(timeout=20)
        assert time.monotonic() - sent < 10, err
        assert p.returncode == 130, err
        assert runs(sandbox) == 0
    finally:
        server.stop()


def test_an_unreachable_server_is_one_warning_and_the_build_goes_on(sandbox):
    from remote_support import free_port
    origin = project(sandbox, name="origin")
    port = free_port()
    r = run(sandbox, origin, f"http://127.0.0.1:{port}/cache", "build")
    assert r.code == 0, r
    w = only_warning(r)
    assert f"GET http://127.0.0.1:{port}/cache/ac/" in w and w.endswith(": cannot connect; the run goes on without it"), w


def test_a_url_that_is_not_http_is_one_warning(sandbox):
    origin = project(sandbox, name="origin")
    r = run(sandbox, origin, "ftp://127.0.0.1/cache", "build")
    assert r.code == 0, r
    assert only_warning(r) == ("keel: warning: remote cache: the URL 'ftp://127.0.0.1/cache' is not http:// or "
                               "https://; the run goes on without it")


@pytest.mark.parametrize("mode, expected", [
    ("wrong_bytes", "sent bytes that do not match their SHA-256; taken as a miss"),
    ("long_blob", "sent bytes that do not match their SHA-256; taken as a miss"),
])
def test_wrong_bytes_from_the_server_are_a_miss_and_never_kept(sandbox, mode, expected):
    origin = project(sandbox, name="origin")
    server = FaultServer("store")
    try:
        assert run(sandbox, origin, server.url, "build", cache="cache-origin").code == 0
        want = tree(origin / "out")
        server.mode = mode
        repo = clone(sandbox, origin, "work")
        r = run(sandbox, repo, server.url, "build")
        assert r.code == 0, r
        w = only_warning(r)
        assert f"http://127.0.0.1:{server.port}/cache/cas/" in w and expected in w, w
        assert runs(sandbox) == 2 and tree(repo / "out") == want
        store_is_sound(sandbox, "cache")
    finally:
        server.stop()


@pytest.mark.parametrize("result, expected", [
    ('output_files { path: "out/app" digest { hash: "abc" size_bytes: 3 } }',
     "has a digest that is not 64 lowercase hex digits"),
    ('output_files { path: "../../escape" digest { hash: "%s" size_bytes: 0 } }' % hashlib.sha256(b"").hexdigest(),
     "the output path '../../escape' is not inside the task"),
    ('output_symlinks { path: "out/link" target: "../../../etc/passwd" }',
     "the link 'out/link' points outside the task: '../../../etc/passwd'"),
    ('exit_code: 2', "its exit code is 2"),
])
def test_an_action_result_keel_cannot_use_is_a_miss(sandbox, result, expected):
    origin = project(sandbox, name="origin")
    want = reference_tree(sandbox, origin)
    server = FaultServer("ac:" + encode_action_result(result).hex())
    try:
        repo = clone(sandbox, origin, "work")
        r = run(sandbox, repo, server.url, "build")
        assert r.code == 0, r
        w = only_warning(r)
        assert expected in w and "taken as a miss" in w, w
        assert runs(sandbox) == 2 and tree(repo / "out") == want
        assert not (sandbox.root / "escape").exists()
    finally:
        server.stop()


def test_tls_with_a_private_ca_and_http2(sandbox, tmp_path):
    ca, cert, key = make_ca(tmp_path / "ca")
    server = Nginx(tmp_path / "nginx", tls=(cert, key))
    try:
        origin = project(sandbox, name="origin")
        # the CA is not trusted: one warning, the build goes on
        r = run(sandbox, origin, server.url, "build", cache="cache-x")
        assert r.code == 0, r
        assert "the server's TLS certificate does not verify (" in only_warning(r), r
        a = clone(sandbox, origin, "a")
        r = run(sandbox, a, server.url, "build", cache="cache-a", env={"KEEL_CACHE__REMOTE__CA_FILE": str(ca)})
        assert r.code == 0 and warnings(r) == [] and "uploaded 3 blobs" in r.err, r
        b = clone(sandbox, origin, "b")
        r = run(sandbox, b, server.url, "build", cache="cache-b", env={"SSL_CERT_FILE": str(ca)})
        assert r.code == 0 and warnings(r) == [] and "1 hit" in r.err, r
        assert tree(b / "out") == tree(a / "out")
        protocols = {p for (_, _, _, p, _) in server.requests()}
        assert protocols == {"HTTP/2.0"}, server.requests()
    finally:
        server.stop()


def test_a_bearer_token_from_the_named_variable(sandbox, tmp_path):
    server = Nginx(tmp_path / "nginx", token="t0ken-for-the-cache")
    try:
        origin = project(sandbox, name="origin")
        env = {"KEEL_CACHE__REMOTE__TOKEN_ENV": "CACHE_TOKEN", "CACHE_TOKEN": "t0ken-for-the-cache"}
        a = clone(sandbox, origin, "a")
        r = run(sandbox, a, server.url, "-v", "build", cache="cache-a", env=env)
        assert r.code == 0 and warnings(r) == [] and "uploaded 3 blobs" in r.err, r
        assert "t0ken-for-the-cache" not in r.out + r.err
        b = clone(sandbox, origin, "b")
        r = run(sandbox, b, server.url, "build", cache="cache-b",
                env={**env, "CACHE_TOKEN": "an-expired-token"})
        assert r.code == 0, r
        w = only_warning(r)
        assert w == (f"keel: warning: remote cache: {server.url}/ac/{w.split('/ac/')[1].split(' ')[0]} refused access "
                     "(HTTP 401); check the token or credentials; the run goes on without it"), w
        assert runs(sandbox) == 2
    finally:
        server.stop()


def test_credentials_in_the_url_never_show(sandbox, tmp_path):
    server = FaultServer("status:500")
    try:
        origin = project(sandbox, name="origin")
        url = f"http://builder:pa55word-secret@127.0.0.1:{server.port}/cache"
        report = sandbox.root / "report.xml"
        r = run(sandbox, origin, url, "-vv", "build", "--report", report)
        assert r.code == 0, r
        assert "pa55word-secret" not in r.out + r.err + report.read_text()
        assert f"http://***@127.0.0.1:{server.port}/cache/ac/" in only_warning(r), r
    finally:
        server.stop()


def test_the_remote_url_cannot_come_from_the_project(sandbox):
    origin = project(sandbox, BUILD + '\n[cache.remote]\nurl = "http://127.0.0.1:9/steal"\n', name="origin")
    r = sandbox.keel("run", "build", cwd=origin)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:8:1: 'cache.remote.url' cannot be set in a project file"), r


def test_through_a_forward_proxy(sandbox, tmp_path, nginx):
    proxy, port, log = start_tinyproxy(tmp_path)
    try:
        origin = project(sandbox, name="origin")
        r = run(sandbox, origin, nginx.url, "build", env={"http_proxy": f"http://127.0.0.1:{port}"})
        assert r.code == 0 and warnings(r) == [] and "uploaded 3 blobs" in r.err, r
        assert f"GET http://127.0.0.1:{nginx.port}/cache/ac/" in log.read_text(), log.read_text()
        assert f"PUT http://127.0.0.1:{nginx.port}/cache/cas/" in log.read_text(), log.read_text()
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def test_https_through_a_forward_proxy_and_no_proxy(sandbox, tmp_path):
    ca, cert, key = make_ca(tmp_path / "ca")
    server = Nginx(tmp_path / "nginx", tls=(cert, key))
    proxy, port, log = start_tinyproxy(tmp_path)
    try:
        origin = project(sandbox, name="origin")
        env = {"https_proxy": f"http://127.0.0.1:{port}", "KEEL_CACHE__REMOTE__CA_FILE": str(ca)}
        r = run(sandbox, origin, server.url, "build", env=env)
        assert r.code == 0 and warnings(r) == [] and "uploaded 3 blobs" in r.err, r
        assert f"CONNECT 127.0.0.1:{server.port}" in log.read_text(), log.read_text()
        # no_proxy: straight to the server, although the proxy is gone
        proxy.terminate()
        proxy.wait(timeout=10)
        b = clone(sandbox, origin, "b")
        r = run(sandbox, b, server.url, "build", cache="cache-b", env={**env, "no_proxy": "127.0.0.1"})
        assert r.code == 0 and warnings(r) == [] and "1 hit" in r.err, r
    finally:
        if proxy.poll() is None:
            proxy.terminate()
            proxy.wait(timeout=10)
        server.stop()


def test_cache_stats_shows_the_remote(sandbox, nginx):
    origin = project(sandbox, name="origin")
    a = clone(sandbox, origin, "a")
    assert run(sandbox, a, nginx.url, "build", cache="shared").code == 0
    b = clone(sandbox, origin, "b")
    (sandbox.root / "shared" / "ac").rename(sandbox.root / "old-ac")
    assert run(sandbox, b, nginx.url, "build", cache="shared").code == 0
    r = sandbox.keel("cache", "stats", env={"KEEL_CACHE__DIR": str(sandbox.root / "shared")})
    assert r.code == 0, r
    line = [l for l in r.out.splitlines() if l.startswith("remote:")]
    assert len(line) == 1 and line[0].startswith("remote:    1 of 2 lookups hit, "), r.out
    assert line[0].endswith("(last 2 runs)"), r.out
