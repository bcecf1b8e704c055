"""keel commit lint: one message (file, stdin, COMMIT_EDITMSG) or a range of commits."""

import os
import stat

import pytest

TYPES = "build, chore, ci, docs, feat, fix, perf, refactor, revert, style, test"


def lint_text(sandbox, text, *args, cwd=None):
    path = sandbox.write("msg/COMMIT_EDITMSG", text)
    return sandbox.keel("commit", "lint", path, *args, cwd=cwd)


def short(sandbox, repo, rev="HEAD"):
    return sandbox.git("rev-parse", "--short=12", rev, cwd=repo).strip()


def commit(sandbox, repo, message, file=None):
    """An empty commit (or one changing file) with message; returns its short id."""
    if file:
        (repo / file).write_text(message)
        sandbox.git("add", file, cwd=repo)
    sandbox.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", message, cwd=repo)
    return short(sandbox, repo)


@pytest.mark.parametrize("text", [
    "feat: add x\n",
    "fix(parser): handle CRLF\n",
    "feat(api)!: send an email to the customer when a product is shipped\n",
    "feat: allow provided config object to extend other configs\n\n"
    "BREAKING CHANGE: `extends` key in config file is now used for extending other config files\n",
    "chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.\n",
    "docs: correct spelling of CHANGELOG\n",
    "feat(lang): add Polish language\n",
    "fix: prevent racing of requests\n\nIntroduce a request id and a reference to latest request. Dismiss\n"
    "incoming responses other than from latest request.\n\nRemove timeouts which were used to mitigate the "
    "racing issue but are\nobsolete now.\n\nReviewed-by: Z\nRefs: #123\n",
    "revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868\n",
    "refactor(core/io, ui): split the reader\n\nSigned-off-by: A U Thor <a@example.com>\n",
    "style: `Eslint` configuration\n",
    "perf: 2x faster startup\n",
    "ci: wait for it...\n",
    "test: cover the url exemption\n\nSee https://example.com/" + "y" * 120 + "\n\nRefs: https://example.com/"
    + "z" * 120 + "\n",
])
def test_good_messages_pass_silently(sandbox, text):
    r = lint_text(sandbox, text)
    assert (r.code, r.out, r.err) == (0, "", ""), r


@pytest.mark.parametrize("text, lines", [
    ("feet: add x\n",
     [f"error type-enum: type must be one of {TYPES}; found 'feet'; did you mean 'feat'?"]),
    ("FIX: x\n",
     ["error type-case: type must be lower-case; found 'FIX'",
      f"error type-enum: type must be one of {TYPES}; found 'FIX'; did you mean 'fix'?"]),
    ("fix:\n",
     ["error type-empty: header is not 'type(scope): description': description is empty",
      "error subject-empty: subject may not be empty"]),
    ("fix:x\n",
     ["error type-empty: header is not 'type(scope): description': expected a space after ':'",
      "error subject-empty: subject may not be empty"]),
    ("Update the readme\n",
     ["error type-empty: header is not 'type(scope): description': expected '(scope)', '!' or ': ' after 'Update'",
      "error subject-empty: subject may not be empty"]),
    ("feat-ui: x\n",
     ["error type-empty: header is not 'type(scope): description': expected '(scope)', '!' or ': ' after 'feat'",
      "error subject-empty: subject may not be empty"]),
    ("feat: Add x\n", ["error subject-case: subject must not be sentence-case; found 'Add x'"]),
    ("feat: ADD X\n",
     ["error subject-case: subject must not be sentence-case, start-case or upper-case; found 'ADD X'"]),
    ("feat: add x.\n", ["error subject-full-stop: subject may not end with '.'"]),
    (" feat: add x\n", ["error header-trim: header must not start with whitespace"]),
    ("feat: " + "x" * 95 + "\n",
     ["error header-max-length: header must not be longer than 100 characters; found 101"]),
    ("feat: add x\n\n" + "b" * 101 + "\n",
     ["error body-max-line-length: body lines must not be longer than 100 characters; line 3 has 101"]),
    ("feat: add x\n\nRefs: " + "r" * 100 + "\n",
     ["error footer-max-line-length: footer lines must not be longer than 100 characters; line 3 has 106"]),
])
def test_each_rule_failing(sandbox, text, lines):
    r = lint_text(sandbox, text)
    assert (r.code, r.out.splitlines(), r.err) == (1, lines, ""), r


