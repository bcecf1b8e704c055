"""keel run: the task graph, its control keys, templates, output modes and reports, on real processes."""

import json
import subprocess
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def project(sandbox, config):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    return repo


def stamps(repo, name):
    """(start, end) that a task wrote with `date +%s%N`."""
    start, end = (repo / f"{name}.t").read_text().split()
    return int(start), int(end)


STAMPED = 'run = "date +%s%N > {n}.t; sleep 0.4; date +%s%N >> {n}.t"\n'


def stamped(name, extra=""):
    return f"[tasks.{name}]\n" + STAMPED.format(n=name) + extra


# A task that ends only once the other has started (or after 10 s): two of
# them overlap when, and only when, they run at once, however loaded the
# machine is.
PAIRED = ('run = "date +%s%N > {n}.t; touch {n}.on; i=0; '
          'while [ ! -e {o}.on ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done; date +%s%N >> {n}.t"\n')


def test_deps_run_first_and_independent_tasks_run_at_once(sandbox):
    paired = "".join(f"[tasks.{n}]\n" + PAIRED.format(n=n, o=o) for n, o in (("a", "b"), ("b", "a")))
    repo = project(sandbox, paired + stamped("c", 'deps = ["a", "b"]\n'))
    r = sandbox.keel("run", "-j", "2", "c", cwd=repo)
    assert r.code == 0, r
    a, b, c = stamps(repo, "a"), stamps(repo, "b"), stamps(repo, "c")
    assert a[0] < b[1] and b[0] < a[1], "a and b overlap"
    assert c[0] >= max(a[1], b[1]), "c starts after both deps ended"
    assert "  passed     a (" in r.err and "  passed     c (" in r.err
    assert r.err.splitlines()[-1].startswith("keel run: 3 passed in ")


def test_one_job_at_a_time_with_j1(sandbox):
    repo = project(sandbox, stamped("a") + stamped("b") + stamped("c", 'deps = ["a", "b"]\n'))
    r = sandbox.keel("run", "-j", "1", "c", cwd=repo)
    assert r.code == 0, r
    a, b = stamps(repo, "a"), stamps(repo, "b")
    assert a[1] <= b[0], "a ends before b starts"


def test_each_task_runs_once_in_a_diamond(sandbox):
    config = """
[tasks.base]
run = "echo x >> count"
[tasks.left]
deps = ["base"]
run = "true"
[tasks.right]
deps = ["base"]
run = "true"
[tasks.top]
deps = ["left", "right"]
run = "true"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "top", "base", cwd=repo)
    assert r.code == 0, r
    assert (repo / "count").read_text() == "x\n"


def test_a_list_of_commands_stops_at_the_first_failure(sandbox):
    repo = project(sandbox, '[tasks.t]\nrun = ["echo one > f1", "exit 4", "echo three > f3"]\n')
    r = sandbox.keel("run", "t", cwd=repo)
    assert r.code == 1, r
    assert (repo / "f1").exists() and not (repo / "f3").exists()
    assert "  failed     t (exit 4, " in r.err
    assert r.err.splitlines()[-1].startswith("keel run: 1 failed in ")


def test_after_a_failure_nothing_new_starts_and_running_tasks_finish(sandbox):
    # bad fails only once slow runs: else, on a loaded machine, bad could fail
    # before slow started, and then rightly nothing new would start.
    config = """
[tasks.bad]
run = "while [ ! -e slow.started ]; do sleep 0.01; done; exit 1"
[tasks.slow]
run = "touch slow.started; sleep 0.5; echo done > slow.out"
[tasks.later]
deps = ["slow"]
run = "echo ran > later.out"
[tasks.all]
deps = ["bad", "later"]
run = "true"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "2", "all", cwd=repo)
    assert r.code == 1, r
    assert (repo / "slow.out").exists()
    assert not (repo / "later.out").exists()
    assert "  not run    later (not started: task 'bad' failed)" in r.err


