"""keel hooks run on a real terminal: interactive commands get it, the others do not, and colour follows it.

Each test starts keel as the leader of a new session whose controlling
terminal is a fresh pseudo-terminal, so keel's process group is the
terminal's foreground group, as in a shell. The test reads the terminal's
master side until keel and everything holding the terminal are gone, with a
hard time limit, and types replies only once a prompt has appeared.

A non-interactive command that reads /dev/tty runs in a background process
group and is stopped by SIGTTIN; keel notices, ends it and says why.
"""

import errno
import fcntl
import os
import select
import signal
import subprocess
import termios
import time

import pytest

TIME_LIMIT = 20  # seconds for one keel run, so that a stuck run fails instead of hanging CI


def project(sandbox, config):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    return repo


def take_terminal():
    """In the child, after setsid: make its stdin (the pty's slave side) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_on_terminal(sandbox, *args, cwd, env=None, replies=(), binary=None):
    """Runs keel on a new pseudo-terminal; returns (exit code, everything the terminal showed).

    replies: (prompt, text) pairs, in order; text is typed once prompt has appeared on the terminal.
    binary: another keel to run than $KEEL_BIN.
    Output is returned with the terminal's "\\r\\n" line ends turned back into "\\n".
    """
    full_env = dict(sandbox.env)
    full_env.update(env or {})
    master, slave = os.openpty()
    proc = None
    shown = bytearray()
    pending = [(prompt.encode(), text.encode()) for prompt, text in replies]
    try:
        proc = subprocess.Popen([str(binary or os.environ["KEEL_BIN"]), *map(str, args)], cwd=str(cwd), env=full_env, stdin=slave, stdout=slave,
                                stderr=slave, start_new_session=True, preexec_fn=take_terminal)
        os.close(slave)
        slave = None
        deadline = time.monotonic() + TIME_LIMIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"keel did not finish within {TIME_LIMIT}s; the terminal showed {bytes(shown)!r}")
            ready, _, _ = select.select([master], [], [], min(left, 0.1))
            if not ready:
                if proc.poll() is not None:
                    break  # keel is gone and nothing more is waiting to be read
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                chunk = b""
            if not chunk:
                break  # EIO: every slave side is closed, so keel and its commands are gone
            shown += chunk
            while pending and pending[0][0] in shown:
                os.write(master, pending.pop(0)[1])
        assert not pending, f"never prompted for {pending}; the terminal showed {bytes(shown)!r}"
        code = proc.wait(timeout=TIME_LIMIT)
    finally:
        if slave is not None:
            os.close(slave)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return code, bytes(shown).decode().replace("\r\n", "\n")


def run_pre_commit(sandbox, config, scripts, replies=()):
    """Makes a project with this config and these scripts beside it; runs its pre-commit hook on a terminal."""
    repo = project(sandbox, config)
    for name, text in scripts.items():
        sandbox.write(name, text)
    code, shown = run_on_terminal(sandbox, "--color", "never", "hooks", "run", "pre-commit", cwd=repo,
                                  replies=replies)
    return repo, code, shown


# Prints a prompt on the terminal, reads the answer from it and keeps it.
ASK = """\
printf 'answer? ' > /dev/tty
read answer < /dev/tty
printf %s "$answer" > answer.txt
"""

# Writes to the file named by $1 which of stdin and stdout are a terminal.
WHICH_TTY = """\
if test -t 0; then stdin=terminal; else stdin=other; fi
if test -t 1; then stdout=terminal; else stdout=other; fi
echo "stdin $stdin, stdout $stdout" > "$1"
"""


def test_interactive_command_reads_the_answer_typed_on_the_terminal(sandbox):
    repo, code, shown = run_pre_commit(sandbox, '[hooks.pre-commit.commands.ask]\nrun = "sh ../ask.sh"\ninteractive = true\n',
                                       {"ask.sh": ASK}, replies=[("answer? ", "yes\n")])
    assert code == 0, shown
    assert (repo / "answer.txt").read_text() == "yes"
    lines = shown.splitlines()
    # The prompt and the terminal's echo of the answer, then the summary; no "--- ask" block, since the
    # command wrote straight to the terminal rather than to keel.
    assert lines[:2] == ["answer? yes", "pre-commit:"], shown
    assert lines[2].startswith("  passed  ask (") and lines[2].endswith("s)"), shown
    assert len(lines) == 3, shown


def test_only_the_interactive_command_gets_the_terminal_on_stdin_and_stdout(sandbox):
    config = """\
