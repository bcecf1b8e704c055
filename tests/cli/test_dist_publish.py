"""keel dist publish: the artifacts and then the manifest PUT to nginx's WebDAV on loopback; publishing again
skips what the server has; other bytes under a name are refused unless --overwrite; a token goes as a bearer
header; an upload that breaks halfway (a fault server of our own) leaves the server without a manifest."""

import hashlib
import json

import pytest

from dist_support import dist, dist_project
from remote_support import FaultServer, Nginx
from test_dist import ALL_FORMATS


@pytest.fixture
def nginx(tmp_path):
    server = Nginx(tmp_path / "nginx", token="s3cret")
    yield server
    server.stop()


def built(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    r = dist(sandbox, repo)
    assert r.code == 0, r
    return repo


def publish(sandbox, repo, url, *args, token="s3cret"):
    return sandbox.keel("dist", "publish", "--to", url, *args, cwd=repo,
                        env={"KEEL_PUBLISH_TOKEN": token} if token else {})


def test_publish_uploads_every_file_then_the_manifest(sandbox, nginx):
    repo = built(sandbox)
    r = publish(sandbox, repo, nginx.url + "/tool/1.2.0")
    assert r.code == 0, r
    manifest = json.loads((repo / "dist" / "manifest.json").read_text())
    names = [a["name"] for a in manifest["artifacts"]]
    assert r.out.splitlines() == [f"uploaded {n}" for n in names] + ["uploaded manifest.json"]
    assert r.err == f"keel: published {len(names) + 1} files, 0 already there\n"
    stored = nginx.data / "cache" / "tool" / "1.2.0"
    for a in manifest["artifacts"]:
        assert hashlib.sha256((stored / a["name"]).read_bytes()).hexdigest() == a["sha256"]
    assert (stored / "manifest.json").read_bytes() == (repo / "dist" / "manifest.json").read_bytes()
    puts = [req[1].rsplit("/", 1)[1] for req in nginx.requests() if req[0] == "PUT"]
    assert puts[-1] == "manifest.json" and sorted(puts) == sorted(names + ["manifest.json"])


def test_publishing_again_skips_what_the_server_has(sandbox, nginx):
    repo = built(sandbox)
    assert publish(sandbox, repo, nginx.url + "/v").code == 0
    before = len([r for r in nginx.requests() if r[0] == "PUT"])
    r = publish(sandbox, repo, nginx.url + "/v")
    assert r.code == 0, r
    assert all(line.startswith("skipped ") for line in r.out.splitlines())
    assert r.err == "keel: published 0 files, 8 already there\n"
    assert len([r for r in nginx.requests() if r[0] == "PUT"]) == before


def test_other_bytes_under_a_name_are_refused_unless_overwrite(sandbox, nginx):
    repo = built(sandbox)
    assert publish(sandbox, repo, nginx.url + "/v").code == 0
    stored = nginx.data / "cache" / "v"
    (stored / "tool_1.2.0_linux_amd64.zip").write_bytes(b"someone else's zip")
    r = publish(sandbox, repo, nginx.url + "/v")
    assert r.code == 1, r
    assert r.err == ("keel: error: the server already has 'tool_1.2.0_linux_amd64.zip' with other bytes: "
                     "nothing was uploaded\nhint: publish another version, or replace them with --overwrite\n")
    assert (stored / "tool_1.2.0_linux_amd64.zip").read_bytes() == b"someone else's zip"

    r = publish(sandbox, repo, nginx.url + "/v", "--overwrite")
    assert r.code == 0, r
    assert r.out.splitlines().count("uploaded tool_1.2.0_linux_amd64.zip") == 1
    assert (stored / "tool_1.2.0_linux_amd64.zip").read_bytes() == (repo / "dist" / "tool_1.2.0_linux_amd64.zip").read_bytes()


def test_a_wrong_token_is_refused_with_a_hint(sandbox, nginx):
    repo = built(sandbox)
    r = publish(sandbox, repo, nginx.url + "/v", token="wrong")
    assert r.code == 74, r
    assert r.err == f"keel: error: GET {nginx.url}/v/tool_1.2.0_checksums.txt: the server answered 401\n"
    assert not (nginx.data / "cache" / "v").exists()


def test_a_local_file_changed_after_dist_is_refused(sandbox, nginx):
    repo = built(sandbox)
    (repo / "dist" / "tool_1.2.0_linux_amd64").write_bytes(b"changed")
    r = publish(sandbox, repo, nginx.url + "/v")
    assert r.code == 1, r
    assert r.err == (f"keel: error: '{repo}/dist/tool_1.2.0_linux_amd64' is not the file manifest.json lists\n"
                     "hint: run keel dist again\n")
    assert not (nginx.data / "cache" / "v").exists()


def test_an_upload_that_breaks_halfway_leaves_no_manifest(sandbox):
    repo = built(sandbox)
    server = FaultServer("put_fails_after:3")
    try:
        r = publish(sandbox, repo, server.url + "/v")
        assert r.code == 74, r
        assert r.err.startswith(f"keel: error: PUT {server.url}/v/")
        puts = [path for method, path in server.log if method == "PUT"]
        assert len(set(puts)) == 4  # three stored, the fourth broke (libcurl may try it twice)
        assert "/cache/v/manifest.json" not in server.blobs
        assert not any(p.endswith("manifest.json") for p in puts)
        # Once the server works again, publishing finishes the job.
        server.mode = "store"
        r = publish(sandbox, repo, server.url + "/v")
        assert r.code == 0, r
        assert r.out.count("skipped ") == 3 and r.out.splitlines()[-1] == "uploaded manifest.json"
    finally:
        server.stop()


def test_a_query_string_stays_after_each_name(sandbox):
    repo = built(sandbox)
    server = FaultServer("store")
    try:
        r = publish(sandbox, repo, server.url + "/v?sig=abc", token=None)
        assert r.code == 0, r
        puts = [path for method, path in server.log if method == "PUT"]
        assert puts[-1] == "/cache/v/manifest.json?sig=abc"
        assert all(p.endswith("?sig=abc") for p in puts)
    finally:
        server.stop()


def test_a_broken_manifest_is_refused(sandbox, nginx):
    repo = built(sandbox)
    manifest = json.loads((repo / "dist" / "manifest.json").read_text())
    manifest["artifacts"][0]["name"] = "../../etc/passwd"
    (repo / "dist" / "manifest.json").write_text(json.dumps(manifest))
    r = publish(sandbox, repo, nginx.url + "/v")
    assert r.code == 74, r
    assert r.err == (f"keel: error: '{repo}/dist/manifest.json' is not a keel dist manifest: "
                     "invalid artifact name '../../etc/passwd': it contains '/'\n")
