// [tasks.NAME] tables read for keel run, with the position of every error.
#include <doctest/doctest.h>

#include "config/parse.hpp"
#include "pipeline/tasks.hpp"

using namespace keel;
using namespace keel::pipeline;
using namespace std::chrono_literals;

namespace {

Result<std::vector<TaskSpec>> read(std::string_view toml) {
  auto doc = config::parse_document(toml, "keel.toml", config::Origin::Kind::project);
  REQUIRE(doc.ok());
  const config::Value* tasks = doc->find("tasks");
  REQUIRE(tasks);
  return tasks_from(*tasks);
}

std::string error_of(std::string_view toml) {
  auto r = read(toml);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit == Exit::config);
  return r.error().message;
}

}  // namespace

TEST_CASE("pipeline tasks: every key") {
  auto tasks = read(R"(
[tasks.gen]
run = "make gen"

[tasks.build]
run = ["cmake -B b", "cmake --build b"]
desc = "Build it"
deps = ["gen"]
dir = "src"
env = { CC = "clang", JOBS = 4 }
env_file = ".env"
shell = ["/bin/bash", "-c"]
vars = { profile = "debug" }
matrix = { target = ["x86_64", "aarch64"] }
matrix_exclude = [{ target = "aarch64" }]
timeout = "10m"
retries = 2
retry_delay = "2s"
continue_on_error = true
if = ["env:CI", "branch:release/*"]
finally = ["report"]
inputs = ["src/**/*.c"]
outputs = ["b/keel"]
)").value_or_throw();
  REQUIRE(tasks.size() == 2);
  const TaskSpec& b = tasks[1];
  CHECK(b.name == "build");
  CHECK(tasks[0].run == std::vector<std::string>{"make gen"});
  CHECK(b.run == std::vector<std::string>{"cmake -B b", "cmake --build b"});
  CHECK(b.desc == "Build it");
  CHECK(b.deps == std::vector<std::string>{"gen"});
  CHECK(b.dir == "src");
  CHECK(b.env == Pairs{{"CC", "clang"}, {"JOBS", "4"}});
  CHECK(b.shell == std::vector<std::string>{"/bin/bash", "-c"});
  CHECK(b.vars == Pairs{{"profile", "debug"}});
  CHECK(b.matrix.axes.size() == 1);
  CHECK(b.matrix.exclude.size() == 1);
  CHECK(b.timeout == std::optional<std::chrono::milliseconds>(10min));
  CHECK(b.retries == 2);
  CHECK(b.retry_delay == 2s);
  CHECK(b.continue_on_error);
  CHECK(b.conditions == std::vector<std::string>{"env:CI", "branch:release/*"});
  CHECK(b.finally == std::vector<std::string>{"report"});
  CHECK(b.inputs == std::vector<std::string>{"src/**/*.c"});
  CHECK(b.outputs == std::vector<std::string>{"b/keel"});
  CHECK(b.origin.line == 5);
}

TEST_CASE("pipeline tasks: errors name the file, line and column") {
  CHECK(error_of("[tasks.a]\ndesc = \"x\"\n") == "keel.toml:1:8: task 'a' has no 'run'");
  CHECK(error_of("[tasks.a]\ndeps = []\n") == "keel.toml:2:1: task 'a' has no 'run' and its 'deps' is empty");
  CHECK(error_of("[tasks.a]\nrun = 3\n") ==
        "keel.toml:2:1: 'run' of task 'a' must be a string or a list of strings, found an integer");
  CHECK(error_of("[tasks.a]\nrun = [\"x\", 1]\n") == "keel.toml:2:13: 'run' of task 'a' must list strings, found an integer");
  CHECK(error_of("[tasks.a]\nrun = []\n") == "keel.toml:2:1: 'run' of task 'a' is an empty list");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\ndepz = [\"b\"]\n") == "keel.toml:3:1: unknown key 'depz' in task 'a'");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\ntimeout = \"10x\"\n") ==
        "keel.toml:3:1: timeout of task 'a': invalid duration '10x': expected a unit (ms, s, m, h, d) after 10");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\nmatrix = { os = [] }\n") ==
        "keel.toml:3:12: matrix key 'os' of task 'a' is an empty list");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\noutputs = [\"../out\"]\n") ==
        "keel.toml:3:1: output '../out' of task 'a' is outside the repository");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\nif = [\"weekday:monday\"]\n") ==
        "keel.toml:3:1: unknown condition 'weekday:monday' in task 'a'");
  CHECK(error_of("[tasks.a]\nrun = \"x\"\nretries = -1\n") ==
        "keel.toml:3:1: retries of task 'a' must be a whole number from 0 to 100");
  CHECK(error_of("[tasks]\na = 1\n") == "keel.toml:2:1: task 'a' must be a table, found an integer");
}

TEST_CASE("pipeline tasks: did-you-mean for a misspelt key") {
  auto r = read("[tasks.a]\nrun = \"x\"\ndepz = [\"b\"]\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().hint == "did you mean 'deps'?");
}