[hooks.pre-commit.commands.ask]
run = "sh ../which-tty.sh ../interactive.txt"
interactive = true
[hooks.pre-commit.commands.plain]
run = "sh ../which-tty.sh ../plain.txt"
"""
    _, code, shown = run_pre_commit(sandbox, config, {"which-tty.sh": WHICH_TTY})
    assert code == 0, shown
    assert (sandbox.root / "interactive.txt").read_text() == "stdin terminal, stdout terminal\n"
    assert (sandbox.root / "plain.txt").read_text() == "stdin other, stdout other\n"
    lines = shown.splitlines()
    assert lines[0] == "pre-commit:", shown
    assert lines[1].startswith("  passed  ask (") and lines[2].startswith("  passed  plain ("), shown
    assert len(lines) == 3, shown


def test_a_background_command_that_reads_the_terminal_fails_instead_of_hanging(sandbox):
    repo, code, shown = run_pre_commit(sandbox, '[hooks.pre-commit.commands.sneaky]\nrun = "sh ../ask.sh"\n',
                                       {"ask.sh": ASK})
    assert code == 1, shown
    assert not (repo / "answer.txt").exists()
    lines = shown.splitlines()
    # The prompt reached the terminal (a background write is allowed) and has no line end; then the
    # summary, which says what happened.
    assert lines[0] == "answer? pre-commit:", shown
    assert lines[1].startswith("  failed  sneaky (") and lines[1].endswith(
        "): stopped: it read from the terminal (set interactive = true for a command that prompts)"), shown
    assert len(lines) == 2, shown


COLOURS = """\
[hooks.pre-commit]
parallel = false
[hooks.pre-commit.commands.good]
run = "echo fine"
[hooks.pre-commit.commands.bad]
run = "echo broken; exit 3"
[hooks.pre-commit.commands.off]
run = "echo never"
skip = true
"""


CASES = [([], {}, True), ([], {"NO_COLOR": ""}, True), (["--color", "never"], {}, False),
         ([], {"NO_COLOR": "1"}, False), (["-c", "ui.color=never"], {}, False), ([], {"TERM": "dumb"}, False)]


@pytest.mark.parametrize("args, env, coloured", CASES,
                         ids=["auto", "auto-empty-NO_COLOR", "--color-never", "NO_COLOR", "ui.color-never", "TERM-dumb"])
def test_colour_on_a_terminal(sandbox, args, env, coloured):
    """Colour by default on a terminal (an empty NO_COLOR does not count); none when turned off."""
    def paint(text, code):
        return f"\033[{code}m{text}\033[0m" if coloured else text

    repo = project(sandbox, COLOURS)
    code, shown = run_on_terminal(sandbox, *args, "hooks", "run", "pre-commit", cwd=repo, env=env)
    assert code == 1, shown
    assert ("\033" in shown) == coloured, shown
    lines = shown.splitlines()
    assert lines[:5] == [paint("--- good", 1), "fine", paint("--- bad", 1), "broken", "pre-commit:"], shown
    assert lines[5].startswith(f"  {paint('passed ', 32)} good ("), shown
    assert lines[6].startswith(f"  {paint('failed ', 31)} bad (") and lines[6].endswith("): exit 3"), shown
    assert lines[7] == f"  {paint('skipped', 33)} off: skip = true", shown
    assert len(lines) == 8, shown
