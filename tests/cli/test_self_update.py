"""keel self check / update / rollback against nginx serving HTTPS on loopback (a CA made by the test), with a
real "new" keel (keel-next: this build with the next patch version). Each TUF attack and each fault is its own
test; in every case the installed binary is the old one or the new one, it runs, no temporary file is left, and
the message says what happened in one line."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest

from update_support import ROOT, KEYS, PLATFORM, HostileServer, World, public_key, sha256, version_of


@pytest.fixture
def world(sandbox, tmp_path):
    w = World(sandbox, tmp_path / "world")
    yield w
    w.stop()


def assert_untouched(world):
    """The old keel is in place, runs, kept its mode, and nothing was left beside it."""
    assert world.installed_version() == "0.1.0"
    assert os.stat(world.keel).st_mode & 0o7777 == 0o750
    assert world.leftovers() == []
    assert not (world.bin / "keel.old").exists()


def error_line(p):
    return p.stderr.splitlines()[0]


@contextlib.contextmanager
def hostile(world, mode, files=None, hostile_paths=()):
    """A hostile server as the update URL, stopped afterwards; the old keel must be untouched."""
    server = HostileServer(world.tls, mode, files, hostile_paths)
    try:
        world.configure(url=server.url + "/update/stable/manifest.json")
        yield server
    finally:
        server.stop()
    assert_untouched(world)


def test_update_installs_the_signed_new_binary(world):
    world.publish(world.manifest())
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    target = os.path.realpath(world.keel)
    assert p.stdout == f"keel: updated 0.1.0 to 0.1.1 at {target}\n"
    assert p.stderr == f"hint: the previous keel is {target}.old; keel self rollback puts it back\n"
    assert world.installed_version() == "0.1.1"
    assert (world.keel).read_bytes() == world.new.read_bytes()
    assert os.stat(world.keel).st_mode & 0o7777 == 0o750
    assert version_of(world.bin / "keel.old") == "0.1.0"
    assert world.leftovers() == []
    # The new keel trusts the test keys built into it, and is up to date.
    p = world.run("self", "check")
    assert p.returncode == 3, p.stderr
    assert p.stdout == "keel 0.1.1 is up to date on the stable channel\n"


def keel_project(sandbox, binary):
    """A project whose keel dist makes a binary artifact of `binary`, signed with test key 1."""
    repo = sandbox.repo("project")
    shutil.copy(binary, repo / "keel-build")
    (repo / "keel.toml").write_text(f"""[dist]
