"""The command line itself: version, help, dispatch, plugins, global options."""

import os
import re
import stat
import subprocess
from pathlib import Path


def test_version_names_commit_date_and_linkage(sandbox):
    r = sandbox.keel("--version")
    assert r.code == 0
    assert r.out.startswith("keel 0.1.0 (commit ")
    assert r.out.rstrip().endswith(("static)", "dynamic)"))
    assert r.err == ""


# The Debian -dev package each library's version comes from, when it is not
# compiled from a pinned source.
DEV_PACKAGES = {
    "libgit2": "libgit2-dev",
    "libcurl": "libcurl4-openssl-dev",
    "OpenSSL": "libssl-dev",
    "libarchive": "libarchive-dev",
    "zstd": "libzstd-dev",
    "zlib": "zlib1g-dev",
    "libdeflate": "libdeflate-dev",
    "libsodium": "libsodium-dev",
    "protobuf-c": "libprotobuf-c-dev",
    "yaml-cpp": "libyaml-cpp-dev",
    "toml++": "libtomlplusplus-dev",
    "nlohmann-json": "nlohmann-json3-dev",
    "spdlog": "libspdlog-dev",
    "fmt": "libfmt-dev",
}
# Compiled from the sources pinned in scripts/static-sources.sha256 by the
# static build.
PINNED_SOURCES = {"libgit2": "libgit2", "libcurl": "curl", "libarchive": "libarchive"}


def upstream_version(debian_version: str) -> str:
    """1:1.2.13.dfsg-1 -> 1.2.13, 1.9.7+ds-1 -> 1.9.7, 3.0.17-1~deb12u2 -> 3.0.17."""
    v = debian_version.split(":", 1)[-1]
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    return re.split(r"[+~]|\.dfsg", v)[0]


def pinned_versions() -> dict:
    root = Path(__file__).resolve().parents[2]
    out = {}
    for line in (root / "scripts" / "static-sources.sha256").read_text().splitlines():
        m = re.fullmatch(r"[0-9a-f]{64}  ([a-z0-9]+)_([^_]+)\.(dsc|debian\.tar\.\w+)", line)
        if m:
            out[m.group(1)] = upstream_version(m.group(2))
    return out


def installed_version(package: str) -> str:
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
    assert r.returncode == 0, f"{package} is not installed: run scripts/bootstrap"
    return upstream_version(r.stdout)


def test_verbose_version_lists_every_library_at_the_version_built_with(sandbox):
    r = sandbox.keel("--version", "--verbose")
    assert r.code == 0
    lines = r.out.splitlines()
    static = lines[0].endswith("static)")
    found = dict(line.split(maxsplit=1) for line in lines[1:])
    assert list(found)[:-1] == list(DEV_PACKAGES)
    assert "CLI11" in found
    pins = pinned_versions()
    for name, package in DEV_PACKAGES.items():
        if static and name in PINNED_SOURCES:
            expected = pins[PINNED_SOURCES[name]]
        else:
            expected = installed_version(package)
        assert found[name] == expected, f"{name}: keel says {found[name]}, expected {expected}"


def test_help_lists_commands(sandbox):
    r = sandbox.keel("--help")
    assert r.code == 0
    assert "config" in r.out
    assert "-C DIR" in r.out


def test_help_on_every_subcommand(sandbox):
    for args in (["config", "--help"], ["config", "list", "--help"], ["config", "set", "--help"]):
        r = sandbox.keel(*args)
        assert r.code == 0, r
        assert "Usage:" in r.out


def test_no_command_is_a_usage_error(sandbox):
    r = sandbox.keel()
    assert r.code == 2
    assert r.err == "keel: error: no command given\nhint: see 'keel --help'\n"


def test_group_without_subcommand(sandbox):
    r = sandbox.keel("config")
    assert r.code == 2
    assert r.err.startswith("keel: error: a subcommand is required")


def test_unknown_command_suggests_nearest(sandbox):
    r = sandbox.keel("confg", "list")
    assert r.code == 2
    assert r.err == "keel: error: unknown command 'confg'\nhint: did you mean 'config'?\n"


def test_unknown_command_without_suggestion(sandbox):
    r = sandbox.keel("zzzzzz")
    assert r.code == 2
    assert r.err == "keel: error: unknown command 'zzzzzz'\nhint: see 'keel --help' for the list of commands\n"