def test_an_empty_scope_is_no_scope_as_in_commitlint(sandbox):
    r = lint_text(sandbox, "feat(): x\n")
    assert (r.code, r.out, r.err) == (0, "", ""), r
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[commit.rules.scope-empty]\nlevel = "error"\n')
    r = lint_text(sandbox, "feat(): x\n", cwd=repo)
    assert (r.code, r.out.splitlines()) == (1, ["error scope-empty: scope may not be empty"]), r


def test_warnings_alone_exit_0(sandbox):
    r = lint_text(sandbox, "feat: add x\nbody right under the header\n")
    assert (r.code, r.out, r.err) == (0, "warning body-leading-blank: body must have a leading blank line\n", ""), r
    r = lint_text(sandbox, "feat: add x\nRefs: #1\n")
    assert (r.code, r.out) == (0, "warning footer-leading-blank: footer must have a leading blank line\n"), r


def test_errors_and_warnings_together(sandbox):
    r = lint_text(sandbox, "feat: Add x\nbody\n")
    assert r.code == 1, r
    assert r.out.splitlines() == [
        "error subject-case: subject must not be sentence-case; found 'Add x'",
        "warning body-leading-blank: body must have a leading blank line",
    ]


def test_lowercase_breaking_change_is_just_body(sandbox):
    # Not a footer (a token has no space), so no footer rule applies either.
    r = lint_text(sandbox, "feat: add x\n\nbreaking change: nothing\n")
    assert (r.code, r.out) == (0, ""), r


def test_an_issue_number_in_the_body_is_no_footer(sandbox):
    r = lint_text(sandbox, "fix: x\n\nThis fixes the crash, see issue #1234 for the\ndetails.\n")
    assert (r.code, r.out) == (0, ""), r


def test_comments_and_scissors_are_removed(sandbox):
    text = (
        "feat: add x\n"
        "# Please enter the commit message for your changes. Lines starting\n"
        "# with '#' will be ignored, and an empty message aborts the commit.\n"
        "#\n"
        "# On branch main\n"
        "# ------------------------ >8 ------------------------\n"
        "# Do not modify or remove the line above.\n"
        "diff --git a/README b/README\n"
        "+A Line That Would Break Every Rule.\n"
    )
    r = lint_text(sandbox, text)
    assert (r.code, r.out, r.err) == (0, "", ""), r


def test_crlf_and_trailing_spaces(sandbox):
    r = lint_text(sandbox, "feat: add x   \r\n\r\nBody.  \r\n\r\nRefs: #1\r\n")
    assert (r.code, r.out) == (0, ""), r


def test_custom_comment_char_of_the_repository(sandbox):
    repo = sandbox.repo()
    sandbox.git("config", "core.commentChar", ";", cwd=repo)
    text = "feat: add x\n; Please Enter The Commit Message\n; ------------------------ >8 ------------------------\nX.\n"
    path = repo / ".git" / "COMMIT_EDITMSG"
    path.write_text(text)
    r = sandbox.keel("commit", "lint", ".git/COMMIT_EDITMSG", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "", ""), r
    # Outside the repository ';' is text: the lines become a body without its blank line.
    outside = sandbox.write("elsewhere/msg", text)
    r = sandbox.keel("commit", "lint", outside, cwd=outside.parent)
    assert (r.code, r.out) == (0, "warning body-leading-blank: body must have a leading blank line\n"), r