def test_keep_going_runs_what_does_not_depend_on_the_failure(sandbox):
    config = """
[tasks.bad]
run = "exit 1"
[tasks.slow]
run = "sleep 0.3"
[tasks.later]
deps = ["slow"]
run = "echo ran > later.out"
[tasks.after_bad]
deps = ["bad"]
run = "echo ran > after_bad.out"
[tasks.all]
deps = ["bad", "later", "after_bad"]
run = "true"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "2", "--keep-going", "all", cwd=repo)
    assert r.code == 1, r
    assert (repo / "later.out").exists()
    assert not (repo / "after_bad.out").exists()
    assert "  not run    after_bad (dependency 'bad' failed)" in r.err
    assert "  not run    all (dependency 'after_bad' failed)" in r.err


def test_args_and_vars_reach_the_shell_as_data(sandbox):
    config = """
[tasks.show]
run = "printf '<%s>\\\\n' {args} '{vars.who}' \\"{vars.who}\\""
vars = { who = "world" }
"""
    repo = project(sandbox, config)
    evil = "$(touch pwned)"
    r = sandbox.keel("run", "show", f"who={evil}'\"", "--", "a b", "it's", evil, "-x", cwd=repo)
    assert r.code == 0, r
    assert r.out == f"<a b>\n<it's>\n<{evil}>\n<-x>\n<{evil}'\">\n<{evil}'\">\n"
    assert not (repo / "pwned").exists()


def test_a_var_keeps_its_default_and_args_go_to_the_named_task_only(sandbox):
    config = """
[tasks.dep]
run = "echo dep:{args}:"
[tasks.show]
deps = ["dep"]
run = "echo {vars.who} {args}"
vars = { who = "world" }
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "1", "show", "--", "x", cwd=repo)
    assert r.code == 0, r
    assert r.out == "dep::\nworld x\n"


def test_an_undeclared_variable_is_a_usage_error(sandbox):
    repo = project(sandbox, '[tasks.show]\nrun = "echo {vars.who}"\nvars = { who = "world" }\n')
    r = sandbox.keel("run", "show", "whom=x", cwd=repo)
    assert r.code == 2, r
    assert r.err == "keel: error: no task that runs declares the variable 'whom'\nhint: did you mean 'who'?\n"


def test_an_unknown_template_is_a_config_error_with_its_place(sandbox):
    repo = project(sandbox, '[tasks.show]\nrun = "echo {vars.whom}"\nvars = { who = "world" }\n')
    r = sandbox.keel("run", "show", cwd=repo)
    assert r.code == 78, r
    assert r.err == (
        "keel: error: keel.toml:1:8: unknown template '{vars.whom}' in 'run' of task 'show'\n"
        "hint: did you mean '{vars.who}'?\n"
    )


