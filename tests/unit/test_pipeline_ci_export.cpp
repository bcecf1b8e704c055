// keel ci export as pure logic: the same graph gives the same bytes, names
// and values from keel.toml reach the YAML only through yaml-cpp, and what a
// CI cannot run is refused.
#include <doctest/doctest.h>

#include "support.hpp"

#include <yaml-cpp/yaml.h>

#include "config/parse.hpp"
#include "pipeline/ci_export.hpp"
#include "pipeline/jobs.hpp"

using namespace keel;
using namespace keel::pipeline;

namespace {

CiSettings settings() {
  CiSettings s;
  s.command = "keel ci export github";
  return s;
}

}  // namespace

TEST_CASE("ci export: the same graph gives the same bytes") {
  auto s = test::task_specs("[tasks.b]\nrun = \"true\"\nmatrix = { os = [\"linux\", \"mac\"] }\n[tasks.a]\nrun = \"true\"\n");
  for (CiSystem system : {CiSystem::github, CiSystem::gitlab}) {
    auto one = export_ci(s, {}, system, settings());
    auto two = export_ci(s, {}, system, settings());
    REQUIRE(one.ok());
    REQUIRE(two.ok());
    CHECK(*one == *two);
  }
}

TEST_CASE("ci export: a task name that YAML would read as something else stays a string") {
  auto s = test::task_specs("[tasks.\"a: b # c\"]\nrun = \"true\"\n[tasks.\"x\\ny\"]\nrun = \"true\"\n");
  auto text = export_ci(s, {}, CiSystem::gitlab, settings());
  REQUIRE(text.ok());
  YAML::Node doc = YAML::Load(*text);
  CHECK(doc["a: b # c"]["variables"]["KEEL_JOB"].as<std::string>() == "a: b # c");
  CHECK(doc["x\ny"]["variables"]["KEEL_JOB"].as<std::string>() == "x\ny");
}

TEST_CASE("ci export: finally jobs wait for the tasks naming them, in a later stage") {
  auto s = test::task_specs("[tasks.report]\nrun = \"true\"\n[tasks.test]\nrun = \"true\"\nfinally = [\"report\"]\n");
  auto text = export_ci(s, {}, CiSystem::gitlab, settings());
  REQUIRE(text.ok());
  YAML::Node doc = YAML::Load(*text);
  CHECK(doc["report"]["when"].as<std::string>() == "always");
  CHECK(doc["report"]["needs"][0].as<std::string>() == "test");
  CHECK(doc["report"]["stage"].as<std::string>() == "keel-2");
  CHECK(doc["test"]["stage"].as<std::string>() == "keel-1");
}

TEST_CASE("ci export: what a CI cannot run is refused") {
  auto s = test::task_specs("[tasks.sh]\ninteractive = true\nrun = \"sh\"\n");
  auto r = export_ci(s, {}, CiSystem::github, settings());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "keel.toml:1:8: task 'sh' is interactive, and a CI job has no terminal");
  s = test::task_specs("[tasks.\"a.b\"]\nrun = \"true\"\n[tasks.\"a-b\"]\nrun = \"true\"\n");
  r = export_ci(s, {}, CiSystem::github, settings());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("would both be the GitHub job 'a-b'") != std::string::npos);
  s = test::task_specs("[tasks.variables]\nrun = \"true\"\n");
  r = export_ci(s, {}, CiSystem::gitlab, settings());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("task 'variables' has a name GitLab CI keeps for itself") != std::string::npos);
}
