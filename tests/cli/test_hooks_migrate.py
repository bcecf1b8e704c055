"""keel hooks migrate: a lefthook.yml becomes keel.toml [hooks] that does what lefthook did, judged by running both."""

import subprocess

from conftest import tool_path

# Every command appends a line "NAME ARG" per argument to ../trace; the hook runs them one after another, so
# the trace also shows the order. Files: a.js, b.md, src/c.js, src/d.txt.
LEFTHOOK_YML = r"""
min_version: 1.0.0
colors: false
templates:
  say: printf
pre-commit:
  piped: true
  exclude_tags: [slow]
  commands:
    zz-last:
      run: '{say} "zz-last %s\n" {staged_files} >> ../trace'
    b-second:
      priority: 2
      glob: "*.js"
      run: '{say} "b-second %s\n" {staged_files} >> ../trace'
    a-first:
      priority: 1
      root: src/
      run: '{say} "a-first %s\n" {staged_files} >> ../../trace'
    env-user:
      env:
        GREETING: hello there
      run: '{say} "env-user %s\n" "$GREETING" >> ../trace'
    skipped-on-main:
      skip:
        - ref: main
      run: '{say} "skipped-on-main\n" >> ../trace'
    only-by-run:
      only:
        - run: test -f b.md
      run: '{say} "only-by-run %s\n" {lefthook_job_name} >> ../trace'
    tagged-slow:
      tags: slow
      run: '{say} "tagged-slow\n" >> ../trace'
    excluded:
      glob: "*.{js,md}"
      exclude:
        - "src/*"
      run: '{say} "excluded %s\n" {staged_files} >> ../trace'
  scripts:
    "record.sh":
      runner: sh
"""

RECORD_SH = "printf 'record.sh: %s\\n' \"$*\" >> ../trace\n"


def staged_repo(sandbox, name):
    repo = sandbox.repo(name)
    for path, text in {"a.js": "a\n", "b.md": "b\n", "src/c.js": "c\n", "src/d.txt": "d\n"}.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    (repo / ".lefthook/pre-commit").mkdir(parents=True)
    (repo / ".lefthook/pre-commit/record.sh").write_text(RECORD_SH)
    (repo / "lefthook.yml").write_text(LEFTHOOK_YML)
    sandbox.git("add", "a.js", "b.md", "src", cwd=repo)
    return repo


def trace(repo):
    # lefthook writes ./ before the names it gives a command with a root; keel gives them without.
    return [line.replace(" ./", " ") for line in (repo.parent / "trace").read_text().splitlines()]


