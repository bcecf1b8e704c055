"""The committed completions and man pages match the live command tree."""

import re
import os
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
HINT = "stale: run scripts/update-docs (or meson compile -C build update-docs) and commit"


def test_completion_scripts_are_fresh(sandbox):
    for shell, name in (("bash", "keel.bash"), ("zsh", "_keel"), ("fish", "keel.fish")):
        r = sandbox.keel("completions", shell)
        assert r.code == 0, r
        assert r.out == (SOURCE / "completions" / name).read_text(), f"completions/{name} is {HINT}"


def test_man_pages_are_fresh_and_complete(sandbox):
    pages = sorted(p.name for p in (SOURCE / "man").glob("*.1"))
    r = sandbox.keel("--help")
    commands = []
    in_commands = False
    for line in r.out.splitlines():
        if line.startswith("Subcommands:"):
            in_commands = True
            continue
        if in_commands and line.strip():
            commands.append(line.split()[0])
    assert pages == sorted(["keel.1"] + [f"keel-{c}.1" for c in commands]), f"man/ is {HINT}"
    installed = re.findall(r"^  '([^']+)',$", (SOURCE / "man" / "meson.build").read_text(), re.M)
    assert sorted(installed) == pages, f"man/meson.build is {HINT}"
    for page in pages:
        command = page[len("keel-"):-2] if page != "keel.1" else ""
        r = sandbox.keel("man", *([command] if command else []))
        assert r.code == 0, r
        assert r.out == (SOURCE / "man" / page).read_text(), f"man/{page} is {HINT}"


def test_man_pages_are_listed_for_install():
    listed = (SOURCE / "man" / "meson.build").read_text()
    for page in (SOURCE / "man").glob("*.1"):
        assert f"'{page.name}'" in listed, f"man/meson.build does not install {page.name}"


def test_unknown_man_page(sandbox):
    r = sandbox.keel("man", "nope")
    assert r.code == 2
    assert r.err == "keel: error: no manual page for 'nope'\nhint: see 'keel --help' for the list of commands\n"


def test_bash_completion_completes_commands_and_choices(sandbox):
    script = sandbox.write("complete.bash", (SOURCE / "completions" / "keel.bash").read_text() + """
complete_words() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
    _keel; echo "${COMPREPLY[*]}"
}
complete_words keel con
complete_words keel config ''
complete_words keel --color ''
complete_words keel -C /tmp config l
complete_words keel config list --sh
""")
    import subprocess
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [
        "config",
        "list get set path validate schema",
        "auto always never",
        "list",
        "--show-origin",
    ]


def test_zsh_and_fish_scripts_parse():
    import shutil
    import subprocess
    for shell, args, name in (("zsh", ["-n"], "_keel"), ("fish", ["--no-execute"], "keel.fish")):
        assert shutil.which(shell), f"{shell} is missing: run scripts/bootstrap"
        r = subprocess.run([shell, *args, str(SOURCE / "completions" / name)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_fish_completion_completes_subcommands(tmp_path):
    import subprocess
    script = tmp_path / "t.fish"
    script.write_text(f"source {SOURCE / 'completions' / 'keel.fish'}\n"
                      "complete -C 'keel config '\n"
                      "complete -C 'keel --color '\n")
    out = subprocess.run(["fish", "--no-config", str(script)], capture_output=True, text=True,
                         env={"HOME": str(tmp_path), "PATH": os.environ["PATH"]}).stdout
    words = [line.split("\t")[0] for line in out.splitlines()]
    assert words[:6] == ["get", "list", "path", "schema", "set", "validate"]
    assert {"auto", "always", "never"} <= set(words)