def test_unknown_option(sandbox):
    r = sandbox.keel("config", "list", "--bogus")
    assert r.code == 2
    assert r.err == "keel: error: unexpected argument '--bogus'\nhint: see 'keel config list --help'\n"


def test_plugin_runs_from_path_with_keel_set(sandbox):
    bindir = sandbox.root / "bin"
    bindir.mkdir()
    plugin = bindir / "keel-hello"
    plugin.write_text('#!/bin/sh\necho "args: $*"\necho "KEEL=$KEEL"\nexit 7\n')
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR)
    env = {"PATH": f"{bindir}:{os.environ['PATH']}"}
    r = sandbox.keel("hello", "a", "--flag", "b c", env=env)
    assert r.code == 7
    lines = r.out.splitlines()
    assert lines[0] == "args: a --flag b c"
    assert lines[1] == f"KEEL={os.path.realpath(os.environ['KEEL_BIN'])}"


def test_plugin_honours_dash_C(sandbox):
    bindir = sandbox.root / "bin"
    bindir.mkdir()
    plugin = bindir / "keel-where"
    plugin.write_text("#!/bin/sh\npwd\n")
    plugin.chmod(0o755)
    target = sandbox.root / "elsewhere"
    target.mkdir()
    r = sandbox.keel("-C", target, "where", env={"PATH": f"{bindir}:{os.environ['PATH']}"})
    assert r.code == 0
    assert r.out.strip() == str(target)


def test_builtin_commands_win_over_plugins(sandbox):
    bindir = sandbox.root / "bin"
    bindir.mkdir()
    plugin = bindir / "keel-config"
    plugin.write_text("#!/bin/sh\necho plugin\n")
    plugin.chmod(0o755)
    r = sandbox.keel("config", "path", env={"PATH": f"{bindir}:{os.environ['PATH']}"})
    assert r.code == 0
    assert "plugin" not in r.out


def test_dash_C_to_missing_directory(sandbox):
    r = sandbox.keel("-C", "nope", "config", "list")
    assert r.code == 2
    assert r.err == "keel: error: cannot change to directory 'nope': No such file or directory\n"


def test_dash_C_runs_in_that_directory(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    r = sandbox.keel("-C", repo, "config", "get", "log.level")
    assert r.code == 0
    assert r.out == "info\n"


def test_global_options_after_the_command(sandbox):
    r = sandbox.keel("config", "get", "log.level", "-c", "log.level=error")
    assert r.code == 0
    assert r.out == "error\n"


def test_bad_keel_log_value(sandbox):
    r = sandbox.keel("config", "list", env={"KEEL_LOG": "loud"})
    assert r.code == 2
    assert r.err == (
        "keel: error: invalid KEEL_LOG value 'loud': expected trace, debug, info, warn, error or off\n"
    )


def test_invalid_color_value(sandbox):
    r = sandbox.keel("--color", "sometimes", "config", "list")
    assert r.code == 2
    assert r.err.startswith("keel: error: --color: sometimes not in {auto,always,never}")


def test_debug_logging_names_the_files_read(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("")
    r = sandbox.keel("-vv", "config", "get", "log.level", cwd=repo)
    assert r.code == 0
    assert "keel: debug: reading config 'keel.toml'\n" in r.err
    assert f"keel: debug: project root '{repo}'\n" in r.err
    quiet = sandbox.keel("config", "get", "log.level", cwd=repo)
    assert quiet.err == ""


def test_keel_log_environment_variable(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("")
    r = sandbox.keel("config", "get", "log.level", cwd=repo, env={"KEEL_LOG": "debug"})
    assert "keel: debug: reading config 'keel.toml'" in r.err
    r = sandbox.keel("-q", "config", "get", "log.level", cwd=repo, env={"KEEL_LOG": "debug"})
    assert r.err == ""


def test_secrets_in_urls_never_reach_the_log(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("-vv", "--config", "https://user:hunter2@example.invalid/x.toml", "config", "list", cwd=repo)
    assert r.code == 74  # a --config file that is not there
    assert "hunter2" not in r.err
    assert "https://***@example.invalid/x.toml" in r.err


def test_an_option_value_that_names_a_command_is_not_the_command(sandbox):
    # `-C hooks` names a directory; the command is config.
    d = sandbox.root / "hooks"
    d.mkdir()
    r = sandbox.keel("-vC", "hooks", "config", "get", "log.level")
    assert (r.code, r.out) == (0, 'warn\n'), r
