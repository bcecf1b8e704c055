"""keel run under Ctrl-C and SIGTERM: no process a task started is left, finally tasks run, keel exits 130."""

import os
import signal
import subprocess
import time

from conftest import KEEL_BIN


def gone(pid):
    """True when the process has exited (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_for(path, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.02)
    raise AssertionError(f"{path} was not written")


def start(sandbox, repo, *args):
    return subprocess.Popen([KEEL_BIN, *args], cwd=repo, env=sandbox.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


CONFIG = """
[tasks.serve]
run = "sleep 60 & echo $! > bg.pid; wait"
finally = ["report"]
[tasks.other]
run = "sleep 60"
[tasks.all]
deps = ["serve", "other"]
run = "echo never > never"
[tasks.report]
run = "echo $KEEL_RUN_STATUS > status"
"""


def test_ctrl_c_stops_every_task_and_its_background_child_then_runs_finally(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(CONFIG)
    keel = start(sandbox, repo, "-c", "process.grace_period=2", "run", "-j", "2", "all")
    bg = int(wait_for(repo / "bg.pid"))
    assert not gone(bg)
    keel.send_signal(signal.SIGINT)
    out, err = keel.communicate(timeout=20)
    assert keel.returncode == 130, err
    assert gone(bg), "the task's background child was stopped"
    assert (repo / "status").read_text() == "cancelled\n"
    assert not (repo / "never").exists()
    assert "  cancelled  serve (" in err and "  cancelled  other (" in err
    assert "  cancelled  all\n" in err
    assert "  passed     report (" in err


def test_sigterm_is_handled_like_ctrl_c(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(CONFIG)
    keel = start(sandbox, repo, "-c", "process.grace_period=2", "run", "serve")
    bg = int(wait_for(repo / "bg.pid"))
    keel.send_signal(signal.SIGTERM)
    keel.communicate(timeout=20)
    assert keel.returncode == 130
    assert gone(bg)
    assert (repo / "status").read_text() == "cancelled\n"


def test_a_second_ctrl_c_skips_the_grace_period(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[tasks.stubborn]\nrun = "trap \'\' INT TERM; echo $$ > pid; while :; do sleep 0.1; done"\n')
    keel = start(sandbox, repo, "-c", "process.grace_period=60", "run", "stubborn")
    pid = int(wait_for(repo / "pid"))
    keel.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert keel.poll() is None, "the first Ctrl-C waits for the grace period"
    started = time.monotonic()
    keel.send_signal(signal.SIGINT)
    keel.communicate(timeout=20)
    assert time.monotonic() - started < 5
    assert keel.returncode == 130
    assert gone(pid)


def test_a_timed_out_task_loses_its_background_child_too(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[tasks.t]\nrun = "sleep 60 & echo $! > bg.pid; wait"\ntimeout = "500ms"\n')
    r = sandbox.keel("-c", "process.grace_period=1", "run", "t", cwd=repo, timeout=30)
    assert r.code == 1, r
    assert "  timed out  t (timeout 500ms, " in r.err
    assert gone(int((repo / "bg.pid").read_text()))
