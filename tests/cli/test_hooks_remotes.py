"""hooks.remotes: hook configuration shared from another repository, fetched with libgit2 and cached."""

import shutil

import pytest

from git_http_support import GitHttpsServer
from remote_support import start_tinyproxy

# Tags and branches as ref need this trusted setting (here from the environment layer).
TRUST = {"KEEL_HOOKS__TRUST_REMOTE_REFS": "true"}


def shared_repo(sandbox, files, tag=None):
    """A repository (a real one, on disk) holding shared hook configuration."""
    repo = sandbox.repo("shared")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    sandbox.git("add", *files, cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: shared hooks", cwd=repo)
    if tag:
        sandbox.git("tag", tag, cwd=repo)
    return repo


def head_of(sandbox, repo):
    return sandbox.git("rev-parse", "HEAD", cwd=repo).strip()


SHARED = """\
[hooks.pre-commit.commands.shared]
run = "echo shared >> ../trace"
[hooks.pre-commit.commands.adjusted]
run = "echo remote-version >> ../trace"
"""


def project(sandbox, remote, ref_lines):
    repo = sandbox.repo("project")
    (repo / "keel.toml").write_text(f"""\
[[hooks.remotes]]
git_url = "{remote}"
{ref_lines}
[hooks.pre-commit]
parallel = false
[hooks.pre-commit.commands.adjusted]
run = "echo project-version >> ../trace"
""")
    return repo


def trace(sandbox):
    path = sandbox.root / "trace"
    lines = sorted(path.read_text().splitlines()) if path.exists() else []
    if path.exists():
        path.unlink()
    return lines


def test_a_pinned_remotes_hooks_run_under_the_projects_own_which_win(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    repo = project(sandbox, remote, f'ref = "{head_of(sandbox, remote)}"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.err == ""
    assert trace(sandbox) == ["project-version", "shared"]
    # keel hooks install installs the remote's hooks too.
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    assert "pre-commit: " in r.out


def test_a_tag_or_branch_as_ref_needs_the_users_trust(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED}, tag="v1")
    repo = project(sandbox, remote, 'ref = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.toml:3:1: ref 'v1' of remote 1 of hooks.remotes is not a full commit id: a "
                     "tag or branch would run whatever the remote serves under that name\n"
                     "hint: pin it (ref = \"<40-hex commit id>\"), or allow names in your own configuration: keel "
                     "config set --user hooks.trust_remote_refs true\n")
    assert not (sandbox.root / "trace").exists()
    # A project file may not grant that trust to itself.
    (repo / "keel.toml").write_text((repo / "keel.toml").read_text() + "[hooks]\ntrust_remote_refs = true\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert "'hooks.trust_remote_refs' cannot be set in a project file" in r.err, r.err
    (repo / "keel.toml").write_text((repo / "keel.toml").read_text().replace("[hooks]\ntrust_remote_refs = true\n", ""))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 0, r
    assert trace(sandbox) == ["project-version", "shared"]


def test_the_copy_is_cached_and_used_when_the_remote_is_gone(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    repo = project(sandbox, remote, f'ref = "{head_of(sandbox, remote)}"')
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo).code == 0
    copies = list((sandbox.home / ".cache" / "keel" / "hooks-remotes").glob("*.git"))
    assert len(copies) == 1 and (copies[0] / "HEAD").exists()
    shutil.rmtree(remote)
    trace(sandbox)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert trace(sandbox) == ["project-version", "shared"]


def test_refetch_follows_the_branch_and_falls_back_on_the_copy_with_a_warning(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    repo = project(sandbox, "../shared", 'ref = "main"\nrefetch = true')  # relative: from the work tree
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST).code == 0
    assert trace(sandbox) == ["project-version", "shared"]
    (remote / "keel.toml").write_text(SHARED.replace("echo shared", "echo shared-v2"))
    sandbox.git("commit", "-q", "-am", "chore: v2", cwd=remote)
    assert sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST).code == 0
    assert trace(sandbox) == ["project-version", "shared-v2"]
    shutil.rmtree(remote)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 0, r
    assert r.err.startswith(f"keel: warning: keel.toml:1:1: cannot fetch '{remote}'"), r.err
    assert r.err.endswith("; using the copy fetched before\n"), r.err
    assert trace(sandbox) == ["project-version", "shared-v2"]


def test_a_remote_lefthook_file_is_migrated_and_its_settings_stay_its_own(sandbox):
    lefthook = """\
rc: ~/.lefthookrc
pre-commit:
  commands:
    lint:
      glob: "*.JS"
      run: printf 'lint %s\\n' {staged_files} >> ../trace
  scripts:
    "x.sh":
      runner: sh
"""
    remote = shared_repo(sandbox, {"hooks/lefthook.yml": lefthook})
    repo = project(sandbox, remote, f'ref = "{head_of(sandbox, remote)}"\nconfigs = ["hooks/lefthook.yml"]')
    (repo / "keel.toml").write_text((repo / "keel.toml").read_text() + """\
[hooks.pre-commit.commands.mine]
run = "printf 'mine %s\\\\n' {staged_files} >> ../trace"
glob = "*.JS"
""")
    (repo / "src").mkdir()
    (repo / "src" / "a.js").write_text("a\n")
    sandbox.git("add", "src/a.js", cwd=repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    shown = f"{remote}@{head_of(sandbox, remote)}:hooks/lefthook.yml"
    assert r.err == (f"keel: warning: '{shown}': hooks.rc of a remote is left out\n"
                     f"keel: warning: '{shown}': the scripts of hook 'pre-commit' are left out: their files are in "
                     "the remote, not in this repository\n"), r.err
    # The remote's lefthook matcher ignores case and crosses '/'; this project's own command keeps keel's globs.
    assert trace(sandbox) == ["lint src/a.js", "project-version"]


def test_bad_remotes_are_errors_naming_the_place(sandbox):
    repo = project(sandbox, sandbox.root / "missing", 'reff = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.toml:3:1: unknown key 'reff' in remote 1 of hooks.remotes; did you mean 'ref'?\n"
    (repo / "keel.toml").write_text((repo / "keel.toml").read_text().replace("reff", "ref"))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 1, r
    assert r.err.startswith(f"keel: error: keel.toml:1:1: cannot fetch '{sandbox.root / 'missing'}'"), r.err
    copies = sandbox.home / ".cache" / "keel" / "hooks-remotes"
    assert not copies.exists() or not list(copies.iterdir())  # nothing half-made is left


def test_a_remote_file_with_an_unknown_key_is_an_error_with_its_position(sandbox):
    remote = shared_repo(sandbox, {"keel.toml": "[hooks.pre-commit.commands.x]\nrunn = \"true\"\n"}, tag="v1")
    repo = project(sandbox, remote, 'ref = "v1"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 78, r
    assert r.err == (f"keel: error: {remote}@v1:keel.toml:2:1: unknown key 'hooks.pre-commit.commands.x.runn'; "
                     "did you mean 'hooks.pre-commit.commands.x.run'?\n")


def test_a_migrated_lefthook_remote_reads_the_remotes_lefthook_file(sandbox):
    remote = shared_repo(sandbox, {"linters.yml": "pre-commit:\n  commands:\n    lint:\n      run: echo lint >> ../trace\n"},
                         tag="v2")
    repo = sandbox.repo("project")
    (repo / "lefthook.yml").write_text(f"remotes:\n  - git_url: {remote}\n    ref: v2\n    configs: [linters.yml]\n")
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 0 and r.err == "", r
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=TRUST)
    assert r.code == 0, r
    assert trace(sandbox) == ["lint"]


def served(sandbox, tmp_path, remote, basic_auth=None):
    """The shared repository, bare, behind git's smart HTTP over TLS; returns (server, url)."""
    root = tmp_path / "served"
    root.mkdir()
    sandbox.git("clone", "-q", "--bare", str(remote), str(root / "shared.git"), cwd=tmp_path)
    server = GitHttpsServer(root, tmp_path / "tls", basic_auth=basic_auth)
    return server, server.url("shared.git")


def test_an_https_remote_is_fetched_and_its_certificate_checked(sandbox, tmp_path):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    server, url = served(sandbox, tmp_path, remote)
    try:
        repo = project(sandbox, url, f'ref = "{head_of(sandbox, remote)}"')
        # The test's CA is not the system's: the server is not trusted, and nothing is kept.
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
        assert r.code == 1, r
        # The rest of the message is the TLS library's: Debian's libgit2 uses mbedTLS, the static build OpenSSL.
        assert r.err.startswith(f"keel: error: keel.toml:1:1: cannot fetch '{url}': the SSL certificate is invalid"), r.err
        assert not (sandbox.root / "trace").exists()
        copies = sandbox.home / ".cache" / "keel" / "hooks-remotes"
        assert not copies.exists() or not list(copies.iterdir())
        # Trusted through SSL_CERT_FILE, as keel's other HTTPS clients are.
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"SSL_CERT_FILE": str(server.ca)})
        assert r.code == 0, r
        assert r.err == ""
        assert trace(sandbox) == ["project-version", "shared"]
        assert ("POST", "/shared.git/git-upload-pack") in server.requests, server.requests
    finally:
        server.stop()


def test_an_https_remote_is_fetched_through_the_proxy_of_https_proxy(sandbox, tmp_path):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    server, url = served(sandbox, tmp_path, remote)
    proxy, port, log = start_tinyproxy(tmp_path, connect_port=server.port)
    try:
        repo = project(sandbox, url, f'ref = "{head_of(sandbox, remote)}"')
        env = {"SSL_CERT_FILE": str(server.ca), "https_proxy": f"http://127.0.0.1:{port}"}
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=env)
        assert r.code == 0, r
        assert trace(sandbox) == ["project-version", "shared"]
        assert f"CONNECT 127.0.0.1:{server.port}" in log.read_text(), log.read_text()
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        server.stop()


def test_an_ssh_remote_is_fetched_through_the_users_ssh_program(sandbox, tmp_path):
    if "static)" not in sandbox.keel("--version").out:
        pytest.skip("Debian's libgit2 (the developer builds) speaks SSH through libssh2, which runs no ssh program")
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    bare = tmp_path / "shared.git"
    sandbox.git("clone", "-q", "--bare", str(remote), str(bare), cwd=tmp_path)
    # An ssh that runs the remote command here, as git's own test suite fakes one.
    fake = tmp_path / "fake-ssh"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/ssh-args"\n'
                    'for last; do :; done\nexec sh -c "$last"\n')
    fake.chmod(0o755)
    url = f"ssh://git@example.invalid:2222{bare}"
    repo = project(sandbox, url, f'ref = "{head_of(sandbox, remote)}"')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"GIT_SSH": str(fake)})
    assert r.code == 0, r
    assert trace(sandbox) == ["project-version", "shared"]
    assert (tmp_path / "ssh-args").read_text().splitlines() == [
        "-p", "2222", "git@example.invalid", f"git-upload-pack '{bare}'"]


