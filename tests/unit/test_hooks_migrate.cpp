// lefthook files as keel's [hooks]: order, conditions, tags, templates, notes.
#include <doctest/doctest.h>

#include <string>

#include "config/parse.hpp"
#include "hooks/migrate.hpp"

using namespace keel;
using namespace keel::hooks;

namespace {

Migration migrate(const std::string& yaml) {
  auto v = config::parse_yaml(yaml, "lefthook.yml", config::Origin::Kind::project);
  REQUIRE(v.ok());
  return migrate_lefthook(*v);
}

std::size_t at(const std::string& text, const std::string& what) {
  auto p = text.find(what);
  REQUIRE_MESSAGE(p != std::string::npos, what);
  return p;
}

}  // namespace

TEST_CASE("hooks migrate: commands keep lefthook's order: priority, then numbered names, then names") {
  auto m = migrate(R"(pre-commit:
  commands:
    zeta: {run: z}
    "10": {run: ten}
    "2": {run: two}
    alpha: {run: a}
    late: {run: l, priority: 0}
    first: {run: f, priority: 1}
)");
  CHECK(m.commands == 6);
  std::size_t first = at(m.toml, "commands.first]"), two = at(m.toml, "commands.2]"),
              ten = at(m.toml, "commands.10]"), alpha = at(m.toml, "commands.alpha]"),
              late = at(m.toml, "commands.late]"), zeta = at(m.toml, "commands.zeta]");
  CHECK(first < two);
  CHECK(two < ten);
  CHECK(ten < alpha);
  CHECK(alpha < late);
  CHECK(late < zeta);
  CHECK(m.toml.find("parallel = false") != std::string::npos);  // lefthook's default
}

TEST_CASE("hooks migrate: conditions, tags, templates and env") {
  auto m = migrate(R"(templates:
  wrap: docker run --rm img
pre-push:
  parallel: true
  skip: [merge, {ref: "release/*"}, {run: "test -n \"$CI\""}]
  commands:
    lint:
      run: "{wrap} lint {push_files}"
      tags: "fast style"
      env: {A: "1"}
)");
  CHECK(m.notes.empty());
  CHECK(m.toml.find("parallel = true\n") != std::string::npos);
  CHECK(m.toml.find(R"(skip = ["merge", "ref:release/*", "run:test -n \"$CI\""])") != std::string::npos);
  CHECK(m.toml.find(R"(run = "docker run --rm img lint {push_files}")") != std::string::npos);
  CHECK(m.toml.find(R"(tags = ["fast", "style"])") != std::string::npos);
  CHECK(m.toml.find("[hooks.pre-push.commands.lint.env]\nA = \"1\"\n") != std::string::npos);
}

TEST_CASE("hooks migrate: what has no equal is a note with its position") {
  auto m = migrate("no_tty: true\npre-commit:\n  commands:\n    x:\n      run: x\n      timeout: 5s\n");
  REQUIRE(m.notes.size() == 2);
  CHECK(m.notes[0] == "lefthook.yml:1:1: 'no_tty' is not carried over: keel never gives commands a pseudo-terminal");
  CHECK(m.notes[1] == "lefthook.yml:6:7: 'pre-commit.x.timeout' is not carried over: keel does not know it");
}