def test_matrix_with_include_and_exclude_names_each_job(sandbox):
    config = """
[tasks.build]
run = "echo {matrix.os}-{matrix.arch} > out-$OS-{matrix.arch}"
env = { OS = "{matrix.os}" }
matrix = { os = ["linux", "mac"], arch = ["x86", "arm"] }
matrix_exclude = [{ os = "mac", arch = "x86" }]
matrix_include = [{ os = "linux", arch = "x86", extra = "yes" }, { os = "bsd", arch = "riscv" }]
[tasks.ship]
deps = ["build"]
run = "ls out-* | sort > shipped"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "2", "ship", cwd=repo)
    assert r.code == 0, r
    for job in ["build[os=linux,arch=x86,extra=yes]", "build[os=linux,arch=arm]", "build[os=mac,arch=arm]",
                "build[os=bsd,arch=riscv]"]:
        assert f"  passed     {job} (" in r.err
    assert "os=mac,arch=x86" not in r.err
    assert (repo / "shipped").read_text() == "out-bsd-riscv\nout-linux-arm\nout-linux-x86\nout-mac-arm\n"
    assert (repo / "out-mac-arm").read_text() == "mac-arm\n"


def test_an_empty_matrix_list_is_a_config_error(sandbox):
    repo = project(sandbox, '[tasks.b]\nrun = "true"\nmatrix = { os = [] }\n')
    r = sandbox.keel("run", "b", cwd=repo)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.toml:3:12: matrix key 'os' of task 'b' is an empty list\n" \
        "hint: give it one value at least, or remove it\n"


def test_timeout_stops_the_task_and_says_so(sandbox):
    repo = project(sandbox, '[tasks.t]\nrun = "sleep 30"\ntimeout = "300ms"\n')
    r = sandbox.keel("run", "t", cwd=repo, timeout=20)
    assert r.code == 1, r
    assert "  timed out  t (timeout 300ms, 0." in r.err


def test_a_bad_duration_is_a_config_error(sandbox):
    repo = project(sandbox, '[tasks.t]\nrun = "true"\ntimeout = "10 minutes"\n')
    r = sandbox.keel("run", "t", cwd=repo)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.toml:3:1: timeout of task 't': invalid duration '10 minutes': " \
        "expected a unit (ms, s, m, h, d) after 10\n"


def test_retries_run_the_task_again_after_a_growing_delay(sandbox):
    config = '[tasks.flaky]\nrun = "echo x >> tries; test $(wc -l < tries) -ge 3"\nretries = 3\nretry_delay = "100ms"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "flaky", cwd=repo)
    assert r.code == 0, r
    assert (repo / "tries").read_text() == "x\nx\nx\n"
    assert "keel: flaky exit 1, retrying in 100ms (attempt 2 of 4)\n" in r.err
    assert "keel: flaky exit 1, retrying in 200ms (attempt 3 of 4)\n" in r.err
    assert "  passed     flaky (0." in r.err and ", 3 attempts)" in r.err


def test_continue_on_error_reports_the_failure_and_goes_on(sandbox):
    config = '[tasks.lint]\nrun = "exit 2"\ncontinue_on_error = true\n[tasks.all]\ndeps = ["lint"]\nrun = "echo ok"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "all", cwd=repo)
    assert r.code == 0, r
    assert "  failed (allowed) lint (exit 2, " in r.err
    assert r.out == "ok\n"


def test_if_skips_the_task_and_says_why_and_dependents_still_run(sandbox):
    config = """
[tasks.deploy]
run = "echo deployed"
if = ["env:DEPLOY", "file:enable.flag", "branch:release/*"]
[tasks.all]
deps = ["deploy"]
run = "echo all"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "all", cwd=repo)
    assert r.code == 0, r
    assert "  skipped    deploy (if: env:DEPLOY)" in r.err
    assert r.out == "all\n"
    (repo / "enable.flag").write_text("")
    r = sandbox.keel("run", "all", cwd=repo, env={"DEPLOY": "1"})
    assert "  skipped    deploy (if: branch:release/*)" in r.err
    sandbox.git("checkout", "-q", "-b", "release/1.x", cwd=repo)
    r = sandbox.keel("run", "all", cwd=repo, env={"DEPLOY": "1"})
    assert r.code == 0, r
    assert r.out == "deployed\nall\n"


