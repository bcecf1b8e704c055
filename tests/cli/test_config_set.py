"""keel config set: one value changes, every other byte of the file stays."""


def test_set_replaces_in_place_keeping_comments(sandbox):
    repo = sandbox.repo()
    original = '# team settings\n[log]\n# how chatty\nlevel = "info"  # keep\n\n[ui]\ncolor = "never"\n'
    (repo / "keel.toml").write_text(original)
    r = sandbox.keel("config", "set", "log.level", "debug", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "", "")
    assert (repo / "keel.toml").read_text() == original.replace('"info"', '"debug"')
    r = sandbox.keel("config", "get", "log.level", "--show-origin", cwd=repo)
    assert r.out == "keel.toml:4:1\tdebug\n"


def test_set_creates_the_project_file(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("config", "set", "process.grace_period", "9", cwd=repo)
    assert r.code == 0, r
    assert (repo / "keel.toml").read_text() == "[process]\ngrace_period = 9\n"


def test_set_local_and_user(sandbox):
    repo = sandbox.repo()
    assert sandbox.keel("config", "set", "--local", "ui.color", "never", cwd=repo).code == 0
    assert (repo / "keel.local.toml").read_text() == '[ui]\ncolor = "never"\n'
    assert sandbox.keel("config", "set", "--user", "log.format", "json", cwd=repo).code == 0
    assert (sandbox.xdg / "keel" / "config.toml").read_text() == '[log]\nformat = "json"\n'
    r = sandbox.keel("config", "list", "--show-origin", cwd=repo)
    assert "keel.local.toml:2:1\tui.color = \"never\"" in r.out
    assert f"{sandbox.xdg}/keel/config.toml:2:1\tlog.format = \"json\"" in r.out


def test_set_yaml_project_file(sandbox):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text("# yaml\nlog:\n  level: info # why\n")
    r = sandbox.keel("config", "set", "log.format", "json", cwd=repo)
    assert r.code == 0, r
    r = sandbox.keel("config", "set", "log.level", "debug", cwd=repo)
    assert r.code == 0, r
    assert (repo / "keel.yaml").read_text() == "# yaml\nlog:\n  level: debug # why\n  format: \"json\"\n"


def test_set_converts_to_the_declared_type(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("config", "set", "process.grace_period", "soon", cwd=repo)
    assert r.code == 2
    assert r.err == "keel: error: invalid value for 'process.grace_period': expected an integer, found 'soon'\n"
    assert not (repo / "keel.toml").exists()


def test_set_unknown_key(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("config", "set", "log.levl", "x", cwd=repo)
    assert r.code == 2
    assert r.err == "keel: error: unknown key 'log.levl'\nhint: did you mean 'log.level'?\n"


def test_set_trusted_key_refused_in_project(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("config", "set", "process.shell", "/bin/bash", cwd=repo)
    assert r.code == 2
    assert r.err == (
        "keel: error: 'process.shell' cannot be set in a project file\nhint: use 'keel config set --user'\n"
    )
    r = sandbox.keel("config", "set", "--user", "process.shell", '["/bin/bash", "-c"]', cwd=repo)
    assert r.code == 0, r
    assert sandbox.keel("config", "get", "process.shell", cwd=repo).out == "/bin/bash\n-c\n"


def test_set_outside_a_repository(sandbox):
    r = sandbox.keel("config", "set", "log.level", "info")
    assert r.code == 2
    assert r.err == (
        "keel: error: not inside a git work tree\nhint: use --user, or run keel inside a repository\n"
    )


def test_set_refuses_a_malformed_file_and_leaves_it_alone(sandbox):
    repo = sandbox.repo()
    broken = "[log\nlevel = 1\n"
    (repo / "keel.toml").write_text(broken)
    r = sandbox.keel("config", "set", "log.level", "info", cwd=repo)
    assert r.code == 78
    assert r.err == (
        "keel: error: keel.toml:1:5: malformed TOML: error while parsing table header: expected ']', saw '\\n'\n"
    )
    assert (repo / "keel.toml").read_text() == broken


def test_set_keeps_file_mode(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    (repo / "keel.toml").chmod(0o600)
    assert sandbox.keel("config", "set", "log.level", "error", cwd=repo).code == 0
    assert (repo / "keel.toml").stat().st_mode & 0o777 == 0o600
    leftovers = [p.name for p in repo.iterdir() if p.name.startswith(".keel.toml.keel-")]
    assert leftovers == []


def test_only_one_target_flag(sandbox):
    repo = sandbox.repo()
    r = sandbox.keel("config", "set", "--user", "--local", "log.level", "info", cwd=repo)
    assert r.code == 2
    assert r.err.startswith("keel: error: ")
