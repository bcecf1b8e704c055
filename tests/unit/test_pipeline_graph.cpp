// keel run's pure logic: durations, matrix expansion and the task order.
#include <doctest/doctest.h>

#include "pipeline/duration.hpp"
#include "pipeline/graph.hpp"

using namespace keel;
using namespace keel::pipeline;
using namespace std::chrono_literals;

TEST_CASE("pipeline duration: sums of whole numbers with units") {
  CHECK(parse_duration("90s").value_or_throw() == 90s);
  CHECK(parse_duration("10m").value_or_throw() == 10min);
  CHECK(parse_duration("1h30m").value_or_throw() == 90min);
  CHECK(parse_duration("250ms").value_or_throw() == 250ms);
  CHECK(parse_duration("1m30s500ms").value_or_throw() == 90500ms);
  CHECK(parse_duration("2d").value_or_throw() == 48h);
  CHECK(parse_duration("0s").value_or_throw() == 0ms);
}

TEST_CASE("pipeline duration: errors") {
  auto message = [](std::string_view text) { return parse_duration(text).error().message; };
  CHECK(message("") == "invalid duration '': it is empty");
  CHECK(message("10") == "invalid duration '10': expected a unit (ms, s, m, h, d) after 10");
  CHECK(message("10x") == "invalid duration '10x': expected a unit (ms, s, m, h, d) after 10");
  CHECK(message("s") ==
        "invalid duration 's': expected a whole number and a unit (ms, s, m, h, d), as in 90s or 1m30s");
  CHECK(message("1.5s") == "invalid duration '1.5s': expected a unit (ms, s, m, h, d) after 1");
  CHECK(message("30s1m") == "invalid duration '30s1m': give the units from the largest down, each once, as in 1h30m");
  CHECK(message("1m1m") == "invalid duration '1m1m': give the units from the largest down, each once, as in 1h30m");
  CHECK(message("99999999999999999999s") == "invalid duration '99999999999999999999s': longer than 10 years");
  CHECK(message("4000d") == "invalid duration '4000d': longer than 10 years");
  CHECK(parse_duration("1 m").error().exit == Exit::config);
}

namespace {

std::vector<std::string> names(std::string_view task, const std::vector<Combination>& jobs) {
  std::vector<std::string> out;
  for (const auto& j : jobs) out.push_back(job_name(task, j));
  return out;
}

}  // namespace

TEST_CASE("pipeline matrix: every combination, the first key slowest") {
  Matrix m;
  m.axes = {{"target", {"x86_64", "aarch64"}}, {"profile", {"debug", "release"}}};
  CHECK(names("build", expand(m, "build").value_or_throw()) ==
        std::vector<std::string>{"build[target=x86_64,profile=debug]", "build[target=x86_64,profile=release]",
                                 "build[target=aarch64,profile=debug]", "build[target=aarch64,profile=release]"});
  CHECK(names("lint", expand(Matrix{}, "lint").value_or_throw()) == std::vector<std::string>{"lint"});
}

TEST_CASE("pipeline matrix: exclude first, then include as GitHub Actions does") {
  // GitHub's documented example: fruit x animal, with includes.
  Matrix m;
  m.axes = {{"fruit", {"apple", "pear"}}, {"animal", {"cat", "dog"}}};
  m.include = {{{"color", "green"}},
               {{"color", "pink"}, {"animal", "cat"}},
               {{"fruit", "apple"}, {"shape", "circle"}},
               {{"fruit", "banana"}},
               {{"fruit", "banana"}, {"animal", "cat"}}};
  CHECK(names("t", expand(m, "t").value_or_throw()) ==
        std::vector<std::string>{"t[fruit=apple,animal=cat,color=pink,shape=circle]",
                                 "t[fruit=apple,animal=dog,color=green,shape=circle]",
                                 "t[fruit=pear,animal=cat,color=pink]", "t[fruit=pear,animal=dog,color=green]",
                                 "t[fruit=banana]", "t[fruit=banana,animal=cat]"});
  Matrix x;
  x.axes = {{"os", {"linux", "mac"}}, {"v", {"1", "2"}}};
  x.exclude = {{{"os", "mac"}, {"v", "1"}}};
  CHECK(names("t", expand(x, "t").value_or_throw()) ==
        std::vector<std::string>{"t[os=linux,v=1]", "t[os=linux,v=2]", "t[os=mac,v=2]"});
  x.exclude = {{{"os", "mac"}}};
  CHECK(names("t", expand(x, "t").value_or_throw()) == std::vector<std::string>{"t[os=linux,v=1]", "t[os=linux,v=2]"});
}

TEST_CASE("pipeline matrix: errors") {
  Matrix m;
  m.axes = {{"target", {}}};
  auto empty = expand(m, "build");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message == "matrix key 'target' of task 'build' is an empty list");
  CHECK(empty.error().exit == Exit::config);
  m.axes = {{"target", {"a"}}};
  m.exclude = {{{"arch", "a"}}};
  CHECK(expand(m, "build").error().message == "matrix_exclude of task 'build' names 'arch', which is not a matrix key");
}

TEST_CASE("pipeline plan: deps first, each task once, config order among equals") {
  std::vector<TaskNode> all{{"lint", {}}, {"compile", {"gen"}}, {"gen", {}}, {"test", {"compile", "gen"}},
                            {"all", {"test", "lint"}}};
  Plan p = plan(all, {"all"}).value_or_throw();
  CHECK(p.tasks == std::vector<std::string>{"gen", "compile", "test", "lint", "all"});
  CHECK(p.deps == std::vector<std::vector<std::size_t>>{{}, {0}, {1, 0}, {}, {2, 3}});
  Plan two = plan(all, {"lint", "compile"}).value_or_throw();
  CHECK(two.tasks == std::vector<std::string>{"lint", "gen", "compile"});
  Plan only = plan(all, {"test"}, true).value_or_throw();
  CHECK(only.tasks == std::vector<std::string>{"test"});
  CHECK(only.deps == std::vector<std::vector<std::size_t>>{{}});
}

TEST_CASE("pipeline plan: errors") {
  std::vector<TaskNode> all{{"test", {}}, {"build", {"compil"}}};
  auto unknown = plan(all, {"tset"});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "unknown task 'tset'");
  CHECK(unknown.error().hint == "did you mean 'test'?");
  CHECK(unknown.error().exit == Exit::usage);
  auto dep = plan(all, {"test"});
  REQUIRE_FALSE(dep.ok());
  CHECK(dep.error().message == "task 'build' depends on 'compil', which does not exist");
  CHECK(dep.error().exit == Exit::config);

  std::vector<TaskNode> cycle{{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"a"}}};
  auto c = plan(cycle, {"d"});
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message == "dependency cycle: a -> b -> c -> a");
  std::vector<TaskNode> self{{"a", {"a"}}};
  CHECK(plan(self, {"a"}).error().message == "dependency cycle: a -> a");
}

TEST_CASE("pipeline matrix: more than 256 combinations is an error, before any is made") {
  Matrix m;
  for (int i = 0; i < 20; ++i) m.axes.push_back({"k" + std::to_string(i), {"a", "b"}});
  auto r = expand(m, "huge");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "the matrix of task 'huge' has more than 256 combinations");
  Matrix fits;
  fits.axes = {{"a", std::vector<std::string>(16, "x")}, {"b", std::vector<std::string>(16, "y")}};
  CHECK(expand(fits, "t").value().size() == 256);
}