def test_finally_runs_after_a_failure_with_the_run_status(sandbox):
    config = """
[tasks.test]
run = "exit 1"
finally = ["report"]
[tasks.report]
run = "echo $KEEL_RUN_STATUS > status"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("run", "test", cwd=repo)
    assert r.code == 1, r
    assert (repo / "status").read_text() == "failure\n"
    r = sandbox.keel("run", "report", cwd=repo)
    assert (repo / "status").read_text() == "\n"
    (repo / "keel.toml").write_text(config.replace("exit 1", "true"))
    r = sandbox.keel("run", "test", cwd=repo)
    assert r.code == 0, r
    assert (repo / "status").read_text() == "success\n"


def test_a_cycle_prints_its_path(sandbox):
    repo = project(sandbox, '[tasks.a]\nrun = "true"\ndeps = ["b"]\n[tasks.b]\nrun = "true"\ndeps = ["a"]\n')
    r = sandbox.keel("run", "a", cwd=repo)
    assert r.code == 78, r
    assert r.err == "keel: error: keel.toml:1:8: dependency cycle: a -> b -> a\n"


def test_an_unknown_task_gets_did_you_mean(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = "true"\n')
    r = sandbox.keel("run", "biuld", cwd=repo)
    assert r.code == 2, r
    assert r.err == "keel: error: unknown task 'biuld'\nhint: did you mean 'build'?\n"


def test_a_missing_dependency_names_both_tasks(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = "true"\n[tasks.test]\nrun = "true"\ndeps = ["biuld"]\n')
    r = sandbox.keel("run", "build", cwd=repo)
    assert r.code == 78, r
    assert r.err == (
        "keel: error: keel.toml:3:8: task 'test' depends on 'biuld', which does not exist\n"
        "hint: did you mean 'build'?\n"
    )


def test_run_that_is_neither_string_nor_list_is_a_config_error(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = 3\n')
    r = sandbox.keel("run", "build", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:2:1: wrong type for 'tasks.build.run': "
                            "expected a string or an array of strings, found an integer (3)\n")


def test_an_unknown_task_key_gets_did_you_mean(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = "true"\ndepz = ["x"]\n')
    r = sandbox.keel("run", "build", cwd=repo)
    assert r.code == 78, r
    assert "depz" in r.err and "did you mean 'tasks.build.deps'?" in r.err


def test_output_is_prefixed_when_tasks_run_at_once_and_plain_in_a_chain(sandbox):
    config = '[tasks.a]\nrun = "echo from-a"\n[tasks.b]\nrun = "echo from-b; echo err-b >&2"\n[tasks.c]\ndeps = ["a"]\nrun = "echo from-c"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "2", "a", "b", cwd=repo)
    assert r.code == 0, r
    assert sorted(r.out.splitlines()) == ["[a] from-a", "[b] from-b"]
    assert "[b] err-b\n" in r.err
    r = sandbox.keel("run", "-j", "2", "c", cwd=repo)
    assert r.out == "from-a\nfrom-c\n"


def test_grouped_output_prints_each_task_whole(sandbox):
    # a ends after b whatever the machine's load: it waits (10 s at most)
    # for b's last command, then a while for b to exit.
    config = (
        '[tasks.a]\nrun = "echo a1; i=0; until [ -e b.done ] || [ $i -ge 500 ]; do sleep 0.02; i=$((i+1)); done; '
        'sleep 0.3; echo a2"\n'
        '[tasks.b]\nrun = "echo b1; echo b2 >&2; : > b.done"\n'
    )
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "2", "--output", "grouped", "a", "b", cwd=repo)
    assert r.code == 0, r
    assert r.out == "--- b\nb1\nb2\n--- a\na1\na2\n"


def test_github_actions_groups_and_error_annotations(sandbox):
    config = '[tasks.ok]\nrun = "echo fine"\n[tasks.bad]\nrun = "echo broken; exit 3"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-j", "1", "-k", "ok", "bad", cwd=repo, env={"GITHUB_ACTIONS": "true"})
    assert r.code == 1, r
    assert r.out == (
        "::group::ok\nfine\n::endgroup::\n"
        "::group::bad\nbroken\n::endgroup::\n::error title=keel run::task bad exit 3\n"
    )


def test_gitlab_ci_collapsible_sections(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = "echo built"\nmatrix = { os = ["linux"] }\n')
    r = sandbox.keel("run", "build", cwd=repo, env={"GITLAB_CI": "true"})
    assert r.code == 0, r
    # Text mode reads each \r as a line end.
    lines = r.out.split("\n")
    assert lines[0].startswith("\x1b[0Ksection_start:")
    assert lines[0].endswith(":keel_0_build_os_linux_[collapsed=true]")
    assert lines[1:3] == ["\x1b[0Kbuild[os=linux]", "built"]
    assert lines[3].startswith("\x1b[0Ksection_end:") and lines[3].endswith(":keel_0_build_os_linux_")
    assert lines[4:] == ["\x1b[0K", ""]


def test_junit_report_passes_the_schema(sandbox):
    config = """