def test_an_https_remote_gets_its_credentials_from_gits_helpers(sandbox, tmp_path):
    remote = shared_repo(sandbox, {"keel.toml": SHARED})
    server, url = served(sandbox, tmp_path, remote, basic_auth=("alice", "s3cret"))
    try:
        repo = project(sandbox, url, f'ref = "{head_of(sandbox, remote)}"')
        env = {"SSL_CERT_FILE": str(server.ca)}
        # No helper: git is not let ask on the terminal, and the message says what is missing.
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=env)
        assert r.code == 1, r
        assert r.err == (f"keel: error: keel.toml:1:1: cannot fetch '{url}': the server asks for a user name and "
                         "password, and 'git credential fill' gave none\n")
        store = tmp_path / "credentials"
        sandbox.git("config", "--global", "credential.helper", f"store --file={store}", cwd=tmp_path)
        # A wrong password: refused once, forgotten by the helper, and no endless asking.
        store.write_text(f"https://alice:wrong@127.0.0.1:{server.port}\n")
        refused = server.refused
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=env)
        assert r.code == 1, r
        assert r.err == (f"keel: error: keel.toml:1:1: cannot fetch '{url}': the server refused the credentials "
                         "from 'git credential fill'\n")
        assert server.refused - refused == 2, server.requests  # asked without, then with the wrong password
        assert store.read_text() == ""
        # The right one: the fetch passes and the helper keeps it.
        store.write_text(f"https://alice:s3cret@127.0.0.1:{server.port}\n")
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env=env)
        assert r.code == 0, r
        assert trace(sandbox) == ["project-version", "shared"]
        # Approved: git's store helper writes it again, in its own spelling of the port.
        assert store.read_text() == f"https://alice:s3cret@127.0.0.1%3a{server.port}\n", store.read_text()
    finally:
        server.stop()
