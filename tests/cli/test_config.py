"""keel config: list, get, path, validate, schema and the loader's errors."""

import json


def without_commit_keys(out):
    """The lines of `config list` without the commit and release keys (their own tests check those)."""
    return [line for line in out.splitlines() if not line.split("\t")[-1].startswith(("commit.", "release."))]


def test_list_shows_defaults_with_origin(sandbox):
    r = sandbox.keel("config", "list", "--show-origin")
    assert r.code == 0, r
    assert without_commit_keys(r.out) == [
        'default\tcache.max_size = "5G"',
        'default\tcache.remote.max_blob_size = "1G"',
        'default\tcache.remote.timeout = "60s"',
        'default\tcache.remote.upload = true',
        'default\tci.github.runs_on = "ubuntu-latest"',
        'default\tci.keel = "keel"',
        'default\tdist.checksums.algorithm = "sha256"',
        'default\tdist.checksums.name_template = "{name}_{version}_checksums.txt"',
        'default\tdist.output_dir = "dist"',
        'default\tdist.sign.artifacts = "none"',
        'default\thooks.glob_style = "keel"',
        'default\thooks.output = true',
        'default\thooks.source_dir = ".keel/hooks"',
        'default\thooks.trust_remote_refs = false',
        'default\tlog.format = "text"',
        'default\tlog.level = "warn"',
        "default\tprocess.grace_period = 5",
        'default\tprocess.shell = ["/bin/sh", "-c"]',
        'default\tui.color = "auto"',
        'default\tupdate.channel = "stable"',
        'default\tupdate.check = true',
        'default\tupdate.timeout = "30s"',
    ]


