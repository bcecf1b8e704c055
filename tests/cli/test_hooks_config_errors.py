"""A hooks configuration that is wrong stops keel with the file, the position and the right suggestion; it never runs nothing and exits 0."""

TAIL = "keel: error: configuration has errors\nhint: run 'keel config validate' for the full list\n"


def run_with(sandbox, config):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(config)
    return sandbox.keel("hooks", "run", "pre-commit", cwd=repo)


def test_a_misspelt_section_is_an_error_that_suggests_the_section(sandbox):
    r = run_with(sandbox, '[hooks.pre-commit.comands.x]\nrun = "true"\n')
    assert (r.code, r.out) == (78, ""), r
    assert r.err == ("keel: error: keel.toml:1:19: unknown key 'hooks.pre-commit.comands'; "
                     "did you mean 'hooks.pre-commit.commands'?\n" + TAIL)


def test_a_misspelt_key_is_an_error_that_suggests_the_key(sandbox):
    r = run_with(sandbox, '[hooks.pre-commit.commands.x]\nrun = "true"\nglobb = "*.js"\n')
    assert (r.code, r.out) == (78, ""), r
    assert r.err == ("keel: error: keel.toml:3:1: unknown key 'hooks.pre-commit.commands.x.globb'; "
                     "did you mean 'hooks.pre-commit.commands.x.glob'?\n" + TAIL)


def test_a_misspelt_template_is_an_error_that_suggests_the_template(sandbox):
    r = run_with(sandbox, '[hooks.pre-commit.commands.x]\nrun = "eslint {stagedfiles}"\n')
    assert (r.code, r.out) == (78, ""), r
    assert r.err == ("keel: error: keel.toml:2:1: unknown template '{stagedfiles}' in hook command "
                     "'pre-commit.x'; did you mean '{staged_files}'?\n"
                     "hint: templates are {staged_files}, {all_files}, {push_files}, {files}, {0} and {1}, {2}..., {job_name}\n")


def test_shell_braces_are_not_templates(sandbox):
    config = '[hooks.pre-commit.commands.x]\nrun = "x=1; echo ${x} \\\\{staged_files} {a,b} {} {1a} { x }"\n'
    r = run_with(sandbox, config)
    assert r.code == 0, r
    assert "1 {staged_files} {a,b} {} {1a} { x }\n" in r.out


def test_a_wrong_type_is_an_error_with_its_position(sandbox):
    r = run_with(sandbox, '[hooks.pre-commit.commands.x]\nrun = ["a", "b"]\n')
    assert (r.code, r.out) == (78, ""), r
    assert r.err == ("keel: error: keel.toml:2:1: wrong type for 'hooks.pre-commit.commands.x.run': expected a "
                     "string, found an array\n" + TAIL)
