"""keel hooks run never loses work: unstaged changes are hidden during pre-commit and put back byte for byte."""

import os
import signal
import subprocess
import time

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


def start_slow_run(sandbox, repo, **popen):
    """Starts keel hooks run pre-commit and returns once its command has started."""
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
    assert ("keel: error: a command's changes to 'f.txt' conflict with your unstaged changes: your changes are "
            "kept, the command's are dropped\n") in r.err
    kept = [p for p in (repo / ".git" / "keel").iterdir() if p.name.startswith("unstaged-")]
    assert len(kept) == 1
    assert f"hint: the backup, with the command's version, is in '{kept[0]}'\n" in r.err
    assert (kept[0] / "0.rewrite").read_text() == staged.replace("line", "LINE")
    assert (kept[0] / "0.work").read_text() == work


def test_kill_9_then_next_run_restores(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    proc = start_slow_run(sandbox, repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (repo / "f.txt").read_text() == staged  # hidden when keel died
    (repo / "keel.toml").write_text('[hooks.pre-commit.commands.quick]\nrun = "true"\n')
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert r.err.startswith("keel: restored the unstaged changes an interrupted hook run had hidden (1 file)\n")
    assert (repo / "f.txt").read_text() == work
    assert index_text(sandbox, repo) == staged


def test_keel_hooks_restore_after_a_crash(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    proc = start_slow_run(sandbox, repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # The user edits the hidden file before noticing: that version is saved, not lost.
    (repo / "f.txt").write_text(staged + "typed after the crash\n")
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert r.code == 0, r
    assert (repo / "f.txt").read_text() == work
    kept = [p for p in (repo / ".git" / "keel").iterdir() if p.name.startswith("unstaged-")]
    assert len(kept) == 1
    assert (kept[0] / "0.found").read_text() == staged + "typed after the crash\n"
    assert "keel: warning: 'f.txt' had changed since; that version is saved in the backup\n" in r.err
    r = sandbox.keel("hooks", "restore", cwd=repo)
    assert (r.code, r.out) == (0, "nothing to restore: no interrupted hook run left unstaged changes hidden\n"), r


def test_sigint_restores_before_exiting(sandbox):
    repo = project(sandbox, '[hooks.pre-commit.commands.slow]\nrun = "touch ../started; sleep 30"\n')
    staged, work = partially_stage(sandbox, repo)
    proc = start_slow_run(sandbox, repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (repo / "f.txt").read_text() == work


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
