"""keel semver: validate, compare, sort and bump, with exact output and errors."""


def test_validate_accepts_valid_versions_silently(sandbox):
    r = sandbox.keel("semver", "validate", "1.2.3", "v1.0.0-rc.1+build.5", "0.0.0-0")
    assert (r.code, r.out, r.err) == (0, "", "")


def test_validate_reports_the_first_invalid_version(sandbox):
    r = sandbox.keel("semver", "validate", "1.2.3", "1.02.3", "x")
    assert (r.code, r.out) == (1, "")
    assert r.err == "keel: error: invalid version '1.02.3': numeric identifier '02' has a leading zero\n"


def test_validate_names_the_column_of_a_bad_character(sandbox):
    r = sandbox.keel("semver", "validate", "1.2.3-be$ta")
    assert (r.code, r.err) == (1, "keel: error: invalid version '1.2.3-be$ta': invalid character '$' at column 9\n")


def test_validate_needs_a_version(sandbox):
    r = sandbox.keel("semver", "validate")
    assert r.code == 2
    assert r.err == "keel: error: version is required\nhint: see 'keel semver validate --help'\n"


def test_compare_prints_minus_one_zero_or_one(sandbox):
    cases = [
        ("1.0.0-rc.1", "1.0.0", "-1\n"),
        ("1.0.0", "1.0.0-rc.1", "1\n"),
        ("1.0.0-beta.2", "1.0.0-beta.11", "-1\n"),
        ("1.0.0+build.1", "v1.0.0", "0\n"),
        ("2.1.1", "2.1.0", "1\n"),
    ]
    for a, b, expected in cases:
        r = sandbox.keel("semver", "compare", a, b)
        assert (r.code, r.out, r.err) == (0, expected, ""), (a, b)


def test_compare_refuses_an_invalid_version_with_exit_2(sandbox):
    r = sandbox.keel("semver", "compare", "1.0.0", "1.0")
    assert (r.code, r.out) == (2, "")
    assert r.err == "keel: error: invalid version '1.0': expected MAJOR.MINOR.PATCH\n"


def test_compare_needs_two_versions(sandbox):
    r = sandbox.keel("semver", "compare", "1.0.0")
    assert r.code == 2
    assert r.err == "keel: error: second is required\nhint: see 'keel semver compare --help'\n"


def test_sort_arguments_lowest_first_as_written(sandbox):
    r = sandbox.keel("semver", "sort", "1.10.0", "v1.9.0", "1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-rc.1+b")
    assert (r.code, r.err) == (0, "")
    assert r.out == "1.0.0-alpha\n1.0.0-rc.1\n1.0.0-rc.1+b\n1.0.0\nv1.9.0\n1.10.0\n"


def test_sort_reverse(sandbox):
    r = sandbox.keel("semver", "sort", "--reverse", "1.0.0", "2.0.0-0", "1.10.0", "1.2.0")
    assert (r.code, r.out, r.err) == (0, "2.0.0-0\n1.10.0\n1.2.0\n1.0.0\n", "")
    r = sandbox.keel("semver", "sort", "-r", "0.1.0", "0.2.0")
    assert r.out == "0.2.0\n0.1.0\n"


def test_sort_keeps_the_input_order_of_equal_versions(sandbox):
    r = sandbox.keel("semver", "sort", "v1.0.0", "0.1.0", "1.0.0")
    assert r.out == "0.1.0\nv1.0.0\n1.0.0\n"
    r = sandbox.keel("semver", "sort", "-r", "v1.0.0", "0.1.0", "1.0.0")
    assert r.out == "v1.0.0\n1.0.0\n0.1.0\n"


def test_sort_orders_build_metadata_ties_like_node_semver(sandbox):
    r = sandbox.keel("semver", "sort", "1.0.0+b.10", "1.0.0+b.2", "1.0.0", "1.0.0+a")
    assert r.out == "1.0.0\n1.0.0+a\n1.0.0+b.2\n1.0.0+b.10\n"


def test_sort_reads_stdin_lines_skipping_blank_ones(sandbox):
    r = sandbox.keel("semver", "sort", input="1.0.0-beta.11\n\n  1.0.0-beta.2  \r\n1.0.0-alpha.beta\n1.0.0\n")
    assert (r.code, r.out, r.err) == (0, "1.0.0-alpha.beta\n1.0.0-beta.2\n1.0.0-beta.11\n1.0.0\n", "")


def test_sort_of_empty_stdin_prints_nothing(sandbox):
    r = sandbox.keel("semver", "sort", input="")
    assert (r.code, r.out, r.err) == (0, "", "")


def test_sort_names_the_stdin_line_of_an_invalid_version(sandbox):
    r = sandbox.keel("semver", "sort", input="1.0.0\n\nnot-a-version\n1.2.3\n")
    assert (r.code, r.out) == (2, "")
    assert r.err == "keel: error: <stdin>:3: invalid version 'not-a-version': expected MAJOR.MINOR.PATCH\n"


