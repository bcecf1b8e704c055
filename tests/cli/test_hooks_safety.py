"""keel hooks run never loses work: unstaged changes are hidden during pre-commit and put back byte for byte."""

import os
import signal
import subprocess
import time

import pytest

LINES = "".join(f"line {i}\n" for i in range(1, 21))


def project(sandbox, config):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    (repo / "f.txt").write_text(LINES)
    sandbox.git("add", "f.txt", "keel.toml", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: f", cwd=repo)
    return repo


def partially_stage(sandbox, repo):
    """Stages a change at the top of f.txt and leaves one at the bottom unstaged."""
    staged = LINES.replace("line 1\n", "line 1 staged\n")
    (repo / "f.txt").write_text(staged)
    sandbox.git("add", "f.txt", cwd=repo)
    work = staged.replace("line 20\n", "line 20 unstaged\n")
    (repo / "f.txt").write_text(work)
    return staged, work


def default_signals():
    """A shell's background job starts with SIGINT and SIGQUIT ignored, and nohup ignores SIGHUP; keel
    rightly keeps an ignored signal ignored, so the tests that send them start keel with the defaults."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)


def start_slow_run(sandbox, repo, **popen):
    """Starts keel hooks run pre-commit and returns once its command has started."""
    popen.setdefault("preexec_fn", default_signals)
    proc = subprocess.Popen([os.environ["KEEL_BIN"], "hooks", "run", "pre-commit"], cwd=repo, env=sandbox.env, **popen)
    for _ in range(200):
        if (sandbox.root / "started").exists():
            return proc
        time.sleep(0.05)
    raise AssertionError("the hook command never started")


def index_text(sandbox, repo, path="f.txt"):
    return sandbox.git("show", f":{path}", cwd=repo)


def test_commands_see_the_staged_content_and_unstaged_changes_come_back(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cp f.txt ../seen"\n')
    staged, work = partially_stage(sandbox, repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen").read_text() == staged
    assert (repo / "f.txt").read_text() == work
    assert index_text(sandbox, repo) == staged
    assert not (repo / ".git" / "keel" / "unstaged").exists()


def test_formatter_rewrite_is_merged_with_unstaged_changes(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ {staged_files}"\n')
    staged, work = partially_stage(sandbox, repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (repo / "f.txt").read_text() == work.replace("line 1 staged", "line 1 STAGED")
    assert index_text(sandbox, repo) == staged  # not stage_fixed: the index is left alone
    assert "keel: note: kept a command's changes to 'f.txt' together with your unstaged changes\n" in r.err


def test_stage_fixed_stages_the_rewrite_but_not_the_unstaged_changes(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ {staged_files}"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    staged, work = partially_stage(sandbox, repo)
    (repo / "other.txt").write_text("o\n")
    sandbox.git("add", "other.txt", cwd=repo)
    (repo / "README").write_text("edited, never staged\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert index_text(sandbox, repo) == staged.replace("staged", "STAGED")
    assert (repo / "f.txt").read_text() == work.replace("line 1 staged", "line 1 STAGED")
    assert index_text(sandbox, repo, "README") == "hello\n"  # not an input, not staged
    assert sandbox.git("diff", "--cached", "--name-only", cwd=repo).split() == ["f.txt", "other.txt"]
    assert "keel: staged 1 file the command changed\n" in r.out


def test_conflicting_rewrite_keeps_the_users_edits_and_fails(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/line/LINE/ {staged_files}"\n')
    staged, work = partially_stage(sandbox, repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert (repo / "f.txt").read_text() == work
    assert index_text(sandbox, repo) == staged
    kept = [p for p in (repo / ".git" / "keel").iterdir() if p.name.startswith("unstaged-")]
    assert len(kept) == 1
    assert ("keel: error: a command's changes to 'f.txt' conflict with your unstaged changes: the work tree has "
            "your version back, the index holds what you staged, and the command's version is saved in "
            f"'{kept[0] / '0.rewrite'}'\n") in r.err
    assert f"hint: to take the command's version: cp {kept[0] / '0.rewrite'} {repo / 'f.txt'}\n" in r.err
    assert (kept[0] / "0.rewrite").read_text() == staged.replace("line", "LINE")
    assert (kept[0] / "0.work").read_text() == work


def test_conflict_with_stage_fixed_says_the_index_holds_the_commands_version(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/line/LINE/ {staged_files}"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    staged, work = partially_stage(sandbox, repo)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    assert (repo / "f.txt").read_text() == work
    assert index_text(sandbox, repo) == staged.replace("line", "LINE")
    assert ("the work tree has your version back, the index holds the command's version (stage_fixed staged it), "
            "and the command's version is saved in") in r.err


def leftover_commands(repo):
    """The kill(2) targets keel noted for the commands of a run that hid changes."""
    return [int(line) for line in (repo / ".git" / "keel" / "unstaged" / "groups").read_text().split()]


def wait_gone(targets):
    for _ in range(600):
        alive = []
        for t in targets:
            try:
                os.kill(t, 0)
                alive.append(t)
            except ProcessLookupError:
                pass
        if not alive:
            return
        time.sleep(0.05)
    raise AssertionError(f"still running: {alive}")


def kill_9(sandbox, repo):
    """Starts a hook run whose command waits, and kills keel alone with SIGKILL."""
    proc = start_slow_run(sandbox, repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def no_temporary_files(repo):
    return [p.name for p in repo.rglob("*") if ".keel-" in p.name and ".git" not in p.parts]


def test_kill_9_then_next_run_restores(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    assert (repo / "f.txt").read_text() == staged  # hidden when keel died
    for target in leftover_commands(repo):
        os.kill(target, signal.SIGKILL)
    wait_gone(leftover_commands(repo))
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.quick]\nrun = "true"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.err.startswith("keel: restored the unstaged changes an interrupted hook run had hidden (1 file)\n")
    assert (repo / "f.txt").read_text() == work
    assert index_text(sandbox, repo) == staged


def test_kill_9_with_its_command_still_running_waits_and_restore_stops_it(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    (target,) = leftover_commands(repo)
    assert target < 0  # the command's own process group
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 1, r
    backup = repo / ".git" / "keel" / "unstaged"
    assert r.err == (f"keel: error: a command of an interrupted hook run is still running (process group {-target}): "
                     f"the unstaged changes it hid stay in '{backup}' until it ends\n"
                     "hint: wait for it to end, or run 'keel hooks restore', which stops it and then restores them\n")
    assert (repo / "f.txt").read_text() == staged
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert r.code == 0, r
    assert r.err == (f"keel: stopped process group {-target}, left running by an interrupted hook run\n"
                     "keel: restored the unstaged changes an interrupted hook run had hidden (1 file)\n")
    wait_gone([target])
    assert (repo / "f.txt").read_text() == work


def test_a_late_write_after_kill_9_stays_and_the_users_version_is_saved(sandbox):
    command = "touch ../started; while [ ! -e ../go ]; do sleep 0.05; done; echo late >> f.txt"
    repo = project(sandbox, f'[hooks.pre-commit.commands.late]\nrun = "{command}"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    targets = leftover_commands(repo)
    (sandbox.root / "go").touch()
    wait_gone(targets)
    assert (repo / "f.txt").read_text() == staged + "late\n"
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert r.code == 0, r
    assert (repo / "f.txt").read_text() == staged + "late\n"  # never overwritten
    kept = [p for p in (repo / ".git" / "keel").iterdir() if p.name.startswith("unstaged-")]
    assert len(kept) == 1
    assert (kept[0] / "0.work").read_text() == work
    assert r.err == ("keel: warning: 'f.txt' changed after the interrupted run; it stays as it is now, and your "
                     f"version from before the run is saved in '{kept[0] / '0.work'}'\n"
                     f"hint: compare them with: git diff --no-index -- {kept[0] / '0.work'} {repo / 'f.txt'}\n")


def test_keel_hooks_restore_after_a_crash_keeps_edits_made_since(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    # The user edits the hidden file before noticing: that edit stays, and
    # the version with the unstaged changes is saved beside it.
    (repo / "f.txt").write_text(staged + "typed after the crash\n")
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert r.code == 0, r
    assert (repo / "f.txt").read_text() == staged + "typed after the crash\n"
    kept = [p for p in (repo / ".git" / "keel").iterdir() if p.name.startswith("unstaged-")]
    assert len(kept) == 1
    assert (kept[0] / "0.work").read_text() == work
    assert "keel: warning: 'f.txt' changed after the interrupted run; it stays as it is now" in r.err
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert (r.code, r.out) == (0, "nothing to restore: no interrupted hook run left unstaged changes hidden\n"), r


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_termination_signal_restores_before_exiting(sandbox, sig):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    proc = start_slow_run(sandbox, repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (repo / "f.txt").read_text() == work
    assert not (repo / ".git" / "keel" / "unstaged").exists()
    assert no_temporary_files(repo) == []


def test_a_broken_output_pipe_restores_and_starts_nothing_more(sandbox):
    config = """\
[hooks.pre-commit]
parallel = false
[hooks.pre-commit.commands.talk]
run = "seq 100000"
[hooks.pre-commit.commands.after]
run = "touch ../after"
"""
    repo = project(sandbox, config)
    staged, work = partially_stage(sandbox, repo)
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `keel hooks run pre-commit | head -0`
    proc = subprocess.Popen([os.environ["KEEL_BIN"], "hooks", "run", "pre-commit"], cwd=repo, env=sandbox.env,
                            stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (repo / "f.txt").read_text() == work
    assert not (sandbox.root / "after").exists()
    assert no_temporary_files(repo) == []


def test_signals_at_any_moment_of_hiding_and_restoring_lose_nothing(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "true"\n')
    big = "".join(f"row {i}\n" for i in range(400_000))
    (repo / "big.txt").write_text(big)
    sandbox.git("add", "big.txt", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: big", cwd=repo)
    (repo / "big.txt").write_text(big.replace("row 1\n", "row 1 staged\n", 1))
    sandbox.git("add", "big.txt", cwd=repo)
    work = big.replace("row 1\n", "row 1 staged\n", 1) + "unstaged\n"
    (repo / "big.txt").write_text(work)
    # A signal at a spread of moments from keel's start to its end: whichever
    # part it lands in, the file comes out as the user left it.
    for step in range(12):
        proc = subprocess.Popen([os.environ["KEEL_BIN"], "hooks", "run", "pre-commit"], cwd=repo, env=sandbox.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(step * 0.01)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 130, -signal.SIGTERM), err
        assert (repo / "big.txt").read_text() == work, (step, err)
        assert not (repo / ".git" / "keel" / "unstaged").exists(), (step, err)
        assert no_temporary_files(repo) == [], step


def test_other_files_come_out_byte_identical(sandbox):
    config = '[hooks.pre-commit.commands.touchy]\nrun = "cat {staged_files} > /dev/null"\n'
    repo = project(sandbox, config)
    sandbox.git("config", "core.autocrlf", "false", cwd=repo)
    sub_src = sandbox.repo("subsrc")
    sandbox.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub_src), "sub", cwd=repo)
    crlf = b"one\r\ntwo\r\n"
    binary = bytes(range(256)) * 4
    (repo / "crlf.txt").write_bytes(crlf)
    (repo / "bin.dat").write_bytes(binary)
    sandbox.git("add", "crlf.txt", "bin.dat", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: more", cwd=repo)
    # Partially staged CRLF and binary files, an intent-to-add file, an
    # untracked file and a dirty submodule.
    (repo / "crlf.txt").write_bytes(b"one\r\ntwo staged\r\n")
    (repo / "bin.dat").write_bytes(binary + b"\x00staged")
    sandbox.git("add", "crlf.txt", "bin.dat", cwd=repo)
    crlf_work = b"one\r\ntwo staged\r\nthree\r\n"
    bin_work = binary + b"\x00staged\x00more"
    (repo / "crlf.txt").write_bytes(crlf_work)
    (repo / "bin.dat").write_bytes(bin_work)
    (repo / "ita.txt").write_bytes(b"intent\r\n")
    sandbox.git("add", "-N", "ita.txt", cwd=repo)
    (repo / "untracked.bin").write_bytes(b"\x00\x01keep")
    (repo / "sub" / "README").write_text("dirty submodule\n")
    status_before = sandbox.git("status", "--porcelain=v1", "-z", cwd=repo)
    index_before = (repo / ".git" / "index").read_bytes()
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (repo / "crlf.txt").read_bytes() == crlf_work
    assert (repo / "bin.dat").read_bytes() == bin_work
    assert (repo / "ita.txt").read_bytes() == b"intent\r\n"
    assert (repo / "untracked.bin").read_bytes() == b"\x00\x01keep"
    assert (repo / "sub" / "README").read_text() == "dirty submodule\n"
    assert sandbox.git("status", "--porcelain=v1", "-z", cwd=repo) == status_before
    assert (repo / ".git" / "index").read_bytes() == index_before


def test_filtered_files_come_out_byte_identical(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cat {staged_files} > /dev/null"\n')
    sandbox.git("config", "filter.upper.clean", "tr a-z A-Z", cwd=repo)
    sandbox.git("config", "filter.upper.smudge", "cat", cwd=repo)
    (repo / ".gitattributes").write_text("*.up filter=upper\n")
    (repo / "x.up").write_text("first\nsecond\n")
    sandbox.git("add", ".gitattributes", "x.up", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: filter", cwd=repo)
    (repo / "x.up").write_text("first changed\nsecond\n")
    sandbox.git("add", "x.up", cwd=repo)
    (repo / "x.up").write_text("first changed\nsecond\nthird unstaged\n")
    index_before = index_text(sandbox, repo, "x.up")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (repo / "x.up").read_text() == "first changed\nsecond\nthird unstaged\n"
    assert index_text(sandbox, repo, "x.up") == index_before


def test_no_stash_leaves_unstaged_changes_in_place(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cp f.txt ../seen"\n')
    staged, work = partially_stage(sandbox, repo)
    r = sandbox.keel("hooks", "run", "pre-commit", "--no-stash", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen").read_text() == work


def test_deleted_in_work_tree_but_staged(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cp f.txt ../seen"\n')
    staged = LINES + "more\n"
    (repo / "f.txt").write_text(staged)
    sandbox.git("add", "f.txt", cwd=repo)
    (repo / "f.txt").unlink()
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen").read_text() == staged
    assert not (repo / "f.txt").exists()


def test_stage_fixed_without_a_template_looks_at_the_hooks_files(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ f.txt README"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    staged, work = partially_stage(sandbox, repo)
    (repo / "README").write_text("not staged\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert index_text(sandbox, repo) == staged.replace("staged", "STAGED")
    assert (repo / "README").read_text() == "not STAGED\n"
    # README was rewritten too, but it is not a staged file: not staged.
    assert sandbox.git("diff", "--cached", "--name-only", cwd=repo).split() == ["f.txt"]


def test_a_partially_staged_binary_file_is_shown_staged_and_comes_back_byte_for_byte(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cp img.bin ../seen.bin"\n')
    original = bytes(range(256)) * 12 + b"\0\xff\r\n" * 50
    (repo / "img.bin").write_bytes(original)
    sandbox.git("add", "img.bin", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: image", cwd=repo)
    staged = bytearray(original)
    staged[10] ^= 0xFF
    (repo / "img.bin").write_bytes(staged)
    sandbox.git("add", "img.bin", cwd=repo)
    work = bytearray(staged)
    work[3000] ^= 0xFF
    (repo / "img.bin").write_bytes(work)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen.bin").read_bytes() == bytes(staged)
    assert (repo / "img.bin").read_bytes() == bytes(work)
    assert not (repo / ".git" / "keel" / "unstaged").exists()


def test_stage_fixed_runs_the_clean_filter_as_git_add_does(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/debug/info/ {staged_files}"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    sandbox.git("config", "filter.nosecret.clean", "sed s/^token=.*/token=REDACTED/", cwd=repo)
    sandbox.git("config", "filter.nosecret.smudge", "cat", cwd=repo)
    (repo / ".gitattributes").write_text("*.env filter=nosecret\n")
    (repo / "app.env").write_text("level=debug\ntoken=s3cr3t\n")
    sandbox.git("add", ".gitattributes", "app.env", cwd=repo)
    assert index_text(sandbox, repo, "app.env") == "level=debug\ntoken=REDACTED\n"
    # A new mtime defeats the stat shortcut, as a racily clean entry or an
    # editor's save does: the bytes must be compared through the clean filter.
    os.utime(repo / "app.env", (1_900_000_000, 1_900_000_000))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "keel: staged 1 file the command changed\n" in r.out
    assert index_text(sandbox, repo, "app.env") == "level=info\ntoken=REDACTED\n"
    assert (repo / "app.env").read_text() == "level=info\ntoken=s3cr3t\n"


def test_commands_see_the_staged_content_through_the_smudge_filter_driver(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cp app.env ../seen"\n')
    sandbox.git("config", "filter.nosecret.clean", "sed s/^token=.*/token=REDACTED/", cwd=repo)
    sandbox.git("config", "filter.nosecret.smudge", "sed s/^token=REDACTED/token=from-vault/", cwd=repo)
    (repo / ".gitattributes").write_text("*.env filter=nosecret\n")
    (repo / "app.env").write_text("level=debug\ntoken=s3cr3t\n\n\n\nend\n")
    sandbox.git("add", ".gitattributes", "app.env", cwd=repo)
    (repo / "app.env").write_text("level=debug\ntoken=s3cr3t\n\n\n\nend unstaged\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen").read_text() == "level=debug\ntoken=from-vault\n\n\n\nend\n"
    assert (repo / "app.env").read_text() == "level=debug\ntoken=s3cr3t\n\n\n\nend unstaged\n"


def test_stage_fixed_keeps_the_index_mode_when_the_user_did_not_stage_a_chmod(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ {staged_files}"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    (repo / "f.txt").write_text(LINES.replace("line 1\n", "line 1 staged\n"))
    sandbox.git("add", "f.txt", cwd=repo)
    (repo / "f.txt").chmod(0o755)  # not staged
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert sandbox.git("ls-files", "-s", "f.txt", cwd=repo).split()[0] == "100644"
    assert index_text(sandbox, repo) == LINES.replace("line 1\n", "line 1 STAGED\n")
    assert sandbox.git("diff", "--summary", cwd=repo) == " mode change 100644 => 100755 f.txt\n"


def test_stage_fixed_never_commits_an_unstaged_typechange(sandbox):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ other.txt"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    (repo / "other.txt").write_text("other staged\n")
    (repo / "f.txt").write_text(LINES.replace("line 1\n", "line 1 staged\n"))
    sandbox.git("add", "f.txt", "other.txt", cwd=repo)
    (repo / "f.txt").unlink()
    (repo / "f.txt").symlink_to("other.txt")  # an unstaged typechange
    r = sandbox.keel("hooks", "run", "pre-commit", "--no-stash", cwd=repo)
    assert r.code == 0, r
    assert ("keel: warning: not staging 'f.txt': the work tree has another kind of file there than the index "
            "(a symlink for a file, say)\n") in r.out
    assert sandbox.git("ls-files", "-s", "f.txt", cwd=repo).split()[0] == "100644"
    assert index_text(sandbox, repo) == LINES.replace("line 1\n", "line 1 staged\n")
    assert index_text(sandbox, repo, "other.txt") == "other STAGED\n"


@pytest.mark.parametrize("commit_args", [[], ["-a"], ["f.txt"]])
def test_stage_fixed_fixes_land_in_the_commit_made_through_the_hook(sandbox, commit_args):
    config = '[hooks.pre-commit.commands.fmt]\nrun = "sed -i s/staged/STAGED/ {staged_files}"\nstage_fixed = true\n'
    repo = project(sandbox, config)
    (repo / "f.txt").write_text(LINES.replace("line 1\n", "line 1 staged\n"))
    sandbox.git("add", "f.txt", cwd=repo)
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    sandbox.git("commit", "-q", "-m", "fix: through the hook", *commit_args, cwd=repo)
    fixed = LINES.replace("line 1\n", "line 1 STAGED\n")
    assert sandbox.git("show", "HEAD:f.txt", cwd=repo) == fixed
    assert (repo / "f.txt").read_text() == fixed
    if commit_args != ["f.txt"]:
        assert sandbox.git("status", "--porcelain", cwd=repo) == ""
    # `git commit PATHS` writes the real index itself, from before the hook
    # ran, and holds its lock meanwhile: the fix is in the commit and the
    # work tree, and the index shows the older text, as with any hook tool.


def test_commands_noted_before_a_reboot_do_not_hold_up_recovery(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    targets = leftover_commands(repo)
    # As after a reboot: the noted ids belong to another boot, whatever now runs under them.
    (repo / ".git" / "keel" / "unstaged" / "boot").write_text("another boot\n")
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert r.code == 0, r
    assert "stopped" not in r.err
    assert (repo / "f.txt").read_text() == work
    for target in targets:
        os.kill(target, signal.SIGKILL)


def test_a_file_name_near_the_length_limit_is_hidden_and_restored(sandbox):
    # A name of 255 bytes, the most Linux allows: keel's temporary names for it must still fit.
    long_name = "n" * 251 + ".txt"
    repo = project(sandbox, '[hooks.pre-commit.commands.look]\nrun = "cat {staged_files} > ../seen"\n')
    (repo / long_name).write_text("old\n")
    sandbox.git("add", long_name, cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: long", cwd=repo)
    (repo / long_name).write_text("staged\n")
    sandbox.git("add", long_name, cwd=repo)
    (repo / long_name).write_text("staged\nunstaged\n")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (sandbox.root / "seen").read_text() == "staged\n"
    assert (repo / long_name).read_text() == "staged\nunstaged\n"
    entries = sandbox.git("ls-files", "--stage", cwd=repo).splitlines()  # git show :NAME stats ":NAME"
    blob = next(line.split()[1] for line in entries if line.endswith(long_name))
    assert sandbox.git("cat-file", "blob", blob, cwd=repo) == "staged\n"
    assert sorted(p.name for p in repo.iterdir()) == sorted([".git", "README", "f.txt", "keel.toml", long_name])


def test_a_command_that_left_its_process_group_still_holds_up_recovery(sandbox):
    # The command starts a daemon in a session of its own (a formatter server, say), then keel is killed:
    # the daemon is in no group keel noted, yet it may still write the file, so recovery must wait for it.
    daemon = "setsid sh -c 'echo $$ > ../daemon; while [ ! -e ../go ]; do sleep 0.05; done; echo late >> f.txt' &"
    command = f"{daemon} while [ ! -s ../daemon ]; do sleep 0.05; done; touch ../started; sleep 30"
    repo = project(sandbox, f'[hooks.pre-commit.commands.spawns]\nrun = "{command}"\n')
    staged, work = partially_stage(sandbox, repo)
    kill_9(sandbox, repo)
    for target in leftover_commands(repo):
        os.kill(target, signal.SIGKILL)
    wait_gone(leftover_commands(repo))
    pid = int((sandbox.root / "daemon").read_text())
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.quick]\nrun = "true"\n')
    try:
        r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
        assert r.code == 1, r
        assert f"still running (process {pid}" in r.err, r.err  # and a sleep it may be running at that moment
        assert (repo / "f.txt").read_text() == staged  # nothing restored under the daemon
        r = sandbox.keel("hooks", "restore", cwd=repo)
        assert r.code == 0, r
        assert r.err.startswith(f"keel: stopped process {pid}, left running by an interrupted hook run\n"), r.err
        assert r.err.endswith("keel: restored the unstaged changes an interrupted hook run had hidden (1 file)\n")
        wait_gone([pid])
        assert (repo / "f.txt").read_text() == work
    finally:
        (sandbox.root / "go").touch()
