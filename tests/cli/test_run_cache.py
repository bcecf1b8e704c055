"""keel run's up-to-date check and cache: every part of the key, byte-identical restores, a damaged or
unwritable store, concurrent runs and gc, on real repositories and processes."""

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import KEEL_BIN

BUILD = """
[tasks.build]
inputs = ["src/**/*.c"]
outputs = ["out/app", "out/lib/"]
run = "echo ran >> ../runs; echo building; mkdir -p out/lib; cat src/*.c > out/app; chmod 755 out/app; echo data > out/lib/d.txt; ln -sf d.txt out/lib/link"
"""


def project(sandbox, config=BUILD, name="repo"):
    repo = sandbox.repo(name)
    (repo / "keel.toml").write_text(config)
    (repo / "src").mkdir()
    (repo / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: project", cwd=repo)
    return repo


def runs(sandbox):
    p = sandbox.root / "runs"
    return len(p.read_text().splitlines()) if p.exists() else 0


def keel_run(sandbox, repo, *args, env=None):
    r = sandbox.keel("run", *args, cwd=repo, env=env)
    return r


def state_of(r, job="build"):
    for line in r.err.splitlines():
        parts = line.split()
        if len(parts) >= 2 and job in line and line.startswith("  "):
            return line.strip().rsplit(f" {job}", 1)[0].strip()
    raise AssertionError(f"no summary line for {job}:\n{r.err}")


def test_a_second_run_is_up_to_date_and_runs_nothing(sandbox):
    repo = project(sandbox)
    r = keel_run(sandbox, repo, "build")
    assert r.code == 0, r
    assert state_of(r) == "passed" and runs(sandbox) == 1
    r = keel_run(sandbox, repo, "build")
    assert r.code == 0, r
    assert state_of(r) == "up to date" and runs(sandbox) == 1
    assert r.out == ""


@pytest.mark.parametrize("change", ["content", "rename", "mode", "command", "env", "new input"])
def test_each_change_to_the_key_misses(sandbox, change):
    repo = project(sandbox, BUILD + 'env = { LEVEL = "1" }\n')
    assert keel_run(sandbox, repo, "build").code == 0
    src = repo / "src" / "main.c"
    if change == "content":
        src.write_text("int main(void) { return 1; }\n")
    elif change == "rename":
        src.rename(repo / "src" / "app.c")
    elif change == "mode":
        src.chmod(0o755)
    elif change == "command":
        (repo / "keel.toml").write_text((BUILD + 'env = { LEVEL = "1" }\n').replace("echo building", "echo building!"))
    elif change == "env":
        (repo / "keel.toml").write_text(BUILD + 'env = { LEVEL = "2" }\n')
    elif change == "new input":
        (repo / "src" / "sub").mkdir()
        (repo / "src" / "sub" / "extra.c").write_text("\n")
    r = keel_run(sandbox, repo, "build")
    assert r.code == 0, r
    assert state_of(r) == "passed" and runs(sandbox) == 2


def test_touching_an_input_without_changing_it_hits(sandbox):
    repo = project(sandbox)
    assert keel_run(sandbox, repo, "build").code == 0
    os.utime(repo / "src" / "main.c", (2_000_000_000, 2_000_000_000))
    r = keel_run(sandbox, repo, "build")
    assert state_of(r) == "up to date" and runs(sandbox) == 1


def test_key_env_key_commands_and_deps_are_in_the_key(sandbox):
    config = """
[cache]
key_env = ["CFLAGS"]
key_commands = ["cat compiler-version"]
[tasks.gen]
inputs = ["gen.in"]
outputs = ["gen.out"]
run = "cp gen.in gen.out"
[tasks.build]
deps = ["gen"]
inputs = ["gen.out"]
run = "echo ran >> ../runs"
"""
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    (repo / "gen.in").write_text("1\n")
    (repo / "compiler-version").write_text("cc 12\n")
    env = {"CFLAGS": "-O2"}
    assert keel_run(sandbox, repo, "build", env=env).code == 0
    assert state_of(keel_run(sandbox, repo, "build", env=env)) == "up to date"
    assert state_of(keel_run(sandbox, repo, "build", env={"CFLAGS": "-O3"})) == "passed"
    (repo / "compiler-version").write_text("cc 13\n")
    assert state_of(keel_run(sandbox, repo, "build", env={"CFLAGS": "-O3"})) == "passed"
    assert state_of(keel_run(sandbox, repo, "build", env={"CFLAGS": "-O3"})) == "up to date"
    r = keel_run(sandbox, repo, "build")  # CFLAGS unset is not CFLAGS=""
    assert state_of(r) == "passed"
    r = keel_run(sandbox, repo, "build", env={"CFLAGS": ""})
    assert state_of(r) == "passed"
    assert runs(sandbox) == 5


def test_outputs_come_back_byte_for_byte_with_modes_and_output(sandbox):
    repo = project(sandbox)
    first = keel_run(sandbox, repo, "build")
    assert first.code == 0, first
    app = (repo / "out" / "app").read_bytes()
    subprocess.run(["rm", "-rf", str(repo / "out")], check=True)
    r = keel_run(sandbox, repo, "build")
    assert r.code == 0, r
    assert state_of(r) == "restored" and runs(sandbox) == 1
    assert r.out == "building\n"
    assert (repo / "out" / "app").read_bytes() == app
    assert stat.S_IMODE((repo / "out" / "app").stat().st_mode) == 0o755
    assert stat.S_IMODE((repo / "out" / "lib" / "d.txt").stat().st_mode) == 0o644
    assert os.readlink(repo / "out" / "lib" / "link") == "d.txt"
    # A restored file is a copy: writing into it leaves the cache alone.
    with open(repo / "out" / "app", "a") as f:
        f.write("tampered\n")
    r = keel_run(sandbox, repo, "build")
    assert state_of(r) == "restored"
    assert (repo / "out" / "app").read_bytes() == app


def test_a_missing_output_fails_the_task_and_is_not_cached(sandbox):
    repo = project(sandbox, '[tasks.build]\ninputs = ["src/*.c"]\noutputs = ["out/app"]\nrun = "echo ran >> ../runs"\n')
    r = keel_run(sandbox, repo, "build")
    assert r.code == 1, r
    assert "keel: error: task 'build' succeeded but did not produce its output 'out/app'\n" in r.err
    assert state_of(r) == "failed"
    r = keel_run(sandbox, repo, "build")
    assert r.code == 1 and runs(sandbox) == 2


def cache_dir(sandbox):
    return sandbox.home / ".cache" / "keel"


def test_a_damaged_blob_is_found_removed_and_the_task_runs(sandbox):
    repo = project(sandbox)
    assert keel_run(sandbox, repo, "build").code == 0
    app = (repo / "out" / "app").read_bytes()
    blobs = [p for p in (cache_dir(sandbox) / "cas").rglob("*") if p.is_file()]
    for b in blobs:
        b.chmod(0o644)
        b.write_bytes(b"garbage")
    subprocess.run(["rm", "-rf", str(repo / "out")], check=True)
    r = keel_run(sandbox, repo, "build")
    assert r.code == 0, r
    assert "keel: warning: the cache entry of 'build' was damaged and is removed; running it" in r.err
    assert state_of(r) == "passed" and runs(sandbox) == 2
    assert (repo / "out" / "app").read_bytes() == app
    assert not any(p.exists() and p.read_bytes() == b"garbage" for p in blobs)


def test_a_damaged_action_entry_is_a_miss_and_is_replaced(sandbox):
    repo = project(sandbox)
    assert keel_run(sandbox, repo, "build").code == 0
    (entry,) = (cache_dir(sandbox) / "ac").iterdir()
    entry.write_text(entry.read_text().replace('"out/app"', '"../../escape"'))
    r = keel_run(sandbox, repo, "build")
    assert state_of(r) == "passed" and runs(sandbox) == 2
    assert not (repo.parent / "escape").exists()
    r = keel_run(sandbox, repo, "build")
    assert state_of(r) == "up to date"


def test_files_git_ignores_are_left_out_unless_named(sandbox):
    config = '[tasks.t]\ninputs = ["**/*.txt"]\nrun = "echo ran >> ../runs"\n[tasks.named]\ninputs = ["gen/x.txt"]\nrun = "echo ran >> ../runs"\n'
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    (repo / ".gitignore").write_text("gen/\n")
    (repo / "a.txt").write_text("a\n")
    (repo / "gen").mkdir()
    (repo / "gen" / "x.txt").write_text("1\n")
    assert keel_run(sandbox, repo, "t", "named").code == 0
    (repo / "gen" / "x.txt").write_text("2\n")
    r = keel_run(sandbox, repo, "t", "named")
    assert state_of(r, "t") == "up to date"
    assert state_of(r, "named") == "passed"


def keel_without_dac_override(sandbox, repo, *args):
    """keel as root without the capabilities that read any file: the tests run as root, and root
    reads a mode-000 file."""
    proc = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", KEEL_BIN, *args],
                          cwd=repo, env=sandbox.env, capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("unreadable", ["src/secret", "src/secret/s.c", "src"])
def test_an_input_keel_cannot_read_fails_the_task_before_it_runs(sandbox, unreadable):
    repo = project(sandbox, '[tasks.t]\ninputs = ["src/**"]\nrun = "echo ran >> ../runs"\n')
    (repo / "src" / "secret").mkdir()
    (repo / "src" / "secret" / "s.c").write_text("int s;\n")
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: secret", cwd=repo)
    (repo / unreadable).chmod(0)
    try:
        code, err = keel_without_dac_override(sandbox, repo, "run", "t")
        assert code == 1, err
        assert f"keel: error: cannot read '{repo / unreadable}': Permission denied\n" in err
        assert runs(sandbox) == 0
        # Nothing was recorded: once readable, the task runs.
    finally:
        (repo / unreadable).chmod(0o755)
    r = keel_run(sandbox, repo, "t")
    assert r.code == 0, r
    assert state_of(r, "t") == "passed" and runs(sandbox) == 1


@pytest.mark.parametrize("key, value", [("core.splitIndex", "true"), ("core.ignorecase", "true"), ("core.splitIndex", "false")])
def test_a_tracked_file_git_ignores_counts_whoever_reads_the_index(sandbox, key, value):
    # keel reads the index file on its own while the walk begins; a split
    # index, or one whose lookups ignore case, is read by the repository.
    repo = sandbox.repo()
    sandbox.git("config", key, value, cwd=repo)
    (repo / "keel.toml").write_text('[tasks.t]\ninputs = ["**/*.txt"]\nrun = "echo ran >> ../runs"\n')
    (repo / ".gitignore").write_text("gen/\n")
    (repo / "a.txt").write_text("a\n")
    (repo / "gen").mkdir()
    (repo / "gen" / "kept.txt").write_text("k\n")
    (repo / "gen" / "x.txt").write_text("x\n")
    sandbox.git("add", "keel.toml", ".gitignore", "a.txt", cwd=repo)
    sandbox.git("add", "-f", "gen/kept.txt", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: files", cwd=repo)
    assert keel_run(sandbox, repo, "t").code == 0
    (repo / "gen" / "x.txt").write_text("changed\n")
    assert state_of(keel_run(sandbox, repo, "t"), "t") == "up to date"
    (repo / "gen" / "kept.txt").write_text("changed\n")
    assert state_of(keel_run(sandbox, repo, "t"), "t") == "passed"
    assert runs(sandbox) == 2


def test_a_glob_matching_nothing_warns_and_the_task_runs(sandbox):
    repo = project(sandbox, '[tasks.t]\ninputs = ["src/*.c", "docs/*.md"]\nrun = "echo ran >> ../runs"\n')
    r = keel_run(sandbox, repo, "t")
    assert r.code == 0, r
    assert "keel: warning: input 'docs/*.md' of task 't' matches no file\n" in r.err
    assert runs(sandbox) == 1


def test_force_runs_and_no_cache_leaves_the_store_alone(sandbox):
    repo = project(sandbox)
    assert keel_run(sandbox, repo, "build").code == 0
    assert state_of(keel_run(sandbox, repo, "-f", "build")) == "passed"
    assert state_of(keel_run(sandbox, repo, "--no-cache", "build")) == "passed"
    assert runs(sandbox) == 3


def test_an_unwritable_cache_is_left_out_with_one_warning(sandbox):
    repo = project(sandbox)
    blocker = sandbox.root / "not-a-dir"
    blocker.write_text("")
    r = sandbox.keel("-c", f"cache.dir={blocker}", "run", "build", cwd=repo)
    assert r.code == 0, r
    assert r.err.count("keel: warning:") == 1
    assert f"keel: warning: cannot create the cache directory '{blocker}/cas': Not a directory; keel run goes on without the cache\n" in r.err
    assert (repo / "out" / "app").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a full tmpfs needs root")
def test_a_full_cache_says_so_once_and_the_run_goes_on(sandbox):
    repo = project(sandbox, BUILD.replace("cat src/*.c > out/app", "head -c 200000 /dev/zero > out/app"))
    mnt = sandbox.root / "full"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], check=True)
    try:
        r = sandbox.keel("-c", f"cache.dir={mnt}", "run", "build", cwd=repo)
        assert r.code == 0, r
        assert "the run goes on without storing in the cache" in r.err
        assert r.err.count("keel: warning:") == 1
        assert not list((mnt / "ac").iterdir())
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_concurrent_runs_share_one_store(sandbox):
    repos = [project(sandbox, name=f"repo{i}") for i in range(4)]
    procs = [subprocess.Popen([KEEL_BIN, "run", "build"], cwd=r, env=sandbox.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for r in repos for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert "warning" not in err and "error" not in err
    for r in repos:
        subprocess.run(["rm", "-rf", str(r / "out")], check=True)
        res = sandbox.keel("run", "build", cwd=r)
        assert state_of(res) == "restored", res
    stats = sandbox.keel("cache", "stats")
    assert stats.code == 0, stats
    assert "entries:   1\n" in stats.out  # same inputs and commands: one key


def test_gc_by_size_and_age_and_clean(sandbox):
    repo = project(sandbox, BUILD.replace("cat src/*.c > out/app", "head -c 100000 /dev/urandom > out/app"))
    for i in range(3):
        (repo / "src" / "main.c").write_text(f"int main(void) {{ return {i}; }}\n")
        assert keel_run(sandbox, repo, "build").code == 0
        time.sleep(0.05)
    stats = sandbox.keel("cache", "stats")
    assert "entries:   3\n" in stats.out, stats
    assert "hit rate:  0% (0 of 3 cached tasks in the last 3 runs)\n" in stats.out
    r = sandbox.keel("cache", "gc", "--max-size", "150K")
    assert r.code == 0, r
    assert r.out.startswith("removed 2 entries and ")
    assert "entries:   1\n" in sandbox.keel("cache", "stats").out
    r = sandbox.keel("run", "build", cwd=repo)
    assert state_of(r) == "up to date", r  # the most recent entry is the one kept
    time.sleep(0.05)
    r = sandbox.keel("cache", "gc", "--max-age", "10ms")
    assert r.out.startswith("removed 1 entries and "), r
    r = sandbox.keel("cache", "clean")
    assert r.code == 0 and not (cache_dir(sandbox) / "ac").exists()
    r = sandbox.keel("cache", "gc", "--max-size", "5Q")
    assert r.code == 2 and r.err == "keel: error: invalid size '5Q': unknown unit 'Q'\nhint: units are K, M, G and T (powers of 1024)\n"


def test_dry_run_says_what_the_cache_would_do_and_changes_nothing(sandbox):
    config = BUILD + '[tasks.ship]\ndeps = ["build"]\ninputs = ["out/app"]\nrun = "echo shipped >> ../runs"\n'
    repo = project(sandbox, config)
    r = keel_run(sandbox, repo, "-n", "ship")
    assert r.code == 0, r
    assert r.out.splitlines()[0] == "build (runs)"
    assert r.out.splitlines()[2] == "ship (decided once its deps are done)"
    assert runs(sandbox) == 0 and not (repo / "out").exists()
    assert keel_run(sandbox, repo, "ship").code == 0
    r = keel_run(sandbox, repo, "-n", "ship")
    assert [line for line in r.out.splitlines() if not line.startswith("  ")] == ["build (up to date)", "ship (up to date)"]
    subprocess.run(["rm", "-rf", str(repo / "out")], check=True)
    r = keel_run(sandbox, repo, "-n", "ship")
    assert [line for line in r.out.splitlines() if not line.startswith("  ")] == [
        "build (restored from the cache)", "ship (decided once its deps are done)"]
    assert not (repo / "out").exists() and runs(sandbox) == 2


def test_a_warm_check_reads_no_input_file(sandbox):
    repo = project(sandbox, '[tasks.check]\ninputs = ["src/**"]\nrun = "true"\n')
    for i in range(50):
        (repo / "src" / f"f{i}.c").write_text(f"{i}\n")
    assert keel_run(sandbox, repo, "check").code == 0
    time.sleep(1.1)  # past the racy window, as the next record is written
    assert keel_run(sandbox, repo, "check").code == 0
    trace = sandbox.root / "trace"
    env = dict(sandbox.env)
    if "ASAN_OPTIONS" in env:  # LeakSanitizer cannot run under ptrace
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    proc = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(trace), KEEL_BIN, "run", "check"],
                          cwd=repo, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "  up to date check (" in proc.stderr
    opened = [line for line in trace.read_text().splitlines() if "/src/" in line and ".c\"" in line]
    assert opened == []
