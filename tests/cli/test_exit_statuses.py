"""Every command keel --help lists, with a bad argument and with a file it cannot read.

The statuses are keel's one table (src/core/error.hpp, keel(1)): 2 for a
usage error, 74 for a file that cannot be read or written, 78 for a broken
configuration. A directory stands in for the unreadable file: the tests run
as root, who can read a file whatever its mode.
"""

import re

import pytest

# A bad argument for each command: (arguments, the one error line).
BAD_ARGUMENT = {
    "commit lint": (["commit", "lint", "--nope"], "keel: error: unexpected argument '--nope'"),
    "completions": (["completions", "tcsh"], "keel: error: shell: tcsh not in {bash,zsh,fish}"),
    "config list": (["config", "list", "--nope"], "keel: error: unexpected argument '--nope'"),
    "config get": (["config", "get"], "keel: error: key is required"),
    "config set": (["config", "set", "onlykey"], "keel: error: value is required"),
    "config path": (["config", "path", "extra"], "keel: error: unexpected argument 'extra'"),
    "config validate": (["config", "validate", "extra"], "keel: error: unexpected argument 'extra'"),
    "config schema": (["config", "schema", "extra"], "keel: error: unexpected argument 'extra'"),
    "dist": (["dist", "--target", "linux"], "keel: error: invalid target 'linux': expected os/arch such as linux/amd64"),
    "dist publish": (["dist", "publish"], "keel: error: --to is required"),
    "hooks install": (["hooks", "install", "--nope"], "keel: error: unexpected argument '--nope'"),
    "hooks uninstall": (["hooks", "uninstall", "--nope"], "keel: error: unexpected argument '--nope'"),
    "hooks status": (["hooks", "status", "--nope"], "keel: error: unexpected argument '--nope'"),
    "hooks run": (["hooks", "run"], "keel: error: hook is required"),
    "hooks restore": (["hooks", "restore", "--nope"], "keel: error: unexpected argument '--nope'"),
    "hooks migrate": (["hooks", "migrate", "--output"], "keel: error: --output: 1 required FILE missing"),
    "man": (["man", "nosuch"], "keel: error: no manual page for 'nosuch'"),
    "release": (["release", "--nope"], "keel: error: unexpected argument '--nope'"),
    "release next": (["release", "next", "--nope"], "keel: error: unexpected argument '--nope'"),
    "release changelog": (["release", "changelog", "--range", "x"], "keel: error: invalid range 'x': expected A..B"),
    "run": (["run", "--jobs", "0"], "keel: error: --jobs: value 0 not in range 1 to 256"),
    "cache stats": (["cache", "stats", "--nope"], "keel: error: unexpected argument '--nope'"),
    "cache gc": (["cache", "gc", "--max-size", "lots"], "keel: error: invalid size 'lots': expected a number such as 5G or 500M"),
    "cache clean": (["cache", "clean", "--nope"], "keel: error: unexpected argument '--nope'"),
    "ci export": (["ci", "export", "circleci"], "keel: error: system: circleci not in {github,gitlab}"),
    "ci check": (["ci", "check", "--nope"], "keel: error: unexpected argument '--nope'"),
    "key generate": (["key", "generate", "--nope"], "keel: error: unexpected argument '--nope'"),
    "key show": (["key", "show", "--nope"], "keel: error: unexpected argument '--nope'"),
    "key change-password": (["key", "change-password", "--nope"], "keel: error: unexpected argument '--nope'"),
    "sign": (["sign"], "keel: error: files is required"),
    "verify": (["verify", "x", "-p", "a", "-P", "b"], "keel: error: -p excludes -P"),
    "self check": (["self", "check", "--channel", "BAD"],
                   "keel: error: --channel: a channel is a lower-case name such as stable or beta"),
    "self update": (["self", "update", "--to"], "keel: error: --to: 1 required VERSION missing"),
    "self rollback": (["self", "rollback", "x"], "keel: error: unexpected argument 'x'"),
    "self verify-manifest": (["self", "verify-manifest"], "keel: error: manifest is required"),
    "semver validate": (["semver", "validate"], "keel: error: version is required"),
    "semver compare": (["semver", "compare", "1.0.0", "x"],
                       "keel: error: invalid version 'x': expected MAJOR.MINOR.PATCH"),
    "semver sort": (["semver", "sort", "1.x"], "keel: error: invalid version '1.x': expected MAJOR.MINOR.PATCH"),
    "semver bump": (["semver", "bump", "huge", "1.0.0"],
                    "keel: error: invalid version 'huge': expected MAJOR.MINOR.PATCH"),
}

