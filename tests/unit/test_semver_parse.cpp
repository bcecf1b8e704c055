// SemVer 2.0.0 syntax: the spec's examples, the valid and invalid strings
// of its regular expression's test list, and keel's error messages.
#include <doctest/doctest.h>

#include "semver/semver.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::semver;

namespace {

Version ok(std::string_view text) {
  auto r = parse(text);
  INFO(text);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string err(std::string_view text) {
  auto r = parse(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

std::vector<std::string> texts(const std::vector<Identifier>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.text + (id.numeric ? "#" : ""));
  return out;
}

}  // namespace

TEST_CASE("semver: a version's parts") {
  Version v = ok("1.2.3-alpha.1.x-y+build.007.z");
  CHECK(v.major == 1);
  CHECK(v.minor == 2);
  CHECK(v.patch == 3);
  CHECK(texts(v.prerelease) == std::vector<std::string>{"alpha", "1#", "x-y"});
  CHECK(v.build == std::vector<std::string>{"build", "007", "z"});
  CHECK(v.is_prerelease());
  CHECK_FALSE(ok("1.2.3+x").is_prerelease());
  CHECK(ok("18446744073709551615.0.0").major == UINT64_MAX);
}

TEST_CASE("semver: the spec's examples parse and print back the same") {
  // Items 2, 9 and 10 of the SemVer 2.0.0 text.
  for (const char* text : {"1.9.0", "1.10.0", "1.11.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
                           "1.0.0-x.7.z.92", "1.0.0-x-y-z.--", "1.0.0-alpha+001", "1.0.0+20130313144700",
                           "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD"}) {
    INFO(text);
    CHECK(to_string(ok(text)) == text);
  }
}

TEST_CASE("semver: valid strings from the spec's regular expression tests") {
  for (const char* text :
       {"0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid", "1.0.0-alpha",
        "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1", "1.0.0-alpha0.valid",
        "1.0.0-alpha.0valid", "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
        "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123", "1.0.0", "2.0.0",
        "1.1.7", "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
        "1.2.3----R-S.12.9.1--.12+meta", "1.2.3----RC-SNAPSHOT.12.9.1--.12", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
        "1.0.0-0A.is.legal"}) {
    INFO(text);
    CHECK(to_string(ok(text)) == text);
  }
  // The list's "99999999999999999999999.999999999999999999.99999999999999999"
  // is valid SemVer, but keel keeps MAJOR, MINOR and PATCH in 64 bits.
  CHECK(err("99999999999999999999999.999999999999999999.99999999999999999") ==
        "invalid version '99999999999999999999999.999999999999999999.99999999999999999': major version "
        "'99999999999999999999999' is larger than 18446744073709551615");
}

TEST_CASE("semver: invalid strings from the spec's regular expression tests") {
  for (const char* text :
       {"1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid", "-invalid+invalid",
        "-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1", "alpha+beta", "alpha_beta", "alpha.",
        "alpha..", "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..", "1.0.0-alpha..1", "1.0.0-alpha...1",
        "1.0.0-alpha....1", "1.0.0-alpha.....1", "1.0.0-alpha......1", "1.0.0-alpha.......1", "01.1.1", "1.01.1",
        "1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", "1.2-RC-SNAPSHOT",
        "-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta",
        "99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1-----------------"
        "---------------..12"}) {
    INFO(text);
    CHECK_FALSE(parse(text).ok());
  }
}

TEST_CASE("semver: one leading 'v' is accepted and dropped") {
  CHECK(ok("v1.2.3") == ok("1.2.3"));
  CHECK(to_string(ok("v1.2.3-rc.1+b")) == "1.2.3-rc.1+b");
  CHECK(err("vv1.2.3") == "invalid version 'vv1.2.3': major version 'v1' is not a number");
  CHECK(err("V1.2.3") == "invalid version 'V1.2.3': major version 'V1' is not a number");
  CHECK(err("=1.2.3") == "invalid version '=1.2.3': invalid character '=' at column 1");
  CHECK(err("v") == "invalid version 'v': expected MAJOR.MINOR.PATCH");
}

TEST_CASE("semver: errors name the problem and where it is") {
  CHECK(err("") == "invalid version '': expected MAJOR.MINOR.PATCH");
  CHECK(err("1.2") == "invalid version '1.2': expected MAJOR.MINOR.PATCH");
  CHECK(err("1.2.3.4") == "invalid version '1.2.3.4': expected MAJOR.MINOR.PATCH");
  CHECK(err("1.02.3") == "invalid version '1.02.3': numeric identifier '02' has a leading zero");
  CHECK(err("00.1.2") == "invalid version '00.1.2': numeric identifier '00' has a leading zero");
  CHECK(err("1.2.3-rc.01") == "invalid version '1.2.3-rc.01': numeric identifier '01' has a leading zero");
  CHECK(err("1..3") == "invalid version '1..3': empty minor version at column 3");
  CHECK(err(".2.3") == "invalid version '.2.3': empty major version at column 1");
  CHECK(err("1.2.") == "invalid version '1.2.': empty patch version at column 5");
  CHECK(err("1.2.x") == "invalid version '1.2.x': patch version 'x' is not a number");
  CHECK(err("1.2.3-") == "invalid version '1.2.3-': empty pre-release identifier at column 7");
  CHECK(err("1.2.3-a..b") == "invalid version '1.2.3-a..b': empty pre-release identifier at column 9");
  CHECK(err("1.2.3-a.") == "invalid version '1.2.3-a.': empty pre-release identifier at column 9");
  CHECK(err("1.2.3-+b") == "invalid version '1.2.3-+b': empty pre-release identifier at column 7");
  CHECK(err("1.2.3+") == "invalid version '1.2.3+': empty build identifier at column 7");
  CHECK(err("1.2.3+a..b") == "invalid version '1.2.3+a..b': empty build identifier at column 9");
  CHECK(err("1.2.3-be$ta") == "invalid version '1.2.3-be$ta': invalid character '$' at column 9");
  CHECK(err("1.2.3+a+b") == "invalid version '1.2.3+a+b': invalid character '+' at column 8");
  CHECK(err(" 1.2.3") == "invalid version ' 1.2.3': invalid character ' ' at column 1");
  CHECK(err("1.2.3\n") == "invalid version '1.2.3\n': invalid byte 0x0A at column 6");
  CHECK(err("1.2.3-\xc3\xa9") == "invalid version '1.2.3-\xc3\xa9': invalid byte 0xC3 at column 7");
  CHECK(err("18446744073709551616.0.0") ==
        "invalid version '18446744073709551616.0.0': major version '18446744073709551616' is larger than "
        "18446744073709551615");
  CHECK(err("0.0.99999999999999999999") ==
        "invalid version '0.0.99999999999999999999': patch version '99999999999999999999' is larger than "
        "18446744073709551615");
}

TEST_CASE("semver: build identifiers may have leading zeros, pre-release ones any length") {
  CHECK(ok("1.0.0+001").build == std::vector<std::string>{"001"});
  CHECK(texts(ok("1.0.0-123456789012345678901234567890").prerelease) ==
        std::vector<std::string>{"123456789012345678901234567890#"});
  CHECK(texts(ok("1.0.0-0a.0").prerelease) == std::vector<std::string>{"0a", "0#"});
}

TEST_CASE("semver: pre-release identifiers on their own") {
  auto ids = parse_prerelease("alpha.1");
  REQUIRE(ids.ok());
  CHECK(texts(*ids) == std::vector<std::string>{"alpha", "1#"});
  CHECK(parse_prerelease("01").error().message ==
        "invalid pre-release identifier '01': numeric identifier '01' has a leading zero");
  CHECK(parse_prerelease("rc..1").error().message ==
        "invalid pre-release identifier 'rc..1': empty pre-release identifier at column 4");
  CHECK(parse_prerelease("r$c").error().message ==
        "invalid pre-release identifier 'r$c': invalid character '$' at column 2");
  CHECK(parse_prerelease("rc+1").error().message ==
        "invalid pre-release identifier 'rc+1': invalid character '+' at column 3");
}
