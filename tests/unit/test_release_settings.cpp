// keel release's settings from the release.* keys.
#include <doctest/doctest.h>

#include "release/settings.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::release;

namespace {

config::Config load_project(const test::TempDir& dir, const std::string& toml) {
  config::Config c = test::load_project_toml(dir, toml);
  for (const auto& d : c.diagnostics()) INFO(d.message);
  REQUIRE_FALSE(c.has_errors());
  return c;
}

}  // namespace

TEST_CASE("release settings: defaults") {
  test::TempDir dir;
  Settings s = settings_from_config(load_project(dir, "")).value();
  CHECK(s.root.tag.text() == "v{version}");
  CHECK(semver::to_string(s.root.initial) == "0.1.0");
  CHECK(s.root.changelog_path == "CHANGELOG.md");
  CHECK(s.root.files.empty());
  CHECK(s.branches == std::vector<std::string>{"main", "master"});
  CHECK(s.commit_message == "chore(release): {version}");
  CHECK(s.remote == "origin");
  CHECK_FALSE(s.rules.zero_major_breaking_major);
  CHECK(s.rules.types.size() == 4);
  CHECK(s.rules.types.at("feat") == Bump::minor);
  CHECK(s.rules.types.at("revert") == Bump::patch);
  REQUIRE(s.changelog.groups.size() == 4);
  CHECK(s.changelog.groups[0].type == "feat");
  CHECK(s.changelog.groups[3].title == "Reverts");
  CHECK(s.packages.empty());
}

TEST_CASE("release settings: values, files and packages") {
  test::TempDir dir;
  Settings s = settings_from_config(load_project(dir, R"toml([release]
tag_template = "release-{version}"
initial_version = "1.0.0"
zero_major_breaking = "major"
branches = ["trunk"]

[release.types]
Docs = "patch"
feat = "none"

[[release.files]]
path = "package.json"

[[release.files]]
path = "src/v.h"
regex = 'V "(?<version>[^"]+)"'
count = 2

[release.packages.core]
path = "./packages/core/"
[[release.packages.core.files]]
path = "packages/core/Cargo.toml"

[release.packages.web]
path = "web"
tag_template = "web/v{version}"
changelog = "CHANGES.md"
initial_version = "2.0.0"
)toml")).value();
  CHECK(s.root.tag.text() == "release-{version}");
  CHECK(semver::to_string(s.root.initial) == "1.0.0");
  CHECK(s.rules.zero_major_breaking_major);
  CHECK(s.branches == std::vector<std::string>{"trunk"});
  CHECK(s.rules.types.at("docs") == Bump::patch);
  CHECK(s.rules.types.at("feat") == Bump::none);
  CHECK(s.rules.types.at("fix") == Bump::patch);  // defaults merge key by key
  REQUIRE(s.root.files.size() == 2);
  CHECK(s.root.files[0].path == "package.json");
  CHECK(s.root.files[1].count == 2);
  REQUIRE(s.packages.size() == 2);
  CHECK(s.packages[0].name == "core");
  CHECK(s.packages[0].path == "packages/core");
  CHECK(s.packages[0].tag.text() == "{package}@{version}");
  CHECK(s.packages[0].changelog_path == "packages/core/CHANGELOG.md");
  CHECK(semver::to_string(s.packages[0].initial) == "1.0.0");
  REQUIRE(s.packages[0].files.size() == 1);
  CHECK(s.packages[1].tag.text() == "web/v{version}");
  CHECK(s.packages[1].changelog_path == "CHANGES.md");
  CHECK(semver::to_string(s.packages[1].initial) == "2.0.0");
}

TEST_CASE("release settings: errors name the key and its place") {
  test::TempDir dir;
  auto error_of = [&](const std::string& toml) {
    auto s = settings_from_config(load_project(dir, toml));
    REQUIRE_FALSE(s.ok());
    return s.error().message;
  };
  CHECK(error_of("[release]\ninitial_version = \"1.0\"\n") ==
        "keel.toml:2:1: invalid 'release.initial_version': invalid version '1.0': expected MAJOR.MINOR.PATCH");
  CHECK(error_of("[[release.files]]\npath = \"a\"\nregex = \"x\"\npreset = \"VERSION\"\n") ==
        "keel.toml:1:1: invalid 'release.files': an entry has both preset and regex");
  CHECK(error_of("[[release.files]]\nregex = \"x\"\n") == "keel.toml:1:1: invalid 'release.files': an entry has no path");
  CHECK(error_of("[[release.files]]\npath = \"a\"\ncount = 0\nregex = \"x\"\n") ==
        "keel.toml:3:1: invalid 'release.files.count': expected a positive integer");
  CHECK(error_of("[[release.files]]\npath = \"a\"\nglob = \"x\"\n") ==
        "keel.toml:3:1: invalid 'release.files.glob': unknown field; expected path, preset, regex or count");
  CHECK(error_of("[release.packages.x]\ntag_template = \"x\"\n") ==
        "keel.toml:1:19: package 'x' has no path");
}

TEST_CASE("release settings: fill") {
  CHECK(fill("chore(release): {version}", "1.2.0", "v1.2.0", "1.1.0") == "chore(release): 1.2.0");
  CHECK(fill("{tag} after {previous_version} {unknown}", "1.2.0", "v1.2.0", "1.1.0") == "v1.2.0 after 1.1.0 {unknown}");
}