def test_list_json(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "debug"\n')
    r = sandbox.keel("config", "list", "--json", cwd=repo)
    assert r.code == 0, r
    data = json.loads(r.out)
    assert data["log.level"] == "debug"
    assert data["process.shell"] == ["/bin/sh", "-c"]
    r = sandbox.keel("config", "list", "--json", "--show-origin", cwd=repo)
    data = json.loads(r.out)
    assert data["log.level"] == {"value": "debug", "origin": "keel.toml:2:1"}
    assert data["ui.color"] == {"value": "auto", "origin": "default"}


def test_every_layer_shows_its_origin(sandbox):
    repo = sandbox.repo()
    (sandbox.etc / "config.toml").write_text('[ui]\ncolor = "never"\n')
    (sandbox.xdg / "keel").mkdir()
    (sandbox.xdg / "keel" / "config.yaml").write_text("log:\n  format: json\n")
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    (repo / "keel.local.toml").write_text("[process]\ngrace_period = 2\n")
    extra = sandbox.write("extra.toml", "[process]\ngrace_period = 3\n")
    env = {"KEEL_LOG__LEVEL": "debug"}
    r = sandbox.keel("--config", extra, "-c", "process.grace_period=4", "config", "list", "--show-origin",
                     cwd=repo, env=env)
    assert r.code == 0, r
    assert without_commit_keys(r.out) == [
        'default\tcache.max_size = "5G"',
        'default\tcache.remote.max_blob_size = "1G"',
        'default\tcache.remote.timeout = "60s"',
        'default\tcache.remote.upload = true',
        'default\tci.github.runs_on = "ubuntu-latest"',
        'default\tci.keel = "keel"',
        'default\tdist.checksums.algorithm = "sha256"',
        'default\tdist.checksums.name_template = "{name}_{version}_checksums.txt"',
        'default\tdist.output_dir = "dist"',
        'default\tdist.sign.artifacts = "none"',
        'default\thooks.glob_style = "keel"',
        'default\thooks.output = true',
        'default\thooks.source_dir = ".keel/hooks"',
        'default\thooks.trust_remote_refs = false',
        f"{sandbox.xdg}/keel/config.yaml:2:3\tlog.format = \"json\"",
        "env KEEL_LOG__LEVEL\tlog.level = \"debug\"",
        "-c process.grace_period=4\tprocess.grace_period = 4",
        'default\tprocess.shell = ["/bin/sh", "-c"]',
        f"{sandbox.etc}/config.toml:2:1\tui.color = \"never\"",
        'default\tupdate.channel = "stable"',
        'default\tupdate.check = true',
        'default\tupdate.timeout = "30s"',
    ]


def test_get_prints_plain_value(sandbox):
    r = sandbox.keel("config", "get", "ui.color")
    assert (r.code, r.out, r.err) == (0, "auto\n", "")
    r = sandbox.keel("config", "get", "process.shell")
    assert r.out == "/bin/sh\n-c\n"


def test_get_with_origin(sandbox):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text("log:\n  level: info\n")
    r = sandbox.keel("config", "get", "log.level", "--show-origin", cwd=repo / ".")
    assert (r.code, r.out) == (0, "keel.yaml:2:3\tinfo\n")


def test_get_from_a_subdirectory_finds_the_project_file(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    (repo / "sub" / "dir").mkdir(parents=True)
    r = sandbox.keel("config", "get", "log.level", "--show-origin", cwd=repo / "sub" / "dir")
    assert (r.code, r.out) == (0, f"{repo}/keel.toml:2:1\tinfo\n")


def test_get_a_section(sandbox):
    r = sandbox.keel("config", "get", "log")
    assert r.out == 'log.format = "text"\nlog.level = "warn"\n'


def test_get_unset_key_exits_1(sandbox):
    r = sandbox.keel("config", "get", "log.levle")
    assert r.code == 1
    assert r.err == "keel: error: key 'log.levle' is not set\nhint: did you mean 'log.level'?\n"


def test_get_invalid_key(sandbox):
    r = sandbox.keel("config", "get", "log..level")
    assert r.code == 2
    assert r.err == "keel: error: invalid key 'log..level': expected section.name\n"


def test_path_lists_every_file_in_order(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("")
    r = sandbox.keel("config", "path", cwd=repo)
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == f"system\t{sandbox.etc}/config.toml\tmissing"
    assert lines[3] == f"user\t{sandbox.xdg}/keel/config.toml\tmissing"
    assert lines[6] == "project\tkeel.toml\texists"
    assert lines[12] == "local\tkeel.local.toml\tmissing"
    assert len(lines) == 18


def test_path_outside_a_repository_has_no_project_layer(sandbox):
    r = sandbox.keel("config", "path")
    assert r.code == 0
    assert [line.split("\t")[0] for line in r.out.splitlines()] == ["system"] * 3 + ["user"] * 3


def test_validate_clean(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    r = sandbox.keel("config", "validate", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "1 file checked: 0 errors, 0 warnings\n", "")


def test_validate_reports_everything_and_exits_1(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevle = "info"\n[ui]\ncolor = 5\n[process]\nshell = "bash"\n')
    r = sandbox.keel("config", "validate", cwd=repo)
    assert r.code == 1
    assert r.out == "1 file checked: 3 errors, 0 warnings\n"
    assert r.err.splitlines() == [
        "keel: error: keel.toml:2:1: unknown key 'log.levle'; did you mean 'log.level'?",
        "keel: error: keel.toml:4:1: wrong type for 'ui.color': expected one of auto, always, never, "
        "found an integer (5)",
        "keel: error: keel.toml:6:1: 'process.shell' cannot be set in a project file; set it in the user or "
        "system config, the environment or with -c",
    ]


def test_a_broken_config_stops_commands_with_exit_78(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("[log\nlevel = 1\n")
    r = sandbox.keel("config", "get", "log.level", cwd=repo)
    assert r.code == 78
    assert r.err == (
        "keel: error: keel.toml:1:5: malformed TOML: error while parsing table header: expected ']', saw '\\n'\n"
        "keel: error: configuration has errors\n"
        "hint: run 'keel config validate' for the full list\n"
    )
    assert r.out == ""


def test_malformed_yaml(sandbox):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text("log:\n  level: [info\n")
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 78
    assert r.err.splitlines()[0] == "keel: error: keel.yaml:3:1: malformed YAML: end of sequence flow not found"


def test_duplicate_yaml_keys(sandbox):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text("log:\n  level: info\n  level: debug\n")
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 78
    assert r.err.splitlines()[0] == "keel: error: keel.yaml:3:3: duplicate key 'level'"


def test_invalid_utf8(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_bytes(b'[log]\nlevel = "\xff"\n')
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 78
    assert r.err.splitlines()[0] == "keel: error: keel.toml:2:10: invalid UTF-8"


def test_huge_file_refused(sandbox):
    repo = sandbox.repo()
    with open(repo / "keel.toml", "w") as f:
        f.write("#" * (10 * 1024 * 1024 + 1))
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 78
    assert r.err.splitlines()[0] == f"keel: error: file too large: '{repo}/keel.toml' is over 10 MiB"


def test_unreadable_file(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("")
    (repo / "keel.toml").chmod(0)
    import os
    if os.geteuid() == 0:
        # root reads anything: use a directory loop instead, which nobody can read.
        (repo / "keel.toml").unlink()
        (repo / "keel.toml").symlink_to("keel.toml")
        r = sandbox.keel("config", "list", cwd=repo)
        assert r.code == 0  # a dangling loop is not a regular file: not considered
        return
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 2
    assert "Permission denied" in r.err


def test_two_project_files(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("")
    (repo / ".keel.yaml").write_text("")
    r = sandbox.keel("config", "list", cwd=repo)
    assert r.code == 78
    assert r.err.splitlines()[0] == (
        "keel: error: more than one project config file: 'keel.toml' and '.keel.yaml'; keep one"
    )


def test_malformed_environment_value(sandbox):
    r = sandbox.keel("config", "list", env={"KEEL_UI__COLOR": "purple"})
    assert r.code == 78
    assert r.err.splitlines()[0] == (
        "keel: error: env KEEL_UI__COLOR: wrong type for 'ui.color': expected one of auto, always, never, "
        "found 'purple'"
    )


def test_unknown_key_is_an_error(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[ui]\ncolour = "never"\n')
    r = sandbox.keel("config", "get", "ui.color", cwd=repo)
    assert (r.code, r.out) == (78, "")
    assert r.err == ("keel: error: keel.toml:2:1: unknown key 'ui.colour'; did you mean 'ui.color'?\n"
                     "keel: error: configuration has errors\nhint: run 'keel config validate' for the full list\n")


def test_an_unknown_top_level_name_only_warns(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[frobnicate]\nx = 1\n')
    r = sandbox.keel("config", "get", "ui.color", cwd=repo)
    assert (r.code, r.out) == (0, "auto\n")
    assert r.err == "keel: warning: keel.toml:1:2: unknown key 'frobnicate'\n"


def test_quiet_silences_warnings(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[frobnicate]\nx = 1\n')
    r = sandbox.keel("-q", "config", "get", "ui.color", cwd=repo)
    assert (r.code, r.err) == (0, "")


def test_json_log_format(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[frobnicate]\nx = 1\n')
    r = sandbox.keel("--log-format", "json", "config", "get", "ui.color", cwd=repo)
    assert r.code == 0
    record = json.loads(r.err)
    assert record["level"] == "warning"
    assert record["message"] == "keel.toml:1:2: unknown key 'frobnicate'"


def test_schema_is_json_schema_of_every_key(sandbox):
    r = sandbox.keel("config", "schema")
    assert r.code == 0
    schema = json.loads(r.out)
    assert schema["$schema"].endswith("2020-12/schema")
    props = schema["properties"]
    assert props["ui"]["properties"]["color"]["enum"] == ["auto", "always", "never"]
    assert props["process"]["properties"]["grace_period"] == {
        "description": "Seconds a child gets after SIGTERM before it is killed.",
        "type": "integer",
        "default": 5,
    }
    assert "extends" in props


def test_outside_a_repository_config_still_works(sandbox):
    r = sandbox.keel("config", "get", "log.level", cwd=sandbox.root)
    assert (r.code, r.out) == (0, "warn\n")


def test_project_file_found_from_a_linked_worktree(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    sandbox.git("add", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: config", cwd=repo)
    sandbox.git("worktree", "add", "-q", sandbox.root / "wt", cwd=repo)
    (sandbox.root / "wt" / "keel.toml").write_text('[log]\nlevel = "error"\n')
    r = sandbox.keel("config", "get", "log.level", "--show-origin", cwd=sandbox.root / "wt")
    assert (r.code, r.out) == (0, "keel.toml:2:1\terror\n")


def test_no_project_layer_inside_a_bare_repository(sandbox):
    bare = sandbox.root / "bare.git"
    sandbox.git("init", "-q", "--bare", bare, cwd=sandbox.root)
    (bare / "keel.toml").write_text('[log]\nlevel = "info"\n')
    r = sandbox.keel("config", "get", "log.level", cwd=bare)
    assert (r.code, r.out) == (0, "warn\n")


def test_git_work_tree_variable_names_the_project(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    r = sandbox.keel("config", "get", "log.level", env={"GIT_WORK_TREE": str(repo)})
    assert (r.code, r.out) == (0, "info\n")
