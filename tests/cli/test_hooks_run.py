"""keel hooks run: which files each command gets, how commands run and report, and bad input."""

import hashlib
import os
import subprocess

import pytest


def project(sandbox, config, name="repo", commit=True):
    repo = sandbox.repo(name, commit=commit)
    (repo / "keel.toml").write_text(config)
    return repo


def stage(sandbox, repo, files):
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    sandbox.git("add", "--", *files.keys(), cwd=repo)


# Writes each argument NUL-terminated to ../args (outside the work tree).
RECORD = "printf '%s\\\\0' {staged_files} >> ../args"


def recorded(repo):
    data = (repo.parent / "args").read_bytes()
    return data.split(b"\0")[:-1]


def test_staged_files_only_no_deletions_renames_new_path(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    stage(sandbox, repo, {"old.txt": "some text that stays the same\n" * 5, "gone.txt": "x\n"})
    sandbox.git("commit", "-q", "-m", "chore: files", cwd=repo)
    sandbox.git("mv", "old.txt", "new.txt", cwd=repo)
    sandbox.git("rm", "-q", "gone.txt", cwd=repo)
    stage(sandbox, repo, {"added.txt": "a\n"})
    (repo / "unstaged.txt").write_text("u\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert recorded(repo) == [b"added.txt", b"new.txt"]


def test_odd_file_names_reach_the_command_intact(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    names = ["with space.txt", "it's \"quoted\".txt", "new\nline.txt", "$(touch pwned).txt"]
    stage(sandbox, repo, {n: "x\n" for n in names})
    latin1 = b"caf\xe9.txt"
    (repo / os.fsdecode(latin1)).write_text("x\n")
    sandbox.git("add", "--", os.fsdecode(latin1), cwd=repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert sorted(recorded(repo)) == sorted([n.encode() for n in names] + [latin1])
    assert not (repo / "pwned").exists()


def test_glob_exclude_root_and_types(sandbox):
    config = """\
[hooks.pre-commit.commands.py]
run = "echo py {staged_files}"
glob = ["**/*.py", "*.pyi"]
exclude = "vendor"
[hooks.pre-commit.commands.web]
run = "echo web {staged_files} in $(basename $(pwd))"
root = "web/"
glob = "*.js"
[hooks.pre-commit.commands.exe]
run = "echo exe {staged_files}"
types = "executable"
[hooks.pre-commit.commands.none]
run = "echo none {staged_files}"
glob = "*.rs"
"""
    repo = project(sandbox, config)
    stage(sandbox, repo, {"a.py": "", "pkg/b.py": "", "c.pyi": "", "vendor/d.py": "", "web/src/e.js": "",
                          "f.js": "", "run.sh": ""})
    (repo / "run.sh").chmod(0o755)
    sandbox.git("add", "run.sh", cwd=repo)
    r = sandbox.keel("hooks", "run", "pre-commit", "-j", "1", cwd=repo)
    assert r.code == 0, r
    assert "py a.py c.pyi pkg/b.py\n" in r.out
    assert "web src/e.js in web\n" in r.out
    assert "exe run.sh\n" in r.out
    assert "  skipped none: no staged files match\n" in r.out
    assert "none " not in r.out.replace("skipped none", "")


def test_output_summary_and_exit_status(sandbox):
    config = """\
[hooks.pre-commit]
parallel = false
[hooks.pre-commit.commands.good]
run = "echo fine"
[hooks.pre-commit.commands.bad]
run = "echo broken >&2; exit 3"
fail_text = "run 'make fix'"
[hooks.pre-commit.commands.later]
run = "true"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[:4] == ["--- good", "fine", "--- bad", "broken"]
    assert lines[4] == "pre-commit:"
    assert lines[5].startswith("  passed  good (") and lines[5].endswith("s)")
    assert lines[6].startswith("  failed  bad (") and lines[6].endswith("): run 'make fix' (exit 3)")
    assert lines[7].startswith("  passed  later (")
    assert "\033" not in r.out  # no colour without a terminal


def test_fail_fast_skips_commands_not_started(sandbox):
    config = """\
[hooks.pre-commit]
parallel = false
fail_fast = true
[hooks.pre-commit.commands.first]
run = "exit 1"
[hooks.pre-commit.commands.second]
run = "touch ../second-ran"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1
    assert "  skipped second: an earlier command failed (fail_fast)\n" in r.out
    assert not (sandbox.root / "second-ran").exists()


def test_piped_runs_in_order_and_stops_at_the_first_failure(sandbox):
    config = """\
[hooks.pre-commit]
piped = true
[hooks.pre-commit.commands.b]
priority = 2
run = "exit 1"
[hooks.pre-commit.commands.a]
priority = 1
run = "echo a >> ../order"
[hooks.pre-commit.commands.c]
priority = 3
run = "echo c >> ../order"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert (sandbox.root / "order").read_text() == "a\n"
    assert "  skipped c: an earlier command failed (fail_fast)\n" in r.out
    (repo / "keel.toml").write_text("[hooks.pre-commit]\npiped = true\nparallel = true\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert (r.code, r.err) == (78, "keel: error: keel.toml:2:1: hook 'pre-commit' cannot be both piped and parallel\n"), r


def test_parallel_output_is_not_interleaved(sandbox):
    config = "[hooks.pre-commit]\njobs = 4\n"
    for name in "abcd":
        config += (f'[hooks.pre-commit.commands.{name}]\n'
                   f'run = "for i in 1 2 3 4 5; do echo {name}$i; sleep 0.05; done"\n')
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    for name in "abcd":
        block = f"--- {name}\n" + "".join(f"{name}{i}\n" for i in range(1, 6))
        assert block in r.out
    assert r.out.count("passed") == 4


def test_parallel_run_is_concurrent(sandbox):
    config = "[hooks.pre-commit]\njobs = 2\n"
    # Each waits for the other's file: only concurrent runs can both pass.
    config += '[hooks.pre-commit.commands.a]\nrun = "touch ../a; for i in $(seq 50); do [ -e ../b ] && exit 0; sleep 0.1; done; exit 1"\n'
    config += '[hooks.pre-commit.commands.b]\nrun = "touch ../b; for i in $(seq 50); do [ -e ../a ] && exit 0; sleep 0.1; done; exit 1"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r


def test_batches_past_the_command_line_limit(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.count]\nrun = "echo batch >> ../batches; printf \'%s\\\\n\' {staged_files} >> ../files"\n')
    names = [f"dir-{i:04d}-" + "x" * 120 + ".txt" for i in range(1500)]  # about 190 kB of names
    for n in names:
        (repo / n).write_text("")
    sandbox.git("add", ".", cwd=repo)
    # An environment that leaves less room than the names take: each
    # variable within the kernel's per-string limit, together most of ARG_MAX.
    room = os.sysconf("SC_ARG_MAX")
    filler = {f"FILL_{i}": "f" * 100_000 for i in range((room - 150_000) // 100_020)}
    r = sandbox.keel("hooks", "run", "pre-commit", "--command", "count", cwd=repo, env=filler)
    assert r.code == 0, r
    batches = (sandbox.root / "batches").read_text().count("batch")
    assert batches >= 2
    got = (sandbox.root / "files").read_text().splitlines()
    assert sorted(got) == sorted(names + ["keel.toml"])


def test_skip_conditions_merge_and_branch(sandbox):
    config = """\
[hooks.pre-commit.commands.not-in-merge]
run = "echo ran-a"
skip = "merge"
[hooks.pre-commit.commands.main-only]
run = "echo ran-b"
only = ["branch:main"]
[hooks.pre-commit.commands.off]
run = "echo ran-c"
skip = true
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert "ran-a" in r.out and "ran-b" in r.out and "ran-c" not in r.out
    assert "  skipped off: skip = true\n" in r.out
    sandbox.git("checkout", "-q", "-b", "feature", cwd=repo)
    (repo / ".git" / "MERGE_HEAD").write_text(sandbox.git("rev-parse", "HEAD", cwd=repo))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "  skipped not-in-merge: skip: merge\n" in r.out
    assert "  skipped main-only: only: branch:main\n" in r.out


def test_lefthook_ref_and_run_conditions(sandbox):
    # lefthook's `ref` (the branch) and `run` (a command that exits 0) conditions.
    config = """\
[hooks.pre-commit.commands.not-on-main]
run = "echo ran-a"
skip = ["ref:ma*"]
[hooks.pre-commit.commands.flagged]
run = "echo ran-b"
only = ["run:test -e enable.flag"]
[hooks.pre-commit.commands.unless-ci]
run = "echo ran-c"
skip = ['run:test "$IN_CI" = yes']
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"IN_CI": "yes"})
    assert r.code == 0, r
    assert "ran-a" not in r.out and "ran-b" not in r.out and "ran-c" not in r.out, r
    assert "  skipped not-on-main: skip: ref:ma*\n" in r.out
    assert "  skipped flagged: only: run:test -e enable.flag\n" in r.out
    assert '  skipped unless-ci: skip: run:test "$IN_CI" = yes\n' in r.out
    sandbox.git("checkout", "-q", "-b", "feature", cwd=repo)
    (repo / "enable.flag").write_text("")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"IN_CI": "no"})
    assert r.code == 0, r
    assert "ran-a" in r.out and "ran-b" in r.out and "ran-c" in r.out, r


def test_min_version_refuses_an_older_keel(sandbox):
    repo = project(sandbox, '[hooks]\nmin_version = "99.0.0"\n[hooks.pre-commit.commands.x]\nrun = "echo ran"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78, r
    assert r.err.startswith("keel: error: keel.toml:2:1: this configuration needs keel 99.0.0 or newer; this is keel "), r
    assert "ran" not in r.out
    (repo / "keel.toml").write_text('[hooks]\nmin_version = "0.1.0"\n[hooks.pre-commit.commands.x]\nrun = "echo ran"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0 and "ran" in r.out, r


def test_whole_hook_skipped_on_rebase(sandbox):
    repo = project(sandbox, '[hooks.pre-commit]\nskip = ["rebase"]\n[hooks.pre-commit.commands.x]\nrun = "echo ran"\n')
    (repo / ".git" / "rebase-merge").mkdir()
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert (r.code, r.out) == (0, "pre-commit: skipped (skip: rebase)\n"), r


def test_keel_hooks_0_and_keel_skip(sandbox):
    config = '[hooks.pre-commit.commands.a]\nrun = "echo ran-a"\n[hooks.pre-commit.commands.b]\nrun = "echo ran-b"\ntags = ["slow"]\n'
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"KEEL_HOOKS": "0"})
    assert (r.code, r.out) == (0, ""), r
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"KEEL_SKIP": "slow"})
    assert "ran-a" in r.out and "ran-b" not in r.out
    assert "  skipped b: KEEL_SKIP\n" in r.out


def test_command_not_found_is_exit_127_with_a_path_hint(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.lint]\nrun = "no-such-linter-xyz --check"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1
    assert "  failed  lint" in r.out and ": exit 127, command not found\n" in r.out
    assert f"hint: exit 127 means the shell did not find a program; install it or add its directory to PATH ({sandbox.env['PATH']})\n" in r.out


def test_a_builtin_name_runs_the_shells_builtin_not_a_program(sandbox):
    # What /bin/sh would do: printf and true are builtins there, so a program
    # of that name earlier in PATH is not what runs.
    config = '[hooks.pre-commit]\nparallel = false\n[hooks.pre-commit.commands.a]\nrun = "printf builtin"\n' \
        '[hooks.pre-commit.commands.b]\nrun = "true --help"\n'
    repo = project(sandbox, config)
    fake = sandbox.root / "fake-bin"
    fake.mkdir()
    for name in ("printf", "true"):
        (fake / name).write_text(f"#!/bin/sh\necho program-{name}\n")
        (fake / name).chmod(0o755)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, env={"PATH": f"{fake}:{sandbox.env['PATH']}"})
    assert r.code == 0, r
    assert r.out.splitlines()[:2] == ["--- a", "builtin"]
    assert "program-" not in r.out


def test_hook_arguments_and_commit_lint(sandbox):
    repo = project(sandbox, '[hooks.commit-msg.commands.lint]\nrun = "keel commit lint {1}"\n')
    msg = sandbox.write("msg", "feet: oops\n")
    # keel is not on PATH: the commands find it anyway.
    assert os.path.dirname(os.environ["KEEL_BIN"]) not in sandbox.env["PATH"].split(":")
    r = sandbox.keel("hooks", "run", "commit-msg", msg, cwd=repo)
    assert r.code == 1
    assert "error type-enum: type must be one of" in r.out


def test_unknown_and_unconfigured_hooks(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.x]\nrun = "true"\n')
    r = sandbox.keel("hooks", "run", "pre-comit", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: unknown hook 'pre-comit'\nhint: did you mean 'pre-commit'?\n"), r
    r = sandbox.keel("hooks", "run", "post-merge", cwd=repo)  # a git hook with nothing configured
    assert (r.code, r.out, r.err) == (0, "", ""), r
    r = sandbox.keel("hooks", "run", "pre-commit", "--command", "y", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: hook 'pre-commit' has no command 'y'\n"), r


def test_custom_hook_runs_by_hand(sandbox):
    repo = project(sandbox, '[hooks.lint-all.commands.x]\nrun = "echo all {all_files}"\n')
    r = sandbox.keel("hooks", "run", "lint-all", cwd=repo)
    assert r.code == 0, r
    assert "all README keel.toml\n" not in r.out  # keel.toml is not committed
    assert "all README\n" in r.out


def test_malformed_config(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.x]\nglob = "*.c"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert (r.code, r.err) == (78, "keel: error: keel.toml:1:28: hook command 'pre-commit.x' has no 'run'\n"
                                  "hint: add run = \"the shell command\"\n"), r
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.x\nrun = "x"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 78
    assert r.err.endswith("keel: error: configuration has errors\nhint: run 'keel config validate' for the full list\n")


def test_repository_without_commits(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n', commit=False)
    stage(sandbox, repo, {"first.txt": "1\n"})
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert recorded(repo) == [b"first.txt"]


def test_damaged_index_is_reported_and_left_alone(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    stage(sandbox, repo, {"a.txt": "a\n"})
    index = repo / ".git" / "index"
    data = bytearray(index.read_bytes())
    # Not the trailing checksum: git reads an index without checking it
    # (only fsck does), and so does the static build's libgit2.
    data[0:4] = b"XIRC"
    index.write_bytes(bytes(data))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert (r.code, r.err) == (1, "keel: error: cannot read the index: invalid data in index - "
                                  "incorrect header signature\n"), r
    assert index.read_bytes() == bytes(data)
    assert not (repo.parent / "args").exists()


@pytest.mark.parametrize("name, bad", [("zgit", ".git"), ("zz", ".."), ("zGiT", ".GiT")])
def test_index_path_that_git_would_refuse_is_reported(sandbox, name, bad):
    # libgit2 checks each path it reads, as git checks each path it adds;
    # the bad component comes after a directory the entry before shares.
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    stage(sandbox, repo, {"d/a.txt": "a\n", f"d/{name}": "b\n"})
    index = repo / ".git" / "index"
    data = bytearray(index.read_bytes())
    at = data.index(f"d/{name}".encode())
    data[at + 2:at + 2 + len(bad)] = bad.encode()
    data[-20:] = hashlib.sha1(bytes(data[:-20])).digest()  # the developer build checks it
    index.write_bytes(bytes(data))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert (r.code, r.err) == (1, "keel: error: cannot read the index: invalid data in index - invalid entry\n"), r
    assert index.read_bytes() == bytes(data)
    assert not (repo.parent / "args").exists()


def test_detached_head(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    sandbox.git("checkout", "-q", "--detach", cwd=repo)
    stage(sandbox, repo, {"d.txt": "d\n"})
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert recorded(repo) == [b"d.txt"]


def test_bare_repository(sandbox):
    bare = sandbox.root / "bare.git"
    sandbox.git("init", "-q", "--bare", str(bare), cwd=sandbox.root)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=bare)
    assert r.code == 0 and r.out == "", r  # nothing configured: git hooks run nothing
    r = sandbox.keel("--config", sandbox.write("k.toml", '[hooks.pre-commit.commands.x]\nrun = "true"\n'),
                     "hooks", "run", "pre-commit", cwd=bare)
    assert (r.code, r.err) == (2, f"keel: error: repository '{bare}' has no work tree\n"
                                  "hint: hooks that look at files run in a repository with a work tree\n"), r


def test_all_files_files_and_refs(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.x]\nrun = "echo got {files}"\n')
    stage(sandbox, repo, {"a.txt": "a\n", "keel.toml": (repo / "keel.toml").read_text()})
    sandbox.git("commit", "-q", "-m", "chore: a", cwd=repo)
    stage(sandbox, repo, {"b.txt": "b\n"})
    r = sandbox.keel("hooks", "run", "pre-commit", "--all-files", cwd=repo)
    assert "got README a.txt b.txt keel.toml\n" in r.out, r
    r = sandbox.keel("hooks", "run", "pre-commit", "--files", "README", "sub/../a.txt", cwd=repo)
    assert "got README a.txt\n" in r.out, r
    r = sandbox.keel("hooks", "run", "pre-commit", "--from-ref", "HEAD~1", "--to-ref", "HEAD", cwd=repo)
    assert "got a.txt keel.toml\n" in r.out, r
    r = sandbox.keel("hooks", "run", "pre-commit", "--from-ref", "HEAD~1", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: --from-ref and --to-ref go together\nhint: give both\n"), r


def test_git_commit_a_uses_the_temporary_index(sandbox):
    repo = project(sandbox, f'[hooks.pre-commit.commands.rec]\nrun = "{RECORD}"\n')
    stage(sandbox, repo, {"keel.toml": (repo / "keel.toml").read_text()})
    sandbox.git("commit", "-q", "-m", "chore: config", cwd=repo)
    sandbox.keel("hooks", "install", cwd=repo)
    (repo / "README").write_text("changed, not staged\n")
    proc = subprocess.run(["git", "commit", "-q", "-a", "-m", "docs: readme"], cwd=repo, env=sandbox.env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert recorded(repo) == [b"README"]


def test_pre_push_gets_the_pushed_files(sandbox):
    remote = sandbox.root / "remote.git"
    sandbox.git("init", "-q", "--bare", str(remote), cwd=sandbox.root)
    repo = project(sandbox, '[hooks.pre-push.commands.x]\nrun = "echo pushing {push_files} to {1}; cat > ../refs"\n')
    sandbox.git("remote", "add", "origin", str(remote), cwd=repo)
    sandbox.git("push", "-q", "origin", "main", cwd=repo)
    stage(sandbox, repo, {"p.txt": "p\n"})
    sandbox.git("commit", "-q", "-m", "feat: p", cwd=repo)
    sandbox.keel("hooks", "install", cwd=repo)
    proc = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo, env=sandbox.env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert "pushing p.txt to origin\n" in proc.stdout + proc.stderr
    head = sandbox.git("rev-parse", "HEAD", cwd=repo).strip()
    assert (sandbox.root / "refs").read_text().startswith(f"refs/heads/main {head} refs/heads/main ")


def test_pushing_a_new_branch_gets_the_files_of_every_commit_not_on_the_remote(sandbox):
    remote = sandbox.root / "remote.git"
    sandbox.git("init", "-q", "--bare", str(remote), cwd=sandbox.root)
    repo = project(sandbox, '[hooks.pre-push.commands.x]\nrun = "printf \'%s\\\\n\' {push_files} > ../pushed"\n')
    sandbox.git("add", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: keel", cwd=repo)
    sandbox.git("remote", "add", "origin", str(remote), cwd=repo)
    sandbox.git("push", "-q", "origin", "main", cwd=repo)
    sandbox.git("checkout", "-q", "-b", "side", cwd=repo)
    for name in ("one.txt", "two.txt", "three.txt"):
        stage(sandbox, repo, {name: name + "\n"})
        sandbox.git("commit", "-q", "-m", f"feat: {name}", cwd=repo)
    sandbox.keel("hooks", "install", cwd=repo)
    proc = subprocess.run(["git", "push", "-q", "origin", "side"], cwd=repo, env=sandbox.env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert (sandbox.root / "pushed").read_text().splitlines() == ["one.txt", "three.txt", "two.txt"]


def test_interactive_command_gets_stdin_and_runs_after_the_others(sandbox):
    config = """\
[hooks.pre-commit.commands.ask]
run = "read answer; echo got $answer"
interactive = true
priority = 1
[hooks.pre-commit.commands.plain]
run = "echo plain"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo, input="yes\n")
    assert r.code == 0, r
    assert r.out.index("plain\n") < r.out.index("got yes\n") < r.out.index("pre-commit:\n")


def test_types_text_binary_symlink(sandbox):
    config = "[hooks.pre-commit]\nparallel = false\n"
    for t in ("text", "binary", "symlink"):
        config += f'[hooks.pre-commit.commands.{t}]\nrun = "echo {t}: {{staged_files}}"\ntypes = "{t}"\n'
    repo = project(sandbox, config)
    stage(sandbox, repo, {"t.txt": "plain\n", "b.bin": b"\x00\x01\x02", "keel.toml": config})
    os.symlink("t.txt", repo / "link")
    sandbox.git("add", "link", cwd=repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "text: keel.toml t.txt\n" in r.out
    assert "binary: b.bin\n" in r.out
    assert "symlink: link\n" in r.out


def test_fail_fast_in_parallel_starts_nothing_new(sandbox):
    # fails waits until slow runs (on a loaded machine the second thread may
    # start late, and a command that has not started when another fails is
    # rightly never started); slow runs until keel has reaped fails (a pid
    # keel has not reaped still answers kill -0), so a slot frees only after
    # the failure is known.
    config = """\
[hooks.pre-commit]
jobs = 2
fail_fast = true
[hooks.pre-commit.commands.fails]
run = "until [ -e ../slow.started ]; do sleep 0.01; done; echo $$ > ../fails.pid; exit 1"
[hooks.pre-commit.commands.slow]
run = "touch ../slow.started; until [ -s ../fails.pid ]; do sleep 0.01; done; while kill -0 $(cat ../fails.pid) 2>/dev/null; do sleep 0.01; done"
[hooks.pre-commit.commands.third]
run = "touch ../third-ran"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1
    assert "  passed  slow (" in r.out
    assert "  skipped third: an earlier command failed (fail_fast)\n" in r.out
    assert not (sandbox.root / "third-ran").exists()


def test_yaml_config(sandbox):
    repo = sandbox.repo()
    (repo / "keel.yaml").write_text("hooks:\n  pre-commit:\n    parallel: false\n    commands:\n"
                                    "      show:\n        run: echo yaml {staged_files}\n        glob: ['*.md']\n")
    stage(sandbox, repo, {"a.md": "a\n", "b.txt": "b\n"})
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "yaml a.md\n" in r.out


def test_exclude_tags_skips_the_commands_with_those_tags(sandbox):
    config = """\
[hooks.pre-commit]
exclude_tags = ["slow", "lint-docs"]
[hooks.pre-commit.commands.lint]
run = "echo lint-ran"
tags = ["fast"]
[hooks.pre-commit.commands.test]
run = "echo test-ran"
tags = ["slow"]
[hooks.pre-commit.commands.lint-docs]
run = "echo docs-ran"
"""
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "lint-ran" in r.out and "test-ran" not in r.out and "docs-ran" not in r.out
    assert "  skipped test: exclude_tags\n" in r.out
    assert "  skipped lint-docs: exclude_tags\n" in r.out


def test_files_lists_the_files_a_command_gets(sandbox):
    config = """\
[hooks.pre-commit.commands.rec]
run = "printf '%s\\\\n' {files} > ../got"
files = "printf 'a.txt\\\\nsub/b.md\\\\nc.txt\\\\n'"
glob = "*.txt"
"""
    repo = project(sandbox, config)
    stage(sandbox, repo, {"staged.txt": "s\n"})
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "got").read_text() == "a.txt\nc.txt\n"


def test_a_failing_files_command_fails_the_hook_with_its_message(sandbox):
    config = '[hooks.pre-commit.commands.rec]\nrun = "echo {files}"\nfiles = "echo broken >&2; exit 3"\n'
    repo = project(sandbox, config)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert r.err == "keel: error: the files command of hook command 'rec' failed (exit 3): broken\n"
