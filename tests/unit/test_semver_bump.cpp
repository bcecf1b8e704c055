// bump() against node-semver's inc(): hand-picked cases, every row of the
// table the real package made (tests/fixtures/semver/), and keel's own
// deviations, documented in semver.hpp.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "semver/semver.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::semver;

namespace {

// The bumped version's text, or "error: <message>".
std::string bumped(std::string_view version, std::string_view kind, std::string_view pre_id = {}) {
  auto v = parse(version);
  INFO(version);
  REQUIRE(v.ok());
  auto k = parse_bump_kind(kind);
  REQUIRE(k);
  auto r = bump(*v, *k, pre_id);
  return r ? to_string(*r) : "error: " + r.error().message;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) out.push_back(field);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

}  // namespace

TEST_CASE("semver: bump kinds by name") {
  CHECK(bump_kind_names().size() == 8);
  for (auto name : bump_kind_names()) {
    auto kind = parse_bump_kind(name);
    REQUIRE(kind);
    CHECK(bump_kind_names()[static_cast<std::size_t>(*kind)] == name);
  }
  CHECK_FALSE(parse_bump_kind("Major"));
  CHECK_FALSE(parse_bump_kind("pre"));
  CHECK(takes_pre_id(BumpKind::prerelease));
  CHECK_FALSE(takes_pre_id(BumpKind::release));
}

TEST_CASE("semver: bump follows node-semver's inc") {
  // A pre-release of the next major, minor or patch already counts as it.
  CHECK(bumped("1.2.3-0", "patch") == "1.2.3");
  CHECK(bumped("1.2.0-0", "minor") == "1.2.0");
  CHECK(bumped("1.2.1-0", "minor") == "1.3.0");
  CHECK(bumped("2.0.0-rc.1", "major") == "2.0.0");
  CHECK(bumped("2.1.0-rc.1", "major") == "3.0.0");
  CHECK(bumped("1.2.3", "major") == "2.0.0");
  // The pre* kinds always move on first.
  CHECK(bumped("2.0.0-rc.1", "premajor") == "3.0.0-0");
  CHECK(bumped("1.2.3", "preminor", "beta") == "1.3.0-beta.0");
  CHECK(bumped("1.2.3-rc.4", "prepatch") == "1.2.4-0");
  // prerelease: from a release, the next patch's first pre-release.
  CHECK(bumped("1.2.3", "prerelease") == "1.2.4-0");
  CHECK(bumped("1.2.3", "prerelease", "beta") == "1.2.4-beta.0");
  CHECK(bumped("1.2.3-alpha.1", "prerelease") == "1.2.3-alpha.2");
  CHECK(bumped("1.2.3-alpha.1", "prerelease", "alpha") == "1.2.3-alpha.2");
  CHECK(bumped("1.2.3-alpha.1", "prerelease", "beta") == "1.2.3-beta.0");
  CHECK(bumped("1.2.3-alpha", "prerelease") == "1.2.3-alpha.0");
  CHECK(bumped("1.2.3-alpha", "prerelease", "alpha") == "1.2.3-alpha.0");
  CHECK(bumped("1.2.3-a.1.b", "prerelease") == "1.2.3-a.2.b");
  CHECK(bumped("1.2.3-9", "prerelease") == "1.2.3-10");
  CHECK(bumped("1.2.3-rc.99", "prerelease") == "1.2.3-rc.100");
  // release drops the pre-release; every kind drops build metadata.
  CHECK(bumped("1.2.3-rc.1+b.7", "release") == "1.2.3");
  CHECK(bumped("1.2.3+b.7", "patch") == "1.2.4");
  CHECK(bumped("v1.2.3", "minor") == "1.3.0");
  // The identifier only matters for the pre* kinds.
  CHECK(bumped("1.2.3", "major", "r$c") == "2.0.0");
}

TEST_CASE("semver: bump refuses what node-semver's inc refuses") {
  CHECK(bumped("1.2.3", "release") == "error: version '1.2.3' is not a pre-release");
  CHECK(bumped("1.2.3", "prerelease", "01") ==
        "error: invalid pre-release identifier '01': numeric identifier '01' has a leading zero");
  CHECK(bumped("1.2.3", "premajor", "rc..1") ==
        "error: invalid pre-release identifier 'rc..1': empty pre-release identifier at column 4");
}

TEST_CASE("semver: bump matches every row node-semver produced") {
  const char* root = std::getenv("KEEL_SOURCE_ROOT");
  REQUIRE_MESSAGE(root, "KEEL_SOURCE_ROOT is not set; run the tests through `meson test`");
  std::ifstream in(std::string(root) + "/tests/fixtures/semver/node-semver-inc.tsv");
  REQUIRE(in);
  std::size_t rows = 0;
  std::vector<std::string> mismatches;
  std::string line;
  while (std::getline(in, line)) {
    auto f = split_tabs(line);
    REQUIRE_MESSAGE(f.size() == 4, line);
    ++rows;
    auto v = parse(f[0]);
    auto kind = parse_bump_kind(f[1]);
    if (!v || !kind) {
      mismatches.push_back(line + "\t(keel cannot read it)");
      continue;
    }
    auto r = bump(*v, *kind, f[2]);
    std::string got = r ? to_string(*r) : "-";
    if (got != f[3] && mismatches.size() < 50) mismatches.push_back(line + "\tkeel: " + got);
  }
  CHECK(rows == 28800);
  CHECK(mismatches == std::vector<std::string>{});
}

TEST_CASE("semver: bump's deviations from node-semver") {
  // Numeric pre-release identifiers stay numbers at any size; node-semver
  // gives 1.0.0-9007199254740991.0 here.
  CHECK(bumped("1.0.0-9007199254740991", "prerelease") == "1.0.0-9007199254740992");
  CHECK(bumped("1.0.0-rc.99999999999999999999", "prerelease", "rc") == "1.0.0-rc.100000000000000000000");
  // MAJOR, MINOR and PATCH go up to 2^64-1, and no further.
  CHECK(bumped("9007199254740991.0.0", "major") == "9007199254740992.0.0");
  CHECK(bumped("18446744073709551615.0.0", "major") ==
        "error: cannot bump '18446744073709551615.0.0': major version would pass 18446744073709551615");
  CHECK(bumped("1.18446744073709551615.0", "preminor") ==
        "error: cannot bump '1.18446744073709551615.0': minor version would pass 18446744073709551615");
  CHECK(bumped("1.0.18446744073709551615", "prerelease") ==
        "error: cannot bump '1.0.18446744073709551615': patch version would pass 18446744073709551615");
  // A pre-release of the largest major still bumps to it.
  CHECK(bumped("18446744073709551615.0.0-rc.1", "major") == "18446744073709551615.0.0");
}
