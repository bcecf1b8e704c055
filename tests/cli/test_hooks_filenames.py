"""File names reach hook commands as data: one literal argument each, whatever quoting surrounds the template."""

import os

import pytest

HOSTILE = [
    b"x$(touch PWNED).txt",
    b"a`touch PWNED`.txt",
    b"a';touch PWNED;'b.txt",
    b'q";touch PWNED;".txt',
    b"-rf",
    b"new\nline.txt",
    b"tab\there.txt",
    b"back\\slash.txt",
    b"bad\xff\xfeutf8.txt",
    b"a b.txt",
    b"c.txt",
    b"$HOME.txt",
    b"star*.txt",
]

# printf writes each argument it gets NUL-terminated to ../args, outside the work tree.
FORMS = {
    "bare": "printf '%s\\0' {staged_files} >> ../args",
    "single": "printf '%s\\0' '{staged_files}' >> ../args",
    "double": 'printf \'%s\\0\' "{staged_files}" >> ../args',
    "command substitution": "printf '%s\\0' \"$(printf x)\"'{staged_files}' >> ../args",
}


def project_with_hostile_names(sandbox, run, names=HOSTILE):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(f"[hooks.pre-commit.commands.rec]\nrun = '''{run}'''\n")
    for name in names:
        (repo / os.fsdecode(name)).write_bytes(b"x\n")
    sandbox.git("add", "--", *map(os.fsdecode, names), cwd=repo)
    return repo


def expected_arguments(prefix=b""):
    names = [b"./" + n if n.startswith(b"-") else n for n in sorted(HOSTILE)]
    names[0] = prefix + names[0]
    return names


@pytest.mark.parametrize("form", FORMS)
def test_hostile_names_are_one_literal_argument_each_and_run_nothing(sandbox, form):
    repo = project_with_hostile_names(sandbox, FORMS[form])
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    received = (repo.parent / "args").read_bytes().split(b"\0")[:-1]
    assert received == expected_arguments(b"x" if form == "command substitution" else b"")
    assert not (repo / "PWNED").exists()
    assert not (sandbox.root / "PWNED").exists()


@pytest.mark.parametrize("quote", ["", "'", '"'])
def test_echo_templates_from_the_issue_run_nothing(sandbox, quote):
    # Without the invalid UTF-8 name, which the text-mode capture cannot hold.
    names = [n for n in HOSTILE if not n.startswith(b"bad")]
    repo = project_with_hostile_names(sandbox, f"echo {quote}{{staged_files}}{quote}", names)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert "--- rec\n" in r.out
    assert "x$(touch PWNED).txt" in r.out and "a';touch PWNED;'b.txt" in r.out
    assert not (repo / "PWNED").exists()


def test_a_template_inside_a_nested_shell_gets_the_names_as_that_shells_arguments(sandbox):
    # The documented way to hand names to another shell: as its arguments.
    repo = project_with_hostile_names(sandbox, "sh -c 'printf \"%s\\0\" \"$@\" >> ../args' sh {staged_files}")
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (repo.parent / "args").read_bytes().split(b"\0")[:-1] == expected_arguments()
    assert not (repo / "PWNED").exists()


def test_a_commit_through_the_installed_hook_passes_hostile_names_as_data(sandbox):
    repo = project_with_hostile_names(sandbox, FORMS["single"])
    r = sandbox.keel("hooks", "install", cwd=repo)
    assert r.code == 0, r
    sandbox.git("commit", "-q", "-m", "chore: hostile names", cwd=repo)
    assert (repo.parent / "args").read_bytes().split(b"\0")[:-1] == expected_arguments()
    assert not (repo / "PWNED").exists()


def test_a_list_in_an_assignment_is_one_value_and_no_name_runs_as_a_command(sandbox):
    names = [b"a.txt", b"mkdir"]  # as a separate word after FILES=..., mkdir would run
    repo = project_with_hostile_names(sandbox, "FILES=\"{staged_files}\"; printf '%s\\0' \"$FILES\" >> ../args", names)
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert (repo.parent / "args").read_bytes() == b"a.txt mkdir\0"


def test_shell_code_in_braces_is_not_taken_for_a_template(sandbox):
    repo = project_with_hostile_names(sandbox, "awk '{print}' {staged_files} > /dev/null; echo x | sed '/y/{d}'",
                                      [b"a.txt"])
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