def test_a_migrated_config_runs_what_lefthook_ran_in_the_same_order(sandbox):
    lefthook_repo = staged_repo(sandbox, "lefthook/repo")
    proc = subprocess.run([str(tool_path("lefthook")), "run", "pre-commit"], cwd=lefthook_repo, env=sandbox.env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected = trace(lefthook_repo)
    assert expected == ["a-first c.js", "a-first d.txt", "b-second a.js", "b-second src/c.js", "env-user hello there",
                        "excluded a.js", "excluded b.md", "only-by-run only-by-run", "zz-last a.js", "zz-last b.md",
                        "zz-last src/c.js", "zz-last src/d.txt", "record.sh: "]

    repo = staged_repo(sandbox, "keel/repo")
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 0, r
    assert r.out == ("wrote 1 hook with 9 commands from 'lefthook.yml' to 'keel.toml'\n"
                     "next: 'lefthook uninstall', then 'keel hooks install'\n")
    assert r.err == ("keel: warning: lefthook.yml:2:1: 'min_version' is not carried over: it names a lefthook "
                     "version (hooks.min_version names keel's)\n"
                     "keel: warning: lefthook.yml:3:1: 'colors' is not carried over: keel colours its output by "
                     "NO_COLOR, CLICOLOR_FORCE and the terminal\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert trace(repo) == expected


def test_what_keel_cannot_carry_is_named_with_its_line(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text("""\
remotes:
  - git_url: https://example.invalid/x
rc: '"$HOME/.lefthookrc"'
pre-push:
  jobs:
    - name: grouped
      group:
        jobs:
          - run: echo 1
    - run: echo {cmd}
      timeout: 10s
      file_types: [text, "not executable"]
""")
    r = sandbox.keel("hooks", "migrate", "--output", "-", cwd=repo)
    assert r.code == 0, r
    assert r.err == (
        "keel: warning: lefthook.yml:3:1: 'rc' is shell text in lefthook ('\"$HOME/.lefthookrc\"'); keel takes a "
        "path: set hooks.rc by hand\n"
        "keel: warning: lefthook.yml:10:7: the {cmd} template in 'pre-push.[2].run' has no equal in keel\n"
        "keel: warning: lefthook.yml:11:7: 'pre-push.[2].timeout' is not carried over: keel does not know it\n"
        "keel: warning: lefthook.yml:12:7: file type 'not executable' of 'pre-push.[2].file_types' has no equal "
        "in keel's types; left out\n")
    assert r.out == """\
[hooks]
glob_style = "lefthook"

[[hooks.remotes]]
git_url = "https://example.invalid/x"
configs = ["lefthook.yml"]

[hooks.pre-push]
parallel = false

[[hooks.pre-push.jobs]]
name = "grouped"

[hooks.pre-push.jobs.group]

[[hooks.pre-push.jobs.group.jobs]]
run = "echo 1"

[[hooks.pre-push.jobs]]
run = "echo {cmd}"
types = ["text"]
"""
    assert not (repo / "keel.toml").exists()


def test_keel_toml_with_hooks_is_left_alone_and_one_without_gets_them_appended(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text("pre-commit:\n  commands:\n    lint:\n      run: echo lint\n")
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.mine]\nrun = "true"\n')
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 2, r
    assert r.err == (f"keel: error: '{repo / 'keel.toml'}' already has hooks\n"
                     "hint: write the migration elsewhere with --output FILE, or print it with --output -\n")
    assert (repo / "keel.toml").read_text() == '[hooks.pre-commit.commands.mine]\nrun = "true"\n'

    (repo / "keel.toml").write_text('[process]\ngrace_period = 3')  # no newline at the end
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 0, r
    assert (repo / "keel.toml").read_text() == """\
[process]
grace_period = 3

[hooks]
glob_style = "lefthook"

[hooks.pre-commit]
parallel = false

[hooks.pre-commit.commands.lint]
run = "echo lint"
priority = 1
"""


def test_a_broken_lefthook_file_is_an_error_with_its_position(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text("pre-commit:\n  commands: [\n")
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: lefthook.yml:"), r.err
    assert not (repo / "keel.toml").exists()
    (repo / "lefthook.yml").unlink()
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 2, r
    assert r.err == (f"keel: error: no lefthook configuration in '{repo}'\n"
                     "hint: name the file: keel hooks migrate path/to/lefthook.yml\n")


JOBS_YML = r"""
pre-commit:
  jobs:
    - name: first
      run: echo first >> ../trace
    - name: web
      root: src/
      glob: "*.js"
      env:
        WHO: group
      group:
        piped: true
        jobs:
          - name: lint
            run: printf 'lint %s %s\n' "$WHO" {staged_files} >> ../../trace
          - name: breaks
            run: echo breaks >> ../../trace; exit 2
          - name: after
            run: echo after >> ../../trace
    - name: last
      run: echo last >> ../trace
"""


def test_migrated_jobs_and_groups_run_as_lefthook_ran_them(sandbox):
    lefthook_repo = staged_repo(sandbox, "lefthook/repo")
    (lefthook_repo / "lefthook.yml").write_text(JOBS_YML)
    proc = subprocess.run([str(tool_path("lefthook")), "run", "pre-commit"], cwd=lefthook_repo, env=sandbox.env,
                          capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    expected = trace(lefthook_repo)
    assert expected == ["first", "lint group c.js", "breaks", "last"]

    repo = staged_repo(sandbox, "keel/repo")
    (repo / "lefthook.yml").write_text(JOBS_YML)
    r = sandbox.keel("hooks", "migrate", cwd=repo)
    assert r.code == 0 and r.err == "", r
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert trace(repo) == expected


def test_a_lefthook_1_regex_exclude_becomes_exclude_regex(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text('pre-commit:\n  exclude: ["*.md"]\n  commands:\n    lint:\n'
                                       '      exclude: "^vendor/.*\\\\.js$"\n      run: echo {staged_files}\n')
    r = sandbox.keel("hooks", "migrate", "-o", "-", cwd=repo)
    assert r.code == 0, r
    assert r.err == ("keel: warning: lefthook.yml:5:7: 'pre-commit.lint.exclude' is taken for a lefthook 1 regular "
                     "expression (exclude_regex); lefthook 2 would read it as a glob\n")
    assert 'exclude = ["*.md"]\n' in r.out
    assert 'exclude_regex = ["^vendor/.*\\\\.js$"]\n' in r.out


def test_a_lefthook_local_file_is_named_as_not_migrated(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text("pre-commit:\n  commands:\n    lint:\n      run: echo lint\n")
    (repo / "lefthook-local.yml").write_text("pre-commit:\n  commands:\n    lint:\n      skip: true\n")
    r = sandbox.keel("hooks", "migrate", "-o", "-", cwd=repo)
    assert r.code == 0, r
    assert r.err == ("keel: warning: 'lefthook-local.yml' is not migrated: it holds one person's overrides, which go "
                     "into keel.local.toml by hand\n")



def test_migrate_never_writes_toml_into_a_yaml_file(sandbox):
    repo = sandbox.repo()
    (repo / "lefthook.yml").write_text("pre-commit:\n  commands:\n    lint:\n      run: echo lint\n")
    r = sandbox.keel("hooks", "migrate", "-o", "keel.yaml", cwd=repo)
    assert r.code == 2, r
    assert r.err == (f"keel: error: cannot write TOML tables into '{repo / 'keel.yaml'}'\n"
                     "hint: use --output FILE with a .toml name\n")
    assert not (repo / "keel.yaml").exists()