def test_comment_char_keeps_hash_lines(sandbox):
    repo = sandbox.repo()
    sandbox.git("config", "core.commentChar", ";", cwd=repo)
    (repo / "msg").write_text("feat: add x\n\n# Heading\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r  # '# Heading' is body text
    (repo / "msg").write_text("feat: add x\n# not a comment here\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert r.out == "warning body-leading-blank: body must have a leading blank line\n", r


def test_comment_string_of_several_characters(sandbox):
    repo = sandbox.repo()
    sandbox.git("config", "core.commentChar", "//", cwd=repo)
    (repo / "msg").write_text("feat: add x\n// Comment Line.\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r


def test_comment_char_auto_means_hash(sandbox):
    repo = sandbox.repo()
    sandbox.git("config", "core.commentChar", "auto", cwd=repo)
    (repo / "msg").write_text("feat: add x\n# Comment Line.\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r


def test_stdin(sandbox):
    r = sandbox.keel("commit", "lint", "-", input="feat: add x\n# comment\n")
    assert (r.code, r.out, r.err) == (0, "", ""), r
    r = sandbox.keel("commit", "lint", "-", input="feet: x\n")
    assert r.code == 1, r
    assert r.out == f"error type-enum: type must be one of {TYPES}; found 'feet'; did you mean 'feat'?\n"


def test_stdin_too_large(sandbox):
    r = sandbox.keel("commit", "lint", "-", input="feat: " + "x" * (11 * 1024 * 1024))
    assert (r.code, r.out, r.err) == (2, "", "keel: error: file too large: standard input is over 10 MiB\n"), r


def test_default_is_commit_editmsg(sandbox):
    repo = sandbox.repo()
    (repo / ".git" / "COMMIT_EDITMSG").write_text("feet: x\n")
    r = sandbox.keel("commit", "lint", cwd=repo)
    assert r.code == 1, r
    assert r.out.startswith("error type-enum: "), r
    (repo / ".git" / "COMMIT_EDITMSG").write_text("feat: x\n")
    (repo / "sub").mkdir()
    r = sandbox.keel("commit", "lint", cwd=repo / "sub")
    assert (r.code, r.out) == (0, ""), r


def test_default_without_commit_editmsg(sandbox):
    repo = sandbox.repo(commit=False)
    r = sandbox.keel("commit", "lint", cwd=repo)
    assert (r.code, r.out) == (74, ""), r
    assert r.err == "keel: error: cannot read '.git/COMMIT_EDITMSG': No such file or directory\n"


def test_default_outside_a_repository(sandbox):
    r = sandbox.keel("commit", "lint")
    assert r.code == 2, r
    assert r.err == "keel: error: no message to lint\nhint: give a message FILE, '-' for standard input, or --range\n"


def test_missing_file(sandbox):
    r = sandbox.keel("commit", "lint", "x")
    assert (r.code, r.out) == (74, ""), r
    assert r.err == "keel: error: cannot read 'x': No such file or directory\n"


def test_a_directory_is_no_message(sandbox):
    (sandbox.root / "d").mkdir()
    r = sandbox.keel("commit", "lint", "d")
    assert (r.code, r.err) == (74, "keel: error: cannot read 'd': Is a directory\n"), r


def test_empty_message(sandbox):
    for text in ("", "\n\n", "# only\n# comments\n", "# ------------------------ >8 ------------------------\nfeat: x\n"):
        r = lint_text(sandbox, text)
        assert (r.code, r.out, r.err) == (1, "error subject-empty: message is empty\n", ""), (text, r)


@pytest.mark.parametrize("text, kind", [
    ("Merge branch 'topic'\n", "merge"),
    ("Merge branch 'topic' into main\n\n# Conflicts:\n#\tREADME\n", "merge"),
    ("Merge pull request #12 from me/topic\n\nAdd Stuff.\n", "merge"),
    ("Merge remote-tracking branch 'origin/main'\n", "merge"),
    ("Revert \"feat: add x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n", "revert"),
    ("fixup! feat: add x\n", "fixup"),
    ("squash! feat: add x\n\nMore Words.\n", "squash"),
    ("amend! feat: add x\n\nfeat: add x properly\n", "amend"),
    ("1.4.0\n", "version"),
    ("chore: v2.0.0 [skip ci]\n", "version"),
])
def test_ignored_messages(sandbox, text, kind):
    r = lint_text(sandbox, text)
    assert (r.code, r.out, r.err) == (0, "", ""), r
    r = sandbox.keel("-v", "commit", "lint", sandbox.root / "msg" / "COMMIT_EDITMSG")
    assert (r.code, r.out) == (0, ""), r
    assert f"not linted: {kind} message" in r.err, r


def test_ignoring_can_be_switched_off(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("[commit]\nignore_merges = false\nignore_reverts = false\nignore_fixups = false\n"
                                     "ignore_versions = false\n")
    for text in ("Merge branch 'topic'\n", "Revert \"feat: add x\"\n", "fixup! feat: add x\n", "1.4.0\n"):
        (repo / "msg").write_text(text)
        r = sandbox.keel("commit", "lint", "msg", cwd=repo)
        assert r.code == 1, (text, r)
        assert r.out.startswith("error type-empty: header is not 'type(scope): description': "), r


def test_revert_type_is_linted(sandbox):
    r = lint_text(sandbox, "revert: Feat: add x\n\nThis reverts commit abc1234.\n")
    assert (r.code, r.out) == (1, "error subject-case: subject must not be sentence-case; found 'Feat: add x'\n"), r


def test_rule_levels_from_keel_toml(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text(
        "[commit.rules.type-enum]\nlevel = \"warn\"\nvalue = [\"feat\", \"fix\", \"wip\"]\n"
        "[commit.rules.subject-case]\nlevel = \"off\"\n"
        "[commit.rules.body-leading-blank]\nlevel = \"error\"\n"
        "[commit.rules.header-max-length]\nvalue = 20\n"
    )
    (repo / "msg").write_text("wip: Add x\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r
    (repo / "msg").write_text("docs: Add a longer header\nbody\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert r.code == 1, r
    assert r.out.splitlines() == [
        "error header-max-length: header must not be longer than 20 characters; found 25",
        "warning type-enum: type must be one of feat, fix, wip; found 'docs'",
        "error body-leading-blank: body must have a leading blank line",
    ]


def test_scope_rules_apply_once_configured(sandbox):
    repo = sandbox.repo()
    (repo / "msg").write_text("feat(DB): add x\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r
    (repo / "keel.toml").write_text(
        "[commit.rules.scope-enum]\nvalue = [\"api\", \"ui\"]\n[commit.rules.scope-case]\nvalue = \"lower-case\"\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert r.code == 1, r
    assert r.out.splitlines() == [
        "error scope-enum: scope must be one of api, ui; found 'DB'",
        "error scope-case: scope must be lower-case; found 'DB'",
    ]
    (repo / "msg").write_text("feat(api/ui): add x\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (0, ""), r


def test_rules_from_flags_and_environment(sandbox):
    path = sandbox.write("msg", "feet: x\n")
    r = sandbox.keel("-c", "commit.rules.type-enum.level=off", "commit", "lint", path)
    assert (r.code, r.out) == (0, ""), r
    r = sandbox.keel("commit", "lint", path, env={"KEEL_COMMIT__RULES__TYPE_ENUM__LEVEL": "warn"})
    assert r.code == 0, r
    assert r.out.startswith("warning type-enum: "), r


def test_case_rule_when_never(sandbox):
    path = sandbox.write("msg", "feat: add x\n")
    r = sandbox.keel("-c", "commit.rules.subject-case.value=lower-case", "-c", "commit.rules.subject-case.when=never",
                     "commit", "lint", path)
    assert (r.code, r.out) == (1, "error subject-case: subject must not be lower-case; found 'add x'\n"), r


def test_unknown_case_name_is_a_configuration_error(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("[commit.rules.type-case]\nvalue = [\"Lower\"]\n")
    (repo / "msg").write_text("feat: x\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert (r.code, r.out) == (78, ""), r
    assert r.err == (
        "keel: error: invalid value for 'commit.rules.type-case.value': unknown case 'Lower'\n"
        "hint: cases are lower-case, upper-case, camel-case, kebab-case, pascal-case, sentence-case, snake-case "
        "or start-case\n")


def test_unknown_level_is_a_configuration_error(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text("[commit.rules.type-enum]\nlevel = \"fatal\"\n")
    (repo / "msg").write_text("feat: x\n")
    r = sandbox.keel("commit", "lint", "msg", cwd=repo)
    assert r.code == 78, r
    assert r.err.splitlines()[0] == (
        "keel: error: keel.toml:2:1: wrong type for 'commit.rules.type-enum.level': expected one of error, warn, "
        "off, found 'fatal'")


def test_config_lists_the_commit_defaults(sandbox):
    r = sandbox.keel("config", "list")
    lines = [line for line in r.out.splitlines() if line.startswith("commit.")]
    assert lines == [
        "commit.ignore_fixups = true",
        "commit.ignore_merges = true",
        "commit.ignore_reverts = true",
        "commit.ignore_versions = true",
        'commit.rules.body-leading-blank.level = "warn"',
        'commit.rules.body-max-line-length.level = "error"',
        "commit.rules.body-max-line-length.value = 100",
        'commit.rules.footer-leading-blank.level = "warn"',
        'commit.rules.footer-max-line-length.level = "error"',
        "commit.rules.footer-max-line-length.value = 100",
        'commit.rules.header-max-length.level = "error"',
        "commit.rules.header-max-length.value = 100",
        'commit.rules.header-trim.level = "error"',
        'commit.rules.scope-case.level = "error"',
        'commit.rules.scope-case.when = "always"',
        'commit.rules.scope-empty.level = "off"',
        'commit.rules.scope-empty.when = "never"',
        'commit.rules.scope-enum.level = "error"',
        'commit.rules.subject-case.level = "error"',
        'commit.rules.subject-case.value = ["sentence-case", "start-case", "pascal-case", "upper-case"]',
        'commit.rules.subject-case.when = "never"',
        'commit.rules.subject-empty.level = "error"',
        'commit.rules.subject-full-stop.level = "error"',
        'commit.rules.subject-full-stop.value = "."',
        'commit.rules.type-case.level = "error"',
        'commit.rules.type-case.value = ["lower-case"]',
        'commit.rules.type-case.when = "always"',
        'commit.rules.type-empty.level = "error"',
        'commit.rules.type-enum.level = "error"',
        'commit.rules.type-enum.value = ["build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", '
        '"revert", "style", "test"]',
    ]


def test_color(sandbox):
    path = sandbox.write("msg", "feat: Add x\nbody\n")
    r = sandbox.keel("--color", "always", "commit", "lint", path)
    assert r.out.splitlines() == [
        "\033[31merror\033[0m subject-case: subject must not be sentence-case; found 'Add x'",
        "\033[33mwarning\033[0m body-leading-blank: body must have a leading blank line",
    ], r


# --range


@pytest.fixture
def history(sandbox):
    """main: initial, then a topic branch merged with --no-ff, then more commits."""
    repo = sandbox.repo()
    ids = {"base": short(sandbox, repo)}
    sandbox.git("checkout", "-q", "-b", "topic", cwd=repo)
    ids["topic"] = commit(sandbox, repo, "feet: typo in the type", file="t.txt")
    sandbox.git("checkout", "-q", "main", cwd=repo)
    ids["good"] = commit(sandbox, repo, "feat(api): add x\n\nBody.\n\nRefs: #1", file="a.txt")
    sandbox.git("merge", "-q", "--no-ff", "--no-edit", "topic", cwd=repo)
    ids["merge"] = short(sandbox, repo)
    ids["warn"] = commit(sandbox, repo, "fix: x\nbody under the header")
    ids["fixup"] = commit(sandbox, repo, "fixup! fix: x")
    ids["bad"] = commit(sandbox, repo, "Update stuff.")
    return repo, ids


def test_range_lints_every_commit(sandbox, history):
    repo, ids = history
    r = sandbox.keel("commit", "lint", "--range", "main~4..main", cwd=repo)
    assert r.code == 1, r
    assert r.err == ""
    assert r.out.splitlines() == [
        f"{ids['bad']} Update stuff.",
        "  error type-empty: header is not 'type(scope): description': expected '(scope)', '!' or ': ' after "
        "'Update'",
        "  error subject-empty: subject may not be empty",
        f"{ids['warn']} fix: x",
        "  warning body-leading-blank: body must have a leading blank line",
        f"{ids['topic']} feet: typo in the type",
        f"  error type-enum: type must be one of {TYPES}; found 'feet'; did you mean 'feat'?",
        "3 commits checked, 2 ignored: 3 errors, 1 warning",
    ]


def test_range_with_only_warnings_exits_0(sandbox, history):
    repo, ids = history
    r = sandbox.keel("commit", "lint", "--range", f"{ids['merge']}..{ids['fixup']}", cwd=repo)
    assert r.code == 0, r
    assert r.out.splitlines() == [
        f"{ids['warn']} fix: x",
        "  warning body-leading-blank: body must have a leading blank line",
        "1 commit checked, 1 ignored: 0 errors, 1 warning",
    ]


def test_range_clean(sandbox, history):
    repo, ids = history
    r = sandbox.keel("commit", "lint", "--range", f"{ids['base']}..{ids['good']}", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "1 commit checked: 0 errors, 0 warnings\n", ""), r


def test_range_empty_side_means_head(sandbox, history):
    repo, ids = history
    r = sandbox.keel("commit", "lint", "--range", "HEAD~1..", cwd=repo)
    assert r.out.splitlines()[0] == f"{ids['bad']} Update stuff.", r
    assert r.out.splitlines()[-1] == "1 commit checked: 2 errors, 0 warnings"
    r = sandbox.keel("commit", "lint", "--range", "..HEAD", cwd=repo)
    assert (r.code, r.out) == (0, "0 commits checked: 0 errors, 0 warnings\n"), r


def test_range_merges_linted_when_asked(sandbox, history):
    repo, ids = history
    r = sandbox.keel("-c", "commit.ignore_merges=false", "commit", "lint", "--range", f"{ids['good']}..{ids['merge']}",
                     cwd=repo)
    assert r.code == 1, r
    assert r.out.splitlines() == [
        f"{ids['merge']} Merge branch 'topic'",
        "  error type-empty: header is not 'type(scope): description': expected '(scope)', '!' or ': ' after "
        "'Merge'",
        "  error subject-empty: subject may not be empty",
        f"{ids['topic']} feet: typo in the type",
        f"  error type-enum: type must be one of {TYPES}; found 'feet'; did you mean 'feat'?",
        "2 commits checked: 3 errors, 0 warnings",
    ]


def test_range_ignores_merge_commits_whatever_their_message(sandbox):
    repo = sandbox.repo()
    sandbox.git("checkout", "-q", "-b", "topic", cwd=repo)
    commit(sandbox, repo, "feat: topic work", file="t.txt")
    sandbox.git("checkout", "-q", "main", cwd=repo)
    commit(sandbox, repo, "fix: main work", file="m.txt")
    sandbox.git("merge", "-q", "--no-ff", "-m", "Bad Merge Message.", "topic", cwd=repo)
    r = sandbox.keel("commit", "lint", "--range", "HEAD~1..HEAD", cwd=repo)
    assert (r.code, r.out) == (0, "1 commit checked, 1 ignored: 0 errors, 0 warnings\n"), r


def test_range_errors(sandbox, history):
    repo, ids = history
    r = sandbox.keel("commit", "lint", "--range", "main", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: invalid range 'main': expected A..B\n"
                                  "hint: for the commits of a branch since main: --range main..HEAD\n"), r
    r = sandbox.keel("commit", "lint", "--range", "a...b", cwd=repo)
    assert r.err.startswith("keel: error: invalid range 'a...b': expected A..B\n"), r
    r = sandbox.keel("commit", "lint", "--range", "nope..main", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: unknown revision 'nope'\n"), r
    r = sandbox.keel("commit", "lint", "--range", "main..HEAD", "msg", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: file excludes --range\nhint: see 'keel commit lint --help'\n"), r


def test_range_outside_a_repository(sandbox):
    r = sandbox.keel("commit", "lint", "--range", "a..b")
    assert r.code == 2, r
    assert r.err == (f"keel: error: not a git repository: '{sandbox.root}'\n"
                     "hint: --range reads commits from a repository; run keel inside one or point -C at one\n")


def test_range_reads_messages_as_stored(sandbox):
    repo = sandbox.repo()
    # A '#' line kept with --cleanup=verbatim is part of the stored message.
    commit(sandbox, repo, "feat: add x\n# Not A Comment")
    r = sandbox.keel("commit", "lint", "--range", "HEAD~1..HEAD", cwd=repo)
    assert r.out.splitlines()[1:] == [
        "  warning body-leading-blank: body must have a leading blank line",
        "1 commit checked: 0 errors, 1 warning",
    ], r


# As the commit-msg hook of a real `git commit`


def install_hook(sandbox, repo):
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(f'#!/bin/sh\nexec "{os.environ["KEEL_BIN"]}" commit lint "$1"\n')
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def git_commit(sandbox, repo, *args, env=None):
    import subprocess
    full = dict(sandbox.env)
    full.update(env or {})
    return subprocess.run(["git", "commit", "-q", "--allow-empty", *args], cwd=repo, env=full, capture_output=True,
                          text=True)


def test_as_commit_msg_hook(sandbox):
    repo = sandbox.repo()
    install_hook(sandbox, repo)
    bad = git_commit(sandbox, repo, "-m", "Update stuff")
    assert bad.returncode == 1, bad
    assert "error type-empty: header is not 'type(scope): description'" in bad.stdout + bad.stderr
    good = git_commit(sandbox, repo, "-m", "feat: add x")
    assert good.returncode == 0, good
    assert sandbox.git("log", "-1", "--format=%s", cwd=repo) == "feat: add x\n"


def test_as_hook_with_editor_verbose_and_comment_char(sandbox):
    repo = sandbox.repo()
    install_hook(sandbox, repo)
    sandbox.git("config", "core.commentChar", ";", cwd=repo)
    (repo / "README").write_text("x" * 150 + "\n")  # a diff line that would break body-max-line-length
    sandbox.git("add", "README", cwd=repo)
    # The editor puts a message above git's template, comments and the diff.
    editor = sandbox.write("editor.sh", "#!/bin/sh\n{ printf 'docs: update the readme\\n'; cat \"$1\"; } > \"$1.new\"\n"
                                        "mv \"$1.new\" \"$1\"\n")
    editor.chmod(0o755)
    r = git_commit(sandbox, repo, "-v", env={"GIT_EDITOR": str(editor)})
    assert r.returncode == 0, r
    assert sandbox.git("log", "-1", "--format=%B", cwd=repo).strip() == "docs: update the readme"
    edited = (repo / ".git" / "COMMIT_EDITMSG").read_text()
    assert "; ------------------------ >8 ------------------------" in edited
    assert "+" + "x" * 150 in edited