def test_sort_refuses_an_invalid_argument(sandbox):
    r = sandbox.keel("semver", "sort", "1.0.0", "1.0.0-rc..1")
    assert (r.code, r.out) == (2, "")
    assert r.err == "keel: error: invalid version '1.0.0-rc..1': empty pre-release identifier at column 10\n"


def test_bump_every_kind(sandbox):
    cases = [
        ("1.2.3", "major", [], "2.0.0"),
        ("2.0.0-rc.1", "major", [], "2.0.0"),
        ("1.2.3", "minor", [], "1.3.0"),
        ("1.2.0-0", "minor", [], "1.2.0"),
        ("1.2.3", "patch", [], "1.2.4"),
        ("1.2.3-0", "patch", [], "1.2.3"),
        ("1.2.3", "premajor", [], "2.0.0-0"),
        ("1.2.3", "preminor", ["--pre", "rc"], "1.3.0-rc.0"),
        ("1.2.3-rc.4", "prepatch", [], "1.2.4-0"),
        ("1.2.3", "prerelease", ["--pre", "beta"], "1.2.4-beta.0"),
        ("1.2.3-alpha.1", "prerelease", [], "1.2.3-alpha.2"),
        ("1.2.3-alpha.1", "prerelease", ["--pre", "beta"], "1.2.3-beta.0"),
        ("1.2.3-beta.1", "prerelease", ["--pre", "beta"], "1.2.3-beta.2"),
        ("v1.2.3-rc.2+build.9", "release", [], "1.2.3"),
        ("1.2.3+build.9", "patch", [], "1.2.4"),
    ]
    for version, kind, extra, expected in cases:
        r = sandbox.keel("semver", "bump", version, kind, *extra)
        assert (r.code, r.out, r.err) == (0, expected + "\n", ""), (version, kind, extra)


def test_bump_release_of_a_release_is_refused(sandbox):
    r = sandbox.keel("semver", "bump", "1.2.3", "release")
    assert (r.code, r.out, r.err) == (2, "", "keel: error: version '1.2.3' is not a pre-release\n")


def test_bump_unknown_kind_suggests_the_nearest(sandbox):
    r = sandbox.keel("semver", "bump", "1.2.3", "majr")
    assert r.code == 2
    assert r.err == "keel: error: unknown bump kind 'majr'\nhint: did you mean 'major'?\n"
    r = sandbox.keel("semver", "bump", "1.2.3", "sideways")
    assert r.code == 2
    assert r.err == ("keel: error: unknown bump kind 'sideways'\nhint: expected major, minor, patch, premajor, "
                     "preminor, prepatch, prerelease or release\n")


def test_bump_pre_only_with_pre_kinds(sandbox):
    r = sandbox.keel("semver", "bump", "1.2.3", "major", "--pre", "rc")
    assert r.code == 2
    assert r.err == ("keel: error: --pre does not apply to 'major'\n"
                     "hint: use it with premajor, preminor, prepatch or prerelease\n")


def test_bump_refuses_an_invalid_pre_release_identifier(sandbox):
    r = sandbox.keel("semver", "bump", "1.2.3", "prerelease", "--pre", "01")
    assert (r.code, r.out) == (2, "")
    assert r.err == "keel: error: invalid pre-release identifier '01': numeric identifier '01' has a leading zero\n"
    r = sandbox.keel("semver", "bump", "1.2.3", "prerelease", "--pre", "")
    assert (r.code, r.err) == (2, "keel: error: empty pre-release identifier given to --pre\n")


def test_bump_refuses_an_invalid_version(sandbox):
    r = sandbox.keel("semver", "bump", "vv1.2.3", "patch")
    assert (r.code, r.out) == (2, "")
    assert r.err == "keel: error: invalid version 'vv1.2.3': major version 'v1' is not a number\n"


def test_bump_past_the_largest_number_is_refused(sandbox):
    r = sandbox.keel("semver", "bump", "18446744073709551615.0.0", "major")
    assert r.code == 2
    assert r.err == ("keel: error: cannot bump '18446744073709551615.0.0': major version would pass "
                     "18446744073709551615\n")


def test_semver_works_outside_a_repository_with_a_broken_config(sandbox):
    # It needs neither: a broken user config does not stop it.
    (sandbox.xdg / "keel").mkdir()
    (sandbox.xdg / "keel" / "config.toml").write_text("[log\n")
    r = sandbox.keel("semver", "compare", "1.0.0", "2.0.0")
    assert (r.code, r.out, r.err) == (0, "-1\n", "")


def test_semver_needs_a_subcommand(sandbox):
    r = sandbox.keel("semver")
    assert r.code == 2
    assert r.err == "keel: error: a subcommand is required\nhint: see 'keel semver --help'\n"