name = "keel"
[[dist.archives]]
format = "binary"
name_template = "keel_{{version}}_{{os}}_{{arch}}"
files = ["keel-build"]
[dist.sign]
key = "{KEYS / 'update-1.key'}"
""")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "feat: keel", cwd=repo)
    return repo


def test_a_release_made_and_published_by_keel_dist_updates_keel(world, sandbox):
    repo = keel_project(sandbox, world.new)
    r = sandbox.keel("dist", "--version", "0.1.1", "--channel", "stable", "--expires", "7d", cwd=repo)
    assert r.code == 0, r
    manifest = json.loads((repo / "dist" / "update" / "stable" / "manifest.json").read_text())
    assert manifest["version"] == "0.1.1" and list(manifest["platforms"]) == [PLATFORM]
    assert manifest["platforms"][PLATFORM]["url"] == "../../keel_0.1.1_linux_amd64"
    schema = json.loads((ROOT / "docs" / "update-manifest.schema.json").read_text())
    jsonschema.validate(manifest, schema)
    for broken in ({**manifest, "mirror": "x"}, {**manifest, "serial": -1},
                   {**manifest, "platforms": {PLATFORM: {**manifest["platforms"][PLATFORM], "url": "http://x/k"}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
    r = sandbox.keel("dist", "publish", "--to", world.base, cwd=repo, env={"SSL_CERT_FILE": str(world.ca)})
    assert r.code == 0, r
    assert r.out.splitlines()[-2:] == ["uploaded update/stable/manifest.json.minisig",
                                       "uploaded update/stable/manifest.json"]
    p = world.run("self", "check", "--json")
    assert p.returncode == 0, p.stderr
    facts = json.loads(p.stdout)
    assert (facts["current"], facts["available"], facts["update"]) == ("0.1.0", "0.1.1", True)
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert world.installed_version() == "0.1.1"


def test_check_says_what_is_available(world):
    world.publish(world.manifest())
    p = world.run("self", "check")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "keel 0.1.0 is running; the stable channel has 0.1.1 (keel self update installs it)\n"
    assert world.installed_version() == "0.1.0"


def test_rollback_puts_the_previous_keel_back_and_can_be_undone(world):
    world.publish(world.manifest())
    assert world.run("self", "update", "--yes").returncode == 0
    p = world.run("self", "rollback")
    assert p.returncode == 0, p.stderr
    assert world.installed_version() == "0.1.0"
    assert version_of(world.bin / "keel.old") == "0.1.1"
    p = world.run("self", "rollback")
    assert p.returncode == 0, p.stderr
    assert world.installed_version() == "0.1.1"
    assert world.leftovers() == []


def test_rollback_without_a_previous_keel_says_so(world):
    p = world.run("self", "rollback")
    assert p.returncode == 1
    assert error_line(p) == f"keel: error: there is no '{os.path.realpath(world.keel)}.old' to go back to"
    assert_untouched(world)


def test_a_manifest_signed_by_an_unknown_key_is_refused(world):
    world.publish(world.manifest(), key=3)
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    key_id = (KEYS / "update-3.pub").read_text().split()[-2]
    assert error_line(p) == (f"keel: error: '{world.base}/update/stable/manifest.json' is signed by key {key_id}, "
                             "which this keel does not trust")
    assert_untouched(world)


def test_a_changed_manifest_fails_its_signature(world):
    path = world.publish(world.manifest())
    path.write_text(path.read_text().replace('"serial": 100', '"serial": 101'))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == (f"keel: error: '{world.base}/update/stable/manifest.json': Signature verification "
                             "failed")
    assert_untouched(world)


def test_an_older_manifest_replayed_is_refused(world):
    world.publish(world.manifest(serial=200))
    assert world.run("self", "check").returncode == 0
    world.publish(world.manifest(serial=150))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == ("keel: error: the update manifest's serial 150 is lower than 200, already seen: an "
                             "older manifest is being replayed")
    assert_untouched(world)


def test_an_expired_manifest_is_refused(world):
    world.publish(world.manifest(expires_in=-60))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p).startswith("keel: error: the update manifest expired at ")
    assert error_line(p).endswith(": the server is stale or replays an old manifest")
    assert_untouched(world)


def test_a_manifest_for_another_platform_or_channel_is_refused(world):
    entry = world.put_binary(world.new, "0.1.1")
    world.publish(world.manifest(platforms={"linux/arm64": entry}))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == f"keel: error: the update manifest has no binary for {PLATFORM}"
    world.publish(world.manifest(channel="beta"))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == "keel: error: the update manifest is for the 'beta' channel, not 'stable'"
    assert_untouched(world)


def test_a_binary_that_does_not_match_its_hash_is_not_installed(world):
    m = world.manifest()
    # The server's binary is from another release: valid manifest, other bytes (mix-and-match).
    other = world.old.read_bytes()
    m["platforms"][PLATFORM]["size"] = len(other)
    (world.files / "keel_0.1.1_linux_amd64").write_bytes(other)
    world.publish(m)
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == (f"keel: error: GET {world.base}/keel_0.1.1_linux_amd64: the binary's SHA-256 is not "
                             "the manifest's")
    assert_untouched(world)


def test_an_older_version_needs_allow_downgrade(world):
    world.publish(world.manifest(version="0.0.9", binary=world.old))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == ("keel: error: the update manifest offers 0.0.9, older than the running 0.1.0 "
                             "(--allow-downgrade installs it)")
    assert_untouched(world)


def test_a_new_binary_that_prints_another_version_or_crashes_is_not_installed(world):
    script = world.tmp / "fake-keel"
    script.write_text("#!/bin/sh\necho 'keel 9.9.9 (commit x, built today, static)'\n")
    world.publish(world.manifest(binary=script))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == ("keel: error: the new keel says 'keel 9.9.9 (commit x, built today, static)', not "
                             "version 0.1.1")
    assert_untouched(world)
    script.write_text("#!/bin/sh\nkill -SEGV $$\n")
    world.publish(world.manifest(binary=script))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 1
    assert error_line(p) == "keel: error: the new keel was killed by signal 11"
    assert_untouched(world)


def test_a_new_binary_that_does_not_trust_the_signing_key_is_not_installed(world):
    # keel-next (keys 1 and 2 built in) as the running keel, offered this build (no keys built in) signed with
    # key 1: installing it would leave a keel that cannot check the next manifest.
    shutil.copy(world.new, world.keel)
    world.configure(keys=())
    world.publish(world.manifest(version="0.1.0", binary=world.old))
    p = world.run("self", "update", "--yes", "--allow-downgrade")
    assert p.returncode == 1
    key_id = (KEYS / "update-1.pub").read_text().split()[-2]
    assert error_line(p) == (f"keel: error: the new keel does not trust key {key_id}, which signed this manifest: "
                             "installing it would lock you out of updates")
    assert world.installed_version() == "0.1.1"
    assert world.leftovers() == []


@pytest.mark.parametrize("step", ["written", "checked", "backed-up", "swapped"])
def test_a_kill_at_any_step_leaves_a_keel_that_runs(world, step):
    world.publish(world.manifest())
    p = world.run("self", "update", "--yes", env={"KEEL_TEST_UPDATE_KILL_AT": step})
    assert p.returncode == -9
    assert world.installed_version() == ("0.1.1" if step == "swapped" else "0.1.0")
    # The next run cleans up what the killed one left, and finishes the job.
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert world.installed_version() == "0.1.1"
    assert world.leftovers() == []


def test_an_endless_manifest_is_cut_at_64_kib(world):
    with hostile(world, "endless") as server:
        p = world.run("self", "check")
        assert p.returncode == 74
        assert error_line(p) == (f"keel: error: GET {server.url}/update/stable/manifest.json: the body is larger "
                                 "than 65536 bytes")


def test_an_endless_binary_is_cut_at_the_manifest_size(world):
    m = world.manifest()
    path = world.publish(m)
    files = {"/update/stable/manifest.json": path.read_bytes(),
             "/update/stable/manifest.json.minisig": (path.parent / "manifest.json.minisig").read_bytes()}
    with hostile(world, "endless", files, hostile_paths=["/keel_0.1.1_linux_amd64"]) as server:
        p = world.run("self", "update", "--yes")
        assert p.returncode == 74
        size = m["platforms"][PLATFORM]["size"]
        assert error_line(p) == (f"keel: error: GET {server.url}/keel_0.1.1_linux_amd64: the body is larger than "
                                 f"{size} bytes")


def test_a_server_that_trickles_bytes_is_given_up(world):
    with hostile(world, "trickle") as server:
        started = time.monotonic()
        p = world.run("self", "check")
        assert time.monotonic() - started < 30  # update.timeout is 3s; the body would take 200 s
        assert p.returncode == 74
        assert error_line(p) == (f"keel: error: GET {server.url}/update/stable/manifest.json: timed out: slower "
                                 "than 1024 bytes a second for update.timeout")


def test_a_redirect_to_plain_http_is_refused(world):
    with hostile(world, "redirect_http") as server:
        p = world.run("self", "check")
        assert p.returncode == 74
        assert error_line(p) == (f"keel: error: GET {server.url}/update/stable/manifest.json: redirected to "
                                 "another scheme, which keel does not follow")


def test_a_plain_http_update_url_is_refused(world):
    world.configure(url="http://127.0.0.1:9/manifest.json")
    p = world.run("self", "check")
    assert p.returncode == 78
    assert error_line(p) == "keel: error: the update URL 'http://127.0.0.1:9/manifest.json' is not https://"


def test_a_certificate_that_does_not_verify_is_refused(world, sandbox):
    world.publish(world.manifest())
    sandbox.write("home/.config/keel/config.toml", f"""[update]
