"""lefthook keys in keel's hooks: the job-name template, follow, use_stdin, output/skip_output, rc and scripts."""

import os
import subprocess
import time


def project(sandbox, config):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    (repo / "a.txt").write_text("a\n")
    sandbox.git("add", "a.txt", cwd=repo)
    return repo


def test_the_job_name_templates_give_the_commands_name(sandbox):
    repo = project(sandbox, """\
[hooks.pre-commit.commands.lint]
run = "printf '%s|' {job_name} '{lefthook_job_name}' > ../name"
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "name").read_text() == "lint|lint|"


def test_a_misspelt_job_name_template_is_an_error(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.lint]\nrun = "echo {jobname}"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:2:1: unknown template '{jobname}' in hook command "
                            "'pre-commit.lint'; did you mean '{job_name}'?\n"), r.err


def read_until(stream, wanted, seconds=10):
    """Reads the stream line by line until a line equals `wanted`; returns what it read."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if line == wanted:
            return seen
    raise AssertionError(f"never saw {wanted!r}; read {seen!r}")


def test_follow_prints_a_commands_output_while_it_runs(sandbox):
    # The command prints, then waits (10 s at most) until the test has seen that line: only streamed output
    # gets it through in time.
    repo = project(sandbox, """\
[hooks.pre-commit]
follow = true
[hooks.pre-commit.commands.slow]
run = "echo first; i=0; while [ ! -e ../go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; echo second"
""")
    proc = subprocess.Popen([os.environ["KEEL_BIN"], "hooks", "run", "pre-commit"], cwd=repo, env=sandbox.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert read_until(proc.stdout, "first\n") == ["--- slow\n", "first\n"]
        (sandbox.root / "go").write_text("")
        rest = proc.stdout.read()
        assert proc.wait(timeout=10) == 0
    finally:
        (sandbox.root / "go").write_text("")
        proc.kill()
        proc.wait()
    assert rest.startswith("second\npre-commit:\n  passed  slow ("), rest


def test_without_follow_the_output_comes_whole_at_the_end(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.two]\nrun = "echo one; echo two"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.out.startswith("--- two\none\ntwo\npre-commit:\n  passed  two ("), r.out


def test_use_stdin_gives_the_hooks_input_to_the_command_that_asks(sandbox):
    repo = project(sandbox, """\
[hooks.post-checkout.commands.reads]
run = "cat > ../read"
use_stdin = true
[hooks.post-checkout.commands.other]
run = "cat > ../other"
""")
    r = sandbox.keel("hooks", "run", "post-checkout", cwd=repo, input="line one\nline two\n")
    assert r.code == 0, r
    assert (sandbox.root / "read").read_text() == "line one\nline two\n"
    assert (sandbox.root / "other").read_text() == ""


OUTPUT_PROJECT = """\
[hooks]
{output}
[hooks.pre-commit.commands.good]
run = "echo good output"
priority = 1
[hooks.pre-commit.commands.bad]
run = "echo bad output; exit 3"
priority = 2
[hooks.pre-commit.commands.none]
run = "echo never"
glob = "*.nothing"
priority = 3
"""


def run_with_output(sandbox, output):
    repo = project(sandbox, OUTPUT_PROJECT.format(output=output))
    return sandbox.keel("hooks", "run", "pre-commit", "-j", "1", cwd=repo)


def test_output_false_prints_only_the_failure(sandbox):
    r = run_with_output(sandbox, "output = false")
    assert r.code == 1, r
    assert r.out.startswith("--- bad\nbad output\n  failed  bad ("), r.out
    assert r.out.endswith("): exit 3\n"), r.out
    assert "good" not in r.out and "skipped" not in r.out and "pre-commit:" not in r.out


def test_output_lists_the_parts_to_print(sandbox):
    r = run_with_output(sandbox, 'output = ["summary", "success", "skips"]')
    assert r.code == 1, r
    lines = r.out.splitlines()
    assert lines[0] == "pre-commit:", r.out
    assert lines[1].startswith("  passed  good ("), r.out
    assert lines[2] == "  skipped none: no files match", r.out
    assert len(lines) == 3, r.out


def test_skip_output_leaves_out_parts(sandbox):
    r = run_with_output(sandbox, 'skip_output = ["execution", "skips"]')
    assert r.code == 1, r
    lines = r.out.splitlines()
    assert lines[0] == "pre-commit:", r.out
    assert lines[1].startswith("  passed  good ("), r.out
    assert lines[2].startswith("  failed  bad ("), r.out
    assert len(lines) == 3, r.out


def test_an_unknown_output_part_is_a_config_error(sandbox):
    r = run_with_output(sandbox, 'output = ["summary", "sumary"]')
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.toml:2:1: unknown hooks.output part 'sumary': expected meta, summary, "
                     "empty_summary, success, failure, execution, execution_out, execution_info or skips\n")


def test_rc_exports_environment_to_every_command(sandbox):
    tools = sandbox.root / "my tools"
    tools.mkdir()
    (tools / "greet").write_text("#!/bin/sh\necho hello from greet\n")
    (tools / "greet").chmod(0o755)
    rc = sandbox.home / "rc $(touch PWNED) dir" / "keelrc"
    rc.parent.mkdir()
    rc.write_text(f'export PATH="{tools}:$PATH"\nexport GREETING=hi\necho rc talks\n')
    repo = project(sandbox, f"""\
[hooks]
rc = "~/rc $(touch PWNED) dir/keelrc"
[hooks.pre-commit.commands.uses]
run = "greet > ../got; echo $GREETING >> ../got"
skip = ["run:test -z \\"$GREETING\\""]
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "got").read_text() == "hello from greet\nhi\n"
    assert not (repo / "PWNED").exists() and not (sandbox.home / "PWNED").exists()
    assert "rc talks" not in r.out


def test_a_missing_rc_is_ignored_and_a_broken_one_is_an_error(sandbox):
    repo = project(sandbox, '[hooks]\nrc = "no-such-rc"\n[hooks.pre-commit.commands.ok]\nrun = "true"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    (repo / "no-such-rc").write_text("if then\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert r.err.startswith(f"keel: error: hooks.rc '{repo / 'no-such-rc'}' failed (exit 2): "), r.err


def test_rc_takes_plain_assignments_and_ignores_its_last_status_as_lefthook_does(sandbox):
    config = """\
[hooks]
rc = "rc.sh"
[hooks.pre-commit.commands.show]
run = 'printf "%s|%s" "$PLAIN" "$PWD" > ../../got'
root = "sub"
"""
    repo = project(sandbox, config)
    (repo / "sub").mkdir()
    (repo / "sub" / "x.txt").write_text("x\n")
    sandbox.git("add", "sub/x.txt", cwd=repo)
    (repo / "rc.sh").write_text("PLAIN=set-by-rc\n[ -s /no/such/file ] && . /no/such/file\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "got").read_text() == f"set-by-rc|{repo / 'sub'}"  # the shell's own PWD is not forced


def write_script(repo, path, text, mode=0o644):
    p = repo / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    p.chmod(mode)


RECORD_ARGS = "printf '%s|' \"$0\" \"$@\" > ../args\n"


def test_scripts_run_with_their_runner_and_the_hooks_arguments(sandbox):
    repo = project(sandbox, '[hooks.commit-msg.scripts."check msg.sh"]\nrunner = "sh"\n')
    write_script(repo, ".keel/hooks/commit-msg/check msg.sh", RECORD_ARGS)
    r = sandbox.keel("hooks", "run", "commit-msg", ".git/COMMIT_EDITMSG", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "args").read_text() == f"{repo}/.keel/hooks/commit-msg/check msg.sh|.git/COMMIT_EDITMSG|"
    assert "passed  check msg.sh (" in r.out


def test_a_script_without_runner_runs_as_a_program_from_source_dir(sandbox):
    repo = project(sandbox, '[hooks]\nsource_dir = ".lefthook/"\n'
                            '[hooks.pre-push.commands.check]\nscript = "check.sh"\n')
    write_script(repo, ".lefthook/pre-push/check.sh", "#!/bin/sh\n" + RECORD_ARGS, 0o755)
    r = sandbox.keel("hooks", "run", "pre-push", "origin", "u r l", cwd=repo, input="")
    assert r.code == 0, r
    assert (sandbox.root / "args").read_text() == f"{repo}/.lefthook/pre-push/check.sh|origin|u r l|"


def test_a_script_outside_source_dir_or_with_run_is_a_config_error(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.x]\nscript = "../../evil.sh"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.toml:2:1: script '../../evil.sh' of hook command 'pre-commit.x' must be a "
                     "file name below '.keel/hooks/pre-commit'\n")
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.x]\nscript = "a.sh"\nrun = "true"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:2:1: hook command 'pre-commit.x' has both 'run' and 'script'\n")


def yaml_project(sandbox, text):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text(text)
    for path in ("a.js", "b.md", "web/c.js", "web/d.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("x\n")
    sandbox.git("add", "a.js", "b.md", "web", cwd=repo)
    return repo


def test_jobs_run_in_order_and_a_piped_group_stops_at_its_first_failure(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    parallel: false
    jobs:
      - name: first
        run: echo first >> ../trace
      - name: build
        group:
          piped: true
          jobs:
            - run: echo install >> ../trace
            - name: migrate
              run: echo migrate >> ../trace; exit 4
            - name: seed
              run: echo seed >> ../trace
      - name: last
        run: echo last >> ../trace
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert (sandbox.root / "trace").read_text() == "first\ninstall\nmigrate\nlast\n"
    summary = [line.split(" (")[0].split(":")[0] for line in r.out.split("pre-commit:\n")[1].splitlines()]
    assert summary == ["  passed  first", "  passed  echo install >> ../trace", "  failed  migrate", "  skipped seed",
                       "  passed  last"], r.out
    assert "  skipped seed: an earlier job of group 'build' failed (piped)\n" in r.out, r.out


def test_a_parallel_group_runs_its_jobs_at_once(sandbox):
    # Each job waits for the other's flag: run one after the other, the first would wait in vain.
    wait_for = "i=0; while [ ! -e ../{flag} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; test -e ../{flag}"
    repo = yaml_project(sandbox, f"""\
hooks:
  pre-commit:
    parallel: false
    jobs:
      - group:
          parallel: true
          jobs:
            - name: left
              run: touch ../left.flag; {wait_for.format(flag="right.flag")}
            - name: right
              run: touch ../right.flag; {wait_for.format(flag="left.flag")}
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "passed  left (" in r.out and "passed  right (" in r.out


def test_a_group_hands_root_glob_and_env_to_its_jobs_and_can_be_skipped(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    jobs:
      - name: web
        root: web/
        glob: "*.js"
        env: {WHO: group}
        group:
          jobs:
            - name: files
              run: printf '%s|' "$WHO" {staged_files} > ../../files
            - name: own-env
              env: {WHO: job}
              run: printf '%s' "$WHO" > ../../who
      - name: never
        skip: [ref: main]
        group:
          jobs:
            - run: touch ../never
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "files").read_text() == "group|c.js|"
    assert (sandbox.root / "who").read_text() == "job"
    assert not (sandbox.root / "never").exists()
    assert "  skipped touch ../never: group 'never': skip: ref:main\n" in r.out, r.out


def test_an_unknown_key_in_a_job_is_an_error_with_its_place(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    jobs:
      - name: x
        runn: echo x
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.yaml:5:9: unknown key 'runn' in job 1 of hook 'pre-commit'; "
                     "did you mean 'run'?\n")


def test_exclude_regex_and_a_hooks_own_exclude_leave_files_out(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    exclude: ["*.md"]
    commands:
      regex:
        exclude_regex: '^web/.*\\.js$'
        run: printf '%s|' {staged_files} > ../regex
    jobs:
      - name: job
        run: printf '%s|' {staged_files} > ../job
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "regex").read_text() == "a.js|"
    assert (sandbox.root / "job").read_text() == "a.js|web/c.js|"


def test_a_broken_exclude_regex_is_a_config_error(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.x]\nrun = "true"\nexclude_regex = "a(b"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:3:1: exclude_regex 'a(b' of hook command 'pre-commit.x' is not a "
                            "regular expression: "), r.err



def test_follow_with_output_false_still_shows_a_failures_output(sandbox):
    repo = project(sandbox, '[hooks]\noutput = false\n[hooks.pre-commit]\nfollow = true\n'
                            '[hooks.pre-commit.commands.bad]\nrun = "echo why it failed; exit 3"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert r.out.startswith("--- bad\nwhy it failed\n  failed  bad ("), r.out


def test_a_groups_root_is_checked_and_normalised(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    jobs:
      - root: ./web/
        group:
          jobs:
            - name: files
              run: printf '%s|' {staged_files} > ../../files
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "files").read_text() == "c.js|d.md|"
    (repo / "keel.yaml").write_text((repo / "keel.yaml").read_text().replace("./web/", "../elsewhere"))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.yaml:4:9: root '../elsewhere' must be a directory inside the repository\n"


def test_job_values_of_the_wrong_type_and_repeated_names_are_errors(sandbox):
    repo = yaml_project(sandbox, """\
hooks:
  pre-commit:
    jobs:
      - name: x
        run: "true"
        env: {A: 1}
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.yaml:6:9: 'env' of job 1 of hook 'pre-commit' must be a table of strings, "
                     "found a table\n")
    (repo / "keel.yaml").write_text("""\
hooks:
  pre-commit:
    commands:
      lint:
        run: "true"
    jobs:
      - name: lint
        run: "false"
""")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.yaml:7:9: job 1 of hook 'pre-commit' is named 'lint' like another command of "
                     "the hook\nhint: give it a name of its own: --command and KEEL_SKIP choose commands by name\n")
