"""The command line itself: version, help, dispatch, plugins, global options."""

import os
import stat


def test_version_names_commit_date_and_linkage(sandbox):
    r = sandbox.keel("--version")
    assert r.code == 0
    assert r.out.startswith("keel 0.1.0 (commit ")
    assert r.out.rstrip().endswith(("static)", "dynamic)"))
    assert r.err == ""


def test_verbose_version_lists_libraries(sandbox):
    r = sandbox.keel("-v", "--version")
    assert r.code == 0
    names = [line.split()[0] for line in r.out.splitlines()[1:]]
    assert names[:2] == ["libgit2", "libcurl"]
    assert "libsodium" in names and "CLI11" in names


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
    assert r.code == 2
    assert "hunter2" not in r.err
    assert "https://***@example.invalid/x.toml" in r.err


def test_an_option_value_that_names_a_command_is_not_the_command(sandbox):
    # `-C hooks` names a directory; the command is config.
    d = sandbox.root / "hooks"
    d.mkdir()
    r = sandbox.keel("-vC", "hooks", "config", "get", "log.level")
    assert (r.code, r.out) == (0, 'warn\n'), r
