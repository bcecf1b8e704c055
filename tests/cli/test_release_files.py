"""keel release and [[release.files]]: each preset changes exactly the version bytes."""

import pytest

from release_support import new_repo, state

PRESETS = {
    "package.json": (
        '{\n  "name": "app",\n  "version": "1.0.0",\n  "devDependencies": {"version": "1.0.0"}\n}\n',
        '{\n  "name": "app",\n  "version": "1.1.0",\n  "devDependencies": {"version": "1.0.0"}\n}\n',
    ),
    "Cargo.toml": (
        '[package]\nname = "app"\nversion = "1.0.0"  # the crate\n\n[dependencies]\nx = { version = "1.0.0" }\n',
        '[package]\nname = "app"\nversion = "1.1.0"  # the crate\n\n[dependencies]\nx = { version = "1.0.0" }\n',
    ),
    "pyproject.toml": (
        '[project]\nname = "app"\nversion = "1.0.0"\n\n[tool.other]\nversion = "1.0.0"\n',
        '[project]\nname = "app"\nversion = "1.1.0"\n\n[tool.other]\nversion = "1.0.0"\n',
    ),
    "meson.build": (
        "project('app', 'c',\n  version: '1.0.0',\n  meson_version: '>=1.0.0')\n",
        "project('app', 'c',\n  version: '1.1.0',\n  meson_version: '>=1.0.0')\n",
    ),
    "VERSION": ("1.0.0\n", "1.1.0\n"),
}


def project(sandbox, files: dict, config: str):
    repo = new_repo(sandbox)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(text.encode())
    (repo / "keel.toml").write_text(config + '[release.changelog]\npath = ""\n')
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: project", cwd=repo)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    (repo / "feature.txt").write_text("x\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "feat: a feature", cwd=repo)
    return repo


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_by_file_name(sandbox, name):
    before, after = PRESETS[name]
    repo = project(sandbox, {name: before}, f'[[release.files]]\npath = "{name}"\n')
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (0, "released 1.1.0 as v1.1.0\n"), r
    assert (repo / name).read_bytes() == after.encode()
    assert sandbox.git("show", "--name-only", "--format=%s", "HEAD", cwd=repo) == f"chore(release): 1.1.0\n\n{name}\n"


def test_cargo_workspace_package(sandbox):
    text = '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nversion = "1.0.0"\n'
    repo = project(sandbox, {"Cargo.toml": text, "a/Cargo.toml": '[package]\nversion.workspace = true\n'},
                   '[[release.files]]\npath = "Cargo.toml"\n')
    assert sandbox.keel("release", cwd=repo).code == 0
    assert (repo / "Cargo.toml").read_text() == text.replace("1.0.0", "1.1.0")
    assert (repo / "a/Cargo.toml").read_text() == '[package]\nversion.workspace = true\n'


def test_poetry(sandbox):
    text = '[tool.poetry]\nname = "app"\nversion = "1.0.0"\n'
    repo = project(sandbox, {"pyproject.toml": text}, '[[release.files]]\npath = "pyproject.toml"\n')
    assert sandbox.keel("release", cwd=repo).code == 0
    assert (repo / "pyproject.toml").read_text() == text.replace("1.0.0", "1.1.0")


def test_custom_regex_and_count(sandbox):
    header = '#pragma once\n#define APP_VERSION "1.0.0"\n// APP_VERSION "1.0.0" is documented\n'
    readme = "Install 1.0.0:\n  pip install app==1.0.0\n"
    config = ('[[release.files]]\npath = "src/version.h"\nregex = \'^#define APP_VERSION "(?<version>[^"]+)"\'\n'
              '[[release.files]]\npath = "README"\nregex = \'(?P<version>\\d+\\.\\d+\\.\\d+)\'\ncount = 2\n')
    repo = project(sandbox, {"src/version.h": header, "README": readme}, config)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 0, r
    assert (repo / "src/version.h").read_text() == header.replace('"1.0.0"\n//', '"1.1.0"\n//', 1)
    assert (repo / "README").read_text() == readme.replace("1.0.0", "1.1.0")


def test_a_pattern_that_matches_twice_writes_nothing(sandbox):
    files = {"VERSION": "1.0.0\n", "package.json": '{"version": "1.0.0", "version": "1.0.0"}\n'}
    repo = project(sandbox, files, '[[release.files]]\npath = "VERSION"\n[[release.files]]\npath = "package.json"\n')
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (78, "")
    assert r.err == ("keel: error: version not found exactly as expected in 'package.json': found 2 places, "
                     "expected 1\nhint: nothing was written; fix the file or the [[release.files]] entry\n")
    assert state(sandbox, repo) == before


def test_a_missing_version_file(sandbox):
    repo = project(sandbox, {}, '[[release.files]]\npath = "VERSION"\n')
    before = state(sandbox, repo)
    r = sandbox.keel("release", cwd=repo)
    assert r.code == 74
    assert r.err.startswith("keel: error: cannot read version file 'VERSION': ")
    assert state(sandbox, repo) == before


def test_bad_entries_are_config_errors(sandbox):
    repo = project(sandbox, {}, '[[release.files]]\npath = "notes.txt"\n')
    r = sandbox.keel("release", "next", cwd=repo)
    assert r.code == 78
    assert r.err == ("keel: error: keel.toml:1:1: invalid 'release.files': no preset for 'notes.txt'; set preset "
                     "(package.json, Cargo.toml, pyproject.toml, meson.build, VERSION) or regex\n")
    (repo / "keel.toml").write_text('[[release.files]]\npath = "x"\npreset = "pom.xml"\n')
    r = sandbox.keel("release", "next", cwd=repo)
    assert r.err == ("keel: error: keel.toml:3:1: invalid 'release.files.preset': unknown preset 'pom.xml'; "
                     "expected package.json, Cargo.toml, pyproject.toml, meson.build or VERSION\n")
