// The [hooks.*] configuration: defaults, order, validation, conditions.
#include <doctest/doctest.h>

#include <algorithm>

#include "hooks/names.hpp"
#include "hooks/settings.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::hooks;

namespace {

config::Config load_toml(const test::TempDir& dir, const std::string& text) {
  return test::load_project_toml(dir, text);
}

std::string first_error(const config::Config& c) {
  for (const auto& d : c.diagnostics())
    if (d.severity == config::Diagnostic::Severity::error) return d.message;
  return {};
}

}  // namespace

TEST_CASE("hooks settings: defaults and order by priority") {
  test::TempDir dir;
  auto c = load_toml(dir, R"([hooks.pre-commit.commands.b]
run = "b"
[hooks.pre-commit.commands.a]
run = "a {staged_files}"
glob = "*.c"
priority = 2
[hooks.pre-commit.commands.c]
run = "c"
priority = 1
skip = ["merge", "branch:release/*"]
env = { X = "1" }
)");
  REQUIRE(first_error(c) == "");
  auto hooks = hooks_from_config(c);
  REQUIRE(hooks);
  REQUIRE(hooks->size() == 1);
  const HookSettings& h = hooks->front();
  CHECK(h.name == "pre-commit");
  CHECK(h.parallel);
  CHECK_FALSE(h.fail_fast);
  CHECK(h.jobs == 0);
  REQUIRE(h.commands.size() == 3);
  CHECK(h.commands[0].name == "c");
  CHECK(h.commands[1].name == "a");
  CHECK(h.commands[2].name == "b");
  CHECK(h.commands[1].glob == std::vector<std::string>{"*.c"});
  CHECK(h.commands[0].env.at("X") == "1");
  CHECK(h.commands[0].skip.items == std::vector<std::string>{"merge", "branch:release/*"});
}

TEST_CASE("hooks settings: errors name the file, position and problem") {
  test::TempDir dir;
  SUBCASE("no run") {
    auto c = load_toml(dir, "[hooks.pre-commit.commands.lint]\nglob = \"*.c\"\n");
    auto h = hooks_from_config(c);
    REQUIRE_FALSE(h);
    CHECK(h.error().message == "keel.toml:1:28: hook command 'pre-commit.lint' has no 'run'");
  }
  SUBCASE("unknown type") {
    auto c = load_toml(dir, "[hooks.pre-commit.commands.lint]\nrun = \"x\"\ntypes = [\"text\", \"pdf\"]\n");
    auto h = hooks_from_config(c);
    REQUIRE_FALSE(h);
    CHECK(h.error().message == "keel.toml:3:1: unknown file type 'pdf': expected text, binary, executable or symlink");
  }
  SUBCASE("unknown condition") {
    auto c = load_toml(dir, "[hooks.pre-commit]\nskip = [\"merging\"]\n");
    auto h = hooks_from_config(c);
    REQUIRE_FALSE(h);
    CHECK(h.error().message == "keel.toml:2:1: unknown skip condition 'merging': expected merge, rebase, branch:GLOB, ref:GLOB or run:COMMAND");
  }
  SUBCASE("bad hook name") {
    auto c = load_toml(dir, "[hooks.\"pre commit\".commands.x]\nrun = \"x\"\n");
    auto h = hooks_from_config(c);
    REQUIRE_FALSE(h);
    CHECK(h.error().message == "keel.toml:1:8: invalid hook name 'pre commit': use letters, digits, '-' and '_'");
  }
  SUBCASE("wrong types are the loader's errors") {
    auto c = load_toml(dir, "[hooks.pre-commit]\nparallel = \"yes\"\n");
    CHECK(first_error(c) == "keel.toml:2:1: wrong type for 'hooks.pre-commit.parallel': expected a boolean, found 'yes'");
    auto d = load_toml(dir, "[hooks.pre-commit.commands.x]\nrun = \"x\"\nskip = 3\n");
    CHECK(first_error(d) == "keel.toml:3:1: wrong type for 'hooks.pre-commit.commands.x.skip': expected a boolean, a "
                            "string or an array of strings, found an integer (3)");
  }
}

TEST_CASE("hooks settings: skip and only conditions") {
  RepoState s;
  s.branch = "release/1.0";
  Conditions none;
  Conditions always{true, true, {}};
  Conditions merge{true, false, {"merge"}};
  Conditions release{true, false, {"branch:release/*"}};
  Conditions main_only{true, false, {"branch:main"}};
  CHECK_FALSE(skip_reason(none, none, s));
  CHECK(skip_reason(always, none, s) == "skip = true");
  CHECK_FALSE(skip_reason(merge, none, s));
  s.merging = true;
  CHECK(skip_reason(merge, none, s) == "skip: merge");
  CHECK(skip_reason(release, none, s) == "skip: branch:release/*");
  CHECK(skip_reason(none, main_only, s) == "only: branch:main");
  CHECK_FALSE(skip_reason(none, release, s));
  s.branch.clear();  // detached HEAD: no branch matches
  CHECK(skip_reason(none, release, s) == "only: branch:release/*");
  CHECK_FALSE(skip_reason(release, none, s));
}

TEST_CASE("hooks names: githooks(5)") {
  CHECK(is_git_hook("pre-commit"));
  CHECK(is_git_hook("commit-msg"));
  CHECK(is_git_hook("pre-push"));
  CHECK(is_git_hook("reference-transaction"));
  CHECK_FALSE(is_git_hook("pre_commit"));
  CHECK_FALSE(is_git_hook("lint"));
  auto names = git_hook_names();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(is_valid_hook_name("lint-all_2"));
  CHECK_FALSE(is_valid_hook_name("a b"));
  CHECK_FALSE(is_valid_hook_name("../x"));
  CHECK_FALSE(is_valid_hook_name("-x"));
  CHECK_FALSE(is_valid_hook_name(""));
}

TEST_CASE("hooks settings: a mistyped command key gets a suggestion with the hook and command names") {
  test::TempDir dir;
  auto c = load_toml(dir, "[hooks.pre-commit.commands.lint]\nrun = \"x\"\nglobs = \"*.c\"\n");
  REQUIRE(c.diagnostics().size() == 1);
  CHECK(c.diagnostics()[0].message ==
        "keel.toml:3:1: unknown key 'hooks.pre-commit.commands.lint.globs'; did you mean "
        "'hooks.pre-commit.commands.lint.glob'?");
}