url = "{world.base}/update/stable/manifest.json"
keys = ["{public_key(1)}"]
""")
    p = world.run("self", "update", "--yes")
    assert p.returncode == 74
    # keel's words, then libcurl's detail, which differs between the libcurl of Debian 12 (developer build)
    # and the newer one the static build compiles.
    line = error_line(p)
    prefix = f"keel: error: GET {world.base}/update/stable/manifest.json: the server's TLS certificate does not verify ("
    assert line.startswith(prefix) and line.endswith(")"), line
    assert "unable to get local issuer certificate" in line, line
    assert_untouched(world)


def test_mirrors_are_tried_in_order(world):
    world.publish(world.manifest())
    world.configure(url="https://127.0.0.1:1/manifest.json",
                    extra=f'urls = ["{world.base}/update/stable/manifest.json"]\n')
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert "trying the next mirror" in p.stderr
    assert world.installed_version() == "0.1.1"


def test_a_project_config_cannot_choose_the_update_url_or_keys(world, sandbox):
    repo = sandbox.repo("evil")
    (repo / "keel.toml").write_text(f'[update]\nkeys = ["{public_key(3)}"]\n')
    world.publish(world.manifest(), key=3)
    p = subprocess.run([str(world.keel), "self", "check"], cwd=repo, env=sandbox.env, capture_output=True, text=True)
    assert p.returncode == 78
    assert "update.keys" in p.stderr
    assert_untouched(world)


def is_root():
    return os.geteuid() == 0


@pytest.mark.skipif(not is_root(), reason="mounting a small tmpfs needs root (CI runs as root)")
def test_a_full_disk_leaves_the_old_keel(world):
    world.publish(world.manifest())
    small = world.tmp / "small"
    small.mkdir()
    size_kib = world.old.stat().st_size // 1024 + 512  # the old keel and half a megabyte
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(small)], check=True)
    try:
        keel = small / "keel"
        shutil.copy(world.old, keel)
        p = world.run("self", "update", "--yes", binary=keel)
        assert p.returncode == 74, p.stderr
        line = error_line(p)
        assert line.startswith(f"keel: error: cannot write '{small}/.keel-update-")
        assert line.endswith(".new': No space left on device")
        assert version_of(keel) == "0.1.0"
        assert sorted(q.name for q in small.iterdir()) == ["keel"]
    finally:
        subprocess.run(["umount", str(small)], check=True)


@pytest.mark.skipif(not is_root(), reason="running keel as another user needs root (CI runs as root)")
def test_a_directory_the_user_cannot_write_fails_with_advice(world, sandbox):
    world.publish(world.manifest())
    # A directory every user can reach, owned by root, with keel in it.
    shared = Path(tempfile.mkdtemp(prefix="keel-root-owned-", dir="/tmp"))
    try:
        os.chmod(shared, 0o755)
        keel = shared / "keel"
        shutil.copy(world.old, keel)
        os.chmod(keel, 0o755)
        env = dict(sandbox.env, HOME="/nonexistent", XDG_CONFIG_HOME=str(shared / "config"))
        (shared / "config" / "keel").mkdir(parents=True)
        shutil.copy(sandbox.root / "home/.config/keel/config.toml", shared / "config/keel/config.toml")
        os.chmod(shared / "config", 0o755)
        os.chmod(shared / "config" / "keel", 0o755)
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(keel), "self",
                            "update", "--yes"], env=env, capture_output=True, text=True, cwd="/")
        assert p.returncode == 74, p.stderr
        assert p.stderr.splitlines() == [
            f"keel: error: cannot write in '{shared}': Permission denied",
            "hint: root owns it: run the update as root (sudo keel self update), or install keel in a directory of "
            "your own"]
        assert version_of(keel) == "0.1.0"
        assert sorted(q.name for q in shared.iterdir()) == ["config", "keel"]
    finally:
        shutil.rmtree(shared)


def test_a_keel_that_is_running_is_replaced_without_harm(world, sandbox):
    world.publish(world.manifest())
    repo = sandbox.repo("busy")
    (repo / "keel.toml").write_text('[tasks.wait]\nrun = "sleep 2 && echo still here"\n')
    busy = subprocess.Popen([str(world.keel), "run", "wait"], cwd=repo, env=sandbox.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    out, err = busy.communicate(timeout=30)
    assert busy.returncode == 0, err
    assert "still here" in out
    assert world.installed_version() == "0.1.1"


@pytest.mark.skipif(not is_root(), reason="making a /nix/store path needs root (CI runs as root)")
def test_a_package_managed_keel_is_left_to_its_package_manager(world, tmp_path):
    world.publish(world.manifest())
    store = f"/nix/store/keel-test-{os.getpid()}-{tmp_path.name}"
    os.makedirs(store + "/bin")
    try:
        keel = store + "/bin/keel"
        shutil.copy(world.old, keel)
        p = world.run("self", "update", "--yes", binary=keel)
        assert p.returncode == 2
        assert p.stderr.splitlines() == [
            f"keel: error: '{keel}' is installed by nix: keel does not replace it",
            "hint: update it with: nix profile upgrade (or your NixOS or home-manager configuration)"]
        assert version_of(keel) == "0.1.0"
    finally:
        shutil.rmtree(store)
        for d in ("/nix/store", "/nix"):
            with contextlib.suppress(OSError):
                os.rmdir(d)


def test_verify_manifest_checks_a_file_against_the_trusted_keys(world, sandbox):
    path = world.publish(world.manifest())
    p = world.run("self", "verify-manifest", path)
    assert p.returncode == 0, p.stderr
    key_id = (KEYS / "update-1.pub").read_text().split()[-2]
    path = path.relative_to(sandbox.root)  # shown relative to where keel runs
    assert p.stdout.startswith(f"{path}: channel stable, version 0.1.1, serial 100, expires ")
    assert p.stdout.endswith(f", signed by key {key_id}\n")
    world.configure(keys=(2,))
    p = world.run("self", "verify-manifest", sandbox.root / path)
    assert p.returncode == 1
    assert error_line(p) == f"keel: error: '{path}' is signed by key {key_id}, which this keel does not trust"


def notice_file(sandbox):
    return sandbox.home / ".local" / "state" / "keel" / "update-notice"


def on_terminal(world, sandbox, env=None):
    from test_hooks_terminal import run_on_terminal
    return run_on_terminal(sandbox, "config", "get", "log.level", cwd=sandbox.root, env=env, binary=world.keel)


def test_the_notice_checks_in_the_background_then_says_so_once_a_day(world, sandbox):
    world.publish(world.manifest())
    code, shown = on_terminal(world, sandbox)
    assert (code, shown) == (0, "warn\n")  # nothing known yet: a check starts in the background
    deadline = time.monotonic() + 30
    while "available 0.1.1" not in (notice_file(sandbox).read_text() if notice_file(sandbox).exists() else ""):
        assert time.monotonic() < deadline, "the background check never recorded the new version"
        time.sleep(0.1)
    code, shown = on_terminal(world, sandbox)
    assert (code, shown) == (0, "warn\nkeel: keel 0.1.1 is available (this is 0.1.0): keel self update installs it\n")
    code, shown = on_terminal(world, sandbox)  # once a day
    assert (code, shown) == (0, "warn\n")
    assert world.installed_version() == "0.1.0"


@pytest.mark.parametrize("env,config", [({"CI": "true"}, ""), ({"NO_UPDATE_NOTIFIER": "1"}, ""),
                                        ({"KEEL_NO_UPDATE_CHECK": "1"}, ""), ({}, "check = false\n")],
                         ids=["CI", "NO_UPDATE_NOTIFIER", "KEEL_NO_UPDATE_CHECK", "update.check"])
def test_the_notice_can_be_turned_off(world, sandbox, env, config):
    world.configure(extra=config)
    state = notice_file(sandbox)
    state.parent.mkdir(parents=True)
    state.write_text("checked 0\nnotified 0\navailable 0.1.1\n")
    code, shown = on_terminal(world, sandbox, env=env)
    assert (code, shown) == (0, "warn\n")
    assert state.read_text() == "checked 0\nnotified 0\navailable 0.1.1\n"  # no check started either


def test_no_notice_without_a_terminal(world, sandbox):
    state = notice_file(sandbox)
    state.parent.mkdir(parents=True)
    state.write_text("checked 0\nnotified 0\navailable 0.1.1\n")
    p = world.run("config", "get", "log.level")
    assert (p.returncode, p.stdout, p.stderr) == (0, "warn\n", "")
    assert state.read_text() == "checked 0\nnotified 0\navailable 0.1.1\n"


# A patch spans the old and new binaries (under 128 MiB together); the sanitizer build's are hundreds of MB, so
# keel dist makes no patch for them (and says so): the delta tests run in the developer and static builds.
needs_small_binaries = pytest.mark.skipif(
    os.path.getsize(os.environ.get("KEEL_BIN", "/dev/null") or "/dev/null") > 400 << 20,
    reason="this build's binaries are too large for a patch (the sanitizer build)")


def release_with_patch(world, sandbox):
    """keel dist of the old keel as 0.1.0, then of the new one as 0.1.1 with --patch-from the first; published."""
    repo = keel_project(sandbox, world.old)
    r = sandbox.keel("dist", "--version", "0.1.0", cwd=repo)
    assert r.code == 0, r
    (repo / "dist").rename(sandbox.root / "previous")
    shutil.copy(world.new, repo / "keel-build")
    sandbox.git("commit", "-q", "-am", "fix: next", cwd=repo)
    r = sandbox.keel("dist", "--version", "0.1.1", "--channel", "stable", "--patch-from", sandbox.root / "previous",
                     cwd=repo)
    assert r.code == 0, r
    r = sandbox.keel("dist", "publish", "--to", world.base, cwd=repo, env={"SSL_CERT_FILE": str(world.ca)})
    assert r.code == 0, r
    manifest = json.loads((repo / "dist" / "update" / "stable" / "manifest.json").read_text())
    return repo, manifest["platforms"][PLATFORM]["patch"]


@needs_small_binaries
def test_a_delta_update_rebuilds_the_new_binary_from_a_zstd_patch(world, sandbox):
    repo, patch = release_with_patch(world, sandbox)
    assert patch["from"] == "0.1.0" and patch["url"] == "keel_0.1.1_linux_amd64.from-0.1.0.zst"
    patch_file = repo / "dist" / "update" / "stable" / patch["url"]
    assert patch["size"] < world.new.stat().st_size // 4
    # The judge: the zstd tool applies keel's patch to the old binary and gets the new one.
    rebuilt = sandbox.root / "rebuilt"
    subprocess.run(["zstd", "-q", "-d", "--long=27", f"--patch-from={world.old}", str(patch_file), "-o", str(rebuilt)],
                   check=True)
    assert rebuilt.read_bytes() == world.new.read_bytes()
    published = len(world.nginx.requests())
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"keel: updated 0.1.0 to 0.1.1 at {os.path.realpath(world.keel)} (from a patch of " \
                       f"{patch['size']} bytes)\n"
    assert world.keel.read_bytes() == world.new.read_bytes()
    gets = [r[1] for r in world.nginx.requests()[published:] if r[0] == "GET"]
    assert "/cache/update/stable/" + patch["url"] in gets and "/cache/keel_0.1.1_linux_amd64" not in gets


@needs_small_binaries
def test_a_damaged_patch_falls_back_to_the_full_download(world, sandbox):
    repo, patch = release_with_patch(world, sandbox)
    served = world.files / "update" / "stable" / patch["url"]
    data = bytearray(served.read_bytes())
    data[len(data) // 2] ^= 0xFF
    served.write_bytes(bytes(data))
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert p.stderr.splitlines()[0] == (f"keel: warning: GET {world.base}/update/stable/{patch['url']}: the binary's "
                                        "SHA-256 is not the manifest's: downloading the whole binary instead")
    assert world.keel.read_bytes() == world.new.read_bytes()
    assert world.leftovers() == []


@needs_small_binaries
def test_a_signed_patch_that_makes_another_binary_falls_back_too(world, sandbox):
    # The manifest's patch is well formed and hashes right, but rebuilds something else.
    wrong = bytearray(world.new.read_bytes())
    wrong[len(wrong) // 2] ^= 0xFF
    (world.tmp / "wrong").write_bytes(bytes(wrong))
    other = subprocess.run(["zstd", "-q", "-c", "--long=27", f"--patch-from={world.old}", str(world.tmp / "wrong")],
                           capture_output=True, check=True).stdout
    name = "keel_0.1.1_linux_amd64.from-0.1.0.zst"
    (world.files / "update" / "stable").mkdir(parents=True)
    (world.files / "update" / "stable" / name).write_bytes(other)
    m = world.manifest()
    m["platforms"][PLATFORM]["patch"] = {"from": "0.1.0", "url": name, "size": len(other), "sha256": sha256(other)}
    world.publish(m)
    p = world.run("self", "update", "--yes")
    assert p.returncode == 0, p.stderr
    assert p.stderr.splitlines()[0] == ("keel: warning: the patched binary is not the one the manifest lists: "
                                        "downloading the whole binary instead")
    assert world.keel.read_bytes() == world.new.read_bytes()


def test_an_update_goes_through_https_proxy(world, sandbox, tmp_path):
    from remote_support import start_tinyproxy
    world.publish(world.manifest())
    proxy, port, log = start_tinyproxy(tmp_path, connect_port=world.nginx.port)
    try:
        p = world.run("self", "update", "--yes", env={"https_proxy": f"http://127.0.0.1:{port}"})
        assert p.returncode == 0, p.stderr
        assert world.installed_version() == "0.1.1"
        assert f"CONNECT 127.0.0.1:{world.nginx.port}" in log.read_text(), log.read_text()
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def test_on_a_terminal_it_asks_first_and_shows_progress(world, sandbox):
    from test_hooks_terminal import run_on_terminal
    world.publish(world.manifest())
    target = os.path.realpath(world.keel)
    code, shown = run_on_terminal(sandbox, "self", "update", cwd=sandbox.root, binary=world.keel,
                                  replies=[("[y/N] ", "n\n")])
    assert code == 1
    assert shown == (f"replace keel 0.1.0 at {target} with 0.1.1? [y/N] n\n"
                     "keel: error: nothing was changed\n")
    assert_untouched(world)
    code, shown = run_on_terminal(sandbox, "self", "update", cwd=sandbox.root, binary=world.keel,
                                  replies=[("[y/N] ", "y\n")])
    assert code == 0, shown
    kib = world.new.stat().st_size >> 10
    assert f"\rdownloading keel 0.1.1: 100% of {kib} KiB\n" in shown
    assert shown.endswith(f"keel: updated 0.1.0 to 0.1.1 at {target}\n"
                          f"hint: the previous keel is {target}.old; keel self rollback puts it back\n")
    assert world.installed_version() == "0.1.1"


def test_a_build_without_self_update_leaves_updates_to_the_package_manager(world, sandbox):
    packaged = world.bin / "keel-packaged"
    shutil.copy(os.environ["KEEL_PACKAGED_BIN"], packaged)
    world.publish(world.manifest())
    for command in (["self", "update", "--yes"], ["self", "rollback"]):
        p = world.run(*command, binary=packaged)
        assert p.returncode == 2
        assert p.stderr.splitlines() == [
            "keel: error: this keel was built without self-update (-Dself_update=false): the package manager that "
            "installed it updates it",
            "hint: use your package manager (apt-get, dnf, brew, nix, ...)"]
    assert version_of(packaged) == "0.1.0"


def test_the_keys_built_in_are_chosen_by_key_id(world, sandbox):
    # keel-next has test keys 1 and 2 built in, and none configured.
    world.configure(keys=())
    for key in (1, 2, 3):
        path = world.publish(world.manifest(), key=key)
        p = world.run("self", "verify-manifest", path, binary=world.new)
        key_id = (KEYS / f"update-{key}.pub").read_text().split()[-2]
        if key == 3:
            assert p.returncode == 1
            assert error_line(p).endswith(f"is signed by key {key_id}, which this keel does not trust")
        else:
            assert p.returncode == 0, p.stderr
            assert p.stdout.endswith(f", signed by key {key_id}\n")


def test_dist_channel_checks_its_inputs_before_building_anything(world, sandbox):
    repo = keel_project(sandbox, world.new)
    toml = (repo / "keel.toml").read_text()
    cases = [
        (toml, ["--expires", "soon"], 2, "keel: error: --expires: invalid duration 'soon': expected a whole number and a unit "
         "(ms, s, m, h, d), as in 90s or 1m30s"),
        (toml, ["--patch-from", sandbox.root / "nowhere"], 74,
         f"keel: error: cannot read '{sandbox.root}/nowhere/manifest.json': No such file or directory"),
        (toml.replace(str(KEYS / "update-1.key"), "nokey.key"), [], 74,
         "keel: error: cannot read 'nokey.key': No such file or directory"),
        (toml.replace('format = "binary"', 'format = "tar.gz"'), [], 78,
         "keel: error: --channel needs a binary artifact to update to"),
    ]
    for text, args, code, line in cases:
        (repo / "keel.toml").write_text(text)
        sandbox.git("commit", "-q", "--allow-empty", "-am", "chore: config", cwd=repo)
        r = sandbox.keel("dist", "--version", "0.1.1", "--channel", "stable", *args, cwd=repo)
        assert (r.code, r.err.splitlines()[0]) == (code, line), r
        assert not (repo / "dist").exists()


def test_binaries_too_large_for_a_patch_get_none_and_a_warning(sandbox):
    big = sandbox.root / "big"
    big.write_bytes(os.urandom(65 << 20))
    repo = keel_project(sandbox, big)
    r = sandbox.keel("dist", "--version", "0.1.0", cwd=repo)
    assert r.code == 0, r
    (repo / "dist").rename(sandbox.root / "previous")
    (repo / "keel-build").write_bytes(os.urandom(65 << 20))
    sandbox.git("commit", "-q", "-am", "fix: next", cwd=repo)
    r = sandbox.keel("dist", "--version", "0.1.1", "--channel", "stable", "--patch-from", sandbox.root / "previous",
                     cwd=repo)
    assert r.code == 0, r
    assert r.err == ("keel: warning: a patch needs the old and new binaries under 128 MiB together: no patch for "
                     f"{PLATFORM}\n")
    manifest = json.loads((repo / "dist" / "update" / "stable" / "manifest.json").read_text())
    assert "patch" not in manifest["platforms"][PLATFORM]