[tasks.ok]
run = "echo fine"
[tasks.bad]
run = "printf 'bad <&> \\\\001 bytes\\\\n'; echo to-stderr >&2; exit 3"
[tasks.off]
run = "true"
if = ["env:NEVER_SET"]
"""
    repo = project(sandbox, config)
    report = sandbox.root / "reports" / "junit.xml"
    report.parent.mkdir()
    r = sandbox.keel("run", "-j", "1", "-k", "ok", "bad", "off", "--report", report, cwd=repo)
    assert r.code == 1, r
    check = subprocess.run(["xmllint", "--noout", "--schema", str(DATA / "junit.xsd"), str(report)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    xml = report.read_text()
    assert '<testsuites name="keel run" tests="3" failures="1" errors="0" skipped="1"' in xml
    assert '<failure message="exit 3" type="failed"/>' in xml
    assert "<system-out>bad &lt;&amp;&gt; \ufffd bytes\n</system-out>" in xml
    assert "<system-err>to-stderr\n</system-err>" in xml
    assert '<skipped message="if: env:NEVER_SET"/>' in xml


def test_list_text_and_json(sandbox):
    config = '[tasks.build]\nrun = "true"\ndesc = "Build it"\n[tasks."test:unit"]\nrun = "true"\ndesc = "Unit tests"\n' \
             '[tasks."test:cli"]\nrun = "true"\ndeps = ["build"]\nmatrix = { py = ["3.11"] }\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "--list", cwd=repo)
    assert r.code == 0, r
    assert r.out == "  build      Build it\n\ntest:\n  test:unit  Unit tests\n  test:cli\n"
    r = sandbox.keel("run", "--list", "--json", cwd=repo)
    data = json.loads(r.out)
    assert [t["name"] for t in data] == ["build", "test:unit", "test:cli"]
    assert data[2]["deps"] == ["build"] and data[2]["jobs"] == ["test:cli[py=3.11]"]


def test_no_task_and_no_default_lists_the_tasks(sandbox):
    repo = project(sandbox, '[tasks.build]\nrun = "echo built"\ndesc = "Build it"\n')
    r = sandbox.keel("run", cwd=repo)
    assert r.code == 0, r
    assert r.out == "  build  Build it\n"
    (repo / "keel.toml").write_text('[run]\ndefault = ["build"]\n[tasks.build]\nrun = "echo built"\n')
    r = sandbox.keel("run", cwd=repo)
    assert r.code == 0 and r.out == "built\n", r


def test_graph_as_dot_and_json(sandbox):
    repo = project(sandbox, '[tasks.a]\nrun = "true"\n[tasks.b]\nrun = "true"\ndeps = ["a"]\n')
    r = sandbox.keel("run", "--graph", cwd=repo)
    assert r.code == 0, r
    assert r.out == 'digraph keel {\n  rankdir=LR;\n  "a";\n  "b";\n  "a" -> "b";\n}\n'
    r = sandbox.keel("run", "--graph", "--format", "json", "b", cwd=repo)
    assert json.loads(r.out) == {"jobs": [{"name": "a", "deps": []}, {"name": "b", "deps": ["a"]}]}


def test_dry_run_shows_the_commands_and_runs_nothing(sandbox):
    config = '[tasks.a]\nrun = "touch a.out"\n[tasks.b]\ndeps = ["a"]\ndir = "sub"\nrun = "echo {args} > b.out"\n' \
             '[tasks.c]\nrun = "true"\nif = ["env:NOPE"]\n'
    repo = project(sandbox, config)
    r = sandbox.keel("run", "-n", "b", "c", "--", "it's", cwd=repo)
    assert r.code == 0, r
    assert r.out == "a\n  $ touch a.out\nb\n  in sub\n  $ echo 'it'\\''s' > b.out\nc (skipped, if: env:NOPE)\n  $ true\n"
    assert not (repo / "a.out").exists()


def test_only_runs_the_named_tasks_without_deps(sandbox):
    repo = project(sandbox, '[tasks.a]\nrun = "touch a.out"\n[tasks.b]\ndeps = ["a"]\nrun = "touch b.out"\n')
    r = sandbox.keel("run", "--only", "b", cwd=repo)
    assert r.code == 0, r
    assert (repo / "b.out").exists() and not (repo / "a.out").exists()


def test_dir_env_and_env_file(sandbox):
    config = '[tasks.t]\ndir = "sub"\nenv_file = "vars.env"\nenv = { B = "from-env" }\nrun = "echo $A/$B/$C/$(pwd | xargs basename) > out"\n'
    repo = project(sandbox, config)
    (repo / "sub").mkdir()
    (repo / "sub" / "vars.env").write_text('# comment\nexport A="quoted # kept"\nB=overridden\nC=plain # comment\n')
    r = sandbox.keel("run", "t", cwd=repo)
    assert r.code == 0, r
    assert (repo / "sub" / "out").read_text() == "quoted # kept/from-env/plain/sub\n"


def test_a_bad_env_file_names_the_file_and_line(sandbox):
    repo = project(sandbox, '[tasks.t]\nenv_file = "vars.env"\nrun = "true"\n')
    (repo / "vars.env").write_text('A=1\nB="unterminated\n')
    r = sandbox.keel("run", "t", cwd=repo)
    assert r.code == 1, r
    assert "keel: error: vars.env:2:3: unterminated double-quoted value\n" in r.err
    assert "  failed     t (vars.env:2:3: unterminated double-quoted value, " in r.err


def test_interactive_tasks_run_alone(sandbox):
    repo = project(sandbox, stamped("a", "interactive = true\n") + stamped("b") + stamped("c"))
    r = sandbox.keel("run", "-j", "3", "a", "b", "c", cwd=repo)
    assert r.code == 0, r
    a, b, c = stamps(repo, "a"), stamps(repo, "b"), stamps(repo, "c")
    for other in (b, c):
        assert a[1] <= other[0] or other[1] <= a[0], "the interactive task overlaps no other"
    assert b[0] < c[1] and c[0] < b[1], "the others still run together"


def test_report_path_that_cannot_be_written_fails_before_running(sandbox):
    repo = project(sandbox, '[tasks.t]\nrun = "touch ran"\n')
    r = sandbox.keel("run", "t", "--report", repo, cwd=repo)
    assert r.code == 74, r
    assert not (repo / "ran").exists()


AFFECTED = """
[tasks.web]
inputs = ["web/**"]
run = "echo web"
[tasks.api]
inputs = ["api/**/*.go", "!api/**/*_test.go"]
run = "echo api"
[tasks.e2e]
deps = ["web", "api"]
run = "echo e2e"
[tasks.docs]
run = "echo docs"
"""


def affected_repo(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(AFFECTED)
    for path in ("web/a.js", "api/b.go", "api/b_test.go"):
        (repo / path).parent.mkdir(exist_ok=True)
        (repo / path).write_text("1\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: apps", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "feature", cwd=repo)
    return repo


def test_affected_runs_the_tasks_whose_inputs_changed_and_their_dependents(sandbox):
    repo = affected_repo(sandbox)
    (repo / "api" / "c.go").write_text("new\n")  # untracked counts
    r = sandbox.keel("run", "--affected", "--dry-run", cwd=repo)
    assert r.code == 0, r
    assert r.out == "api (input api/c.go changed) (runs)\n  $ echo api\ne2e (depends on api)\n  $ echo e2e\n"
    r = sandbox.keel("run", "-j", "1", "--affected", cwd=repo)
    assert r.code == 0, r
    assert r.out == "api\ne2e\n"


def test_affected_compares_with_the_merge_base_and_honours_exclusions(sandbox):
    repo = affected_repo(sandbox)
    (repo / "api" / "b_test.go").write_text("2\n")
    (repo / "web" / "a.js").unlink()
    sandbox.git("commit", "-q", "-am", "feat: change", cwd=repo)
    sandbox.git("checkout", "-q", "main", cwd=repo)
    (repo / "docs.md").write_text("moved on\n")
    sandbox.git("add", "docs.md", cwd=repo)
    sandbox.git("commit", "-q", "-m", "docs: main moves on", cwd=repo)
    sandbox.git("checkout", "-q", "feature", cwd=repo)
    r = sandbox.keel("run", "--affected=main", "-n", "e2e", cwd=repo)
    assert r.code == 0, r
    assert r.out == "web (input web/a.js changed) (runs)\n  $ echo web\ne2e (depends on web)\n  $ echo e2e\n"
    r = sandbox.keel("run", "--affected=nosuch", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: unknown revision 'nosuch'\n"), r