# Commands that load no configuration, or that tolerate a broken one.
LOADS_NO_CONFIG = {"completions", "man", "config path", "config schema", "semver validate", "semver compare",
                   "semver sort", "semver bump", "key generate", "key show", "key change-password", "sign",
                   "verify"}


def commands(sandbox):
    """Every runnable command in keel --help, a group's subcommands in place of the group."""
    def listed(*group):
        r = sandbox.keel(*group, "--help")
        assert r.code == 0, r
        section = r.out.split("Subcommands:\n", 1)
        if len(section) < 2:
            return []
        return re.findall(r"^  (\S+)", section[1], re.M)

    out = []
    for name in listed():
        subs = listed(name)
        out.extend(f"{name} {sub}" for sub in subs)
        if not subs or name in ("release", "dist"):  # keel release releases, keel dist builds
            out.append(name)
    return out


def repository(sandbox):
    repo = sandbox.repo()
    (repo / "a-directory").mkdir()
    sandbox.git("commit", "-q", "--allow-empty", "-m", "feat: first", cwd=repo)
    return repo


def test_the_tables_name_every_command(sandbox):
    found = sorted(commands(sandbox))
    assert found == sorted(BAD_ARGUMENT)
    assert LOADS_NO_CONFIG <= set(found)


@pytest.mark.parametrize("command", sorted(BAD_ARGUMENT))
def test_a_bad_argument_is_a_usage_error(sandbox, command):
    repo = repository(sandbox)
    args, line = BAD_ARGUMENT[command]
    r = sandbox.keel(*args, cwd=repo)
    assert r.code == 2, r
    assert r.out == ""
    assert r.err.splitlines()[0] == line


@pytest.mark.parametrize("command", sorted(set(BAD_ARGUMENT) - LOADS_NO_CONFIG - {"config set"}))
def test_an_unreadable_config_file_is_an_io_error(sandbox, command):
    repo = repository(sandbox)
    extra = {"hooks run": ["pre-commit"], "config get": ["log.level"], "ci export": ["github"],
             "dist publish": ["--to", "http://127.0.0.1:9/x"], "self verify-manifest": ["m.json"]}
    args = ["--config", "a-directory", *command.split(), *extra.get(command, [])]
    r = sandbox.keel(*args, cwd=repo)
    wanted = 1 if command == "config validate" else 74  # validate reports what it checked
    assert r.code == wanted, r
    assert r.err.splitlines()[0] == f"keel: error: cannot read '{repo}/a-directory': Is a directory"


def test_an_unreadable_message_file_is_an_io_error(sandbox):
    repo = repository(sandbox)
    r = sandbox.keel("commit", "lint", "a-directory", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot read 'a-directory': Is a directory\n")


def test_an_unwritable_changelog_is_an_io_error(sandbox):
    repo = repository(sandbox)
    r = sandbox.keel("release", "changelog", "-o", "a-directory", cwd=repo)
    assert r.code == 74, r
    assert r.err == "keel: error: cannot write 'a-directory': it is a directory\n"


def test_an_unreadable_file_that_config_set_would_change_is_an_io_error(sandbox):
    repo = repository(sandbox)
    (repo / "keel.local.toml").mkdir()
    r = sandbox.keel("config", "set", "--local", "log.level", "info", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot write 'keel.local.toml': it is a directory\n")


def test_a_broken_config_file_is_a_configuration_error(sandbox):
    repo = repository(sandbox)
    (repo / "keel.toml").write_text("[log]\nlevel = \n")
    r = sandbox.keel("hooks", "status", cwd=repo)
    assert r.code == 78, r
    assert r.err.splitlines()[0].startswith("keel: error: keel.toml:2:")


def test_unreadable_key_and_data_files(sandbox):
    repo = repository(sandbox)
    r = sandbox.keel("key", "show", "a-directory", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot read 'a-directory': Is a directory\n")
    r = sandbox.keel("sign", "-s", "a-directory", "x", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot read 'a-directory': Is a directory\n")
    # keel verify keeps minisign's statuses: 2 for any input it cannot use.
    r = sandbox.keel("verify", "a-directory", "-P", "RWQL+nms7Ekf41WsmLCuvz2EPVl0zbPo+feozw6/BffIi4JJ+I25rdqS",
                     "-x", "a-directory", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: cannot read 'a-directory': Is a directory\n")
