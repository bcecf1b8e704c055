// SemVer 2.0.0 precedence (spec item 11) and the order `keel semver sort` uses.
#include <doctest/doctest.h>

#include <algorithm>

#include "semver/semver.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::semver;

namespace {

Version v(std::string_view text) {
  auto r = parse(text);
  INFO(text);
  REQUIRE(r.ok());
  return std::move(r).value();
}

// Every earlier entry is lower than every later one, both ways round.
void check_ascending(const std::vector<std::string>& chain) {
  for (std::size_t i = 0; i < chain.size(); ++i) {
    for (std::size_t j = 0; j < chain.size(); ++j) {
      INFO(chain[i] << " vs " << chain[j]);
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      CHECK(compare(v(chain[i]), v(chain[j])) == expected);
    }
  }
}

}  // namespace

TEST_CASE("semver: the spec's precedence examples") {
  check_ascending({"1.0.0", "2.0.0", "2.1.0", "2.1.1"});
  check_ascending({"1.0.0-alpha", "1.0.0"});
  check_ascending({"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                   "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"});
}

TEST_CASE("semver: numbers compare by value, below alphanumeric identifiers") {
  check_ascending({"0.0.0", "0.0.9", "0.0.10", "0.9.0", "0.10.0", "9.0.0", "10.0.0", "18446744073709551615.0.0"});
  check_ascending({"1.0.0-0", "1.0.0-1", "1.0.0-9", "1.0.0-10", "1.0.0-99999999999999999999",
                   "1.0.0-100000000000000000000", "1.0.0--", "1.0.0-0a", "1.0.0-A", "1.0.0-a", "1.0.0-a.0",
                   "1.0.0-a.a"});
  // ASCII order: upper case before lower case, '-' before digits.
  check_ascending({"1.0.0-RC", "1.0.0-rC", "1.0.0-rc", "1.0.0-rc-1", "1.0.0-rc0", "1.0.0-rcA"});
}

TEST_CASE("semver: build metadata does not count for precedence") {
  CHECK(compare(v("1.0.0+a"), v("1.0.0+b")) == 0);
  CHECK(compare(v("1.0.0-rc.1+build.2"), v("1.0.0-rc.1")) == 0);
  CHECK(compare(v("v1.0.0"), v("1.0.0")) == 0);
  CHECK_FALSE(v("1.0.0+a") == v("1.0.0+b"));
  CHECK(compare(v("1.0.0+zzz"), v("1.0.1+aaa")) == -1);
}

TEST_CASE("semver: the listing order breaks precedence ties by build metadata") {
  // As node-semver's compareBuild: none first, numbers by value and before
  // words, a prefix before its extensions.
  std::vector<std::string> order = {"1.0.0", "1.0.0+1", "1.0.0+002", "1.0.0+10", "1.0.0+10.a",
                                    "1.0.0+A", "1.0.0+a", "1.0.1-0"};
  for (std::size_t i = 0; i < order.size(); ++i)
    for (std::size_t j = 0; j < order.size(); ++j) {
      INFO(order[i] << " vs " << order[j]);
      CHECK(compare_for_sort(v(order[i]), v(order[j])) == (i < j ? -1 : (i > j ? 1 : 0)));
    }
  CHECK(compare_for_sort(v("1.0.0+01"), v("1.0.0+1")) == 0);
}

TEST_CASE("semver: compare is antisymmetric and transitive on a mixed set") {
  std::vector<std::string> texts = {"1.0.0", "1.0.0-rc.1", "1.0.0-rc.1+x", "0.9.9", "1.0.0-alpha", "1.0.0-1",
                                    "1.0.0-alpha.1", "2.0.0-0", "1.10.0", "1.9.0", "1.0.0-rc.10", "1.0.0-rc.2"};
  std::vector<Version> versions;
  for (const auto& t : texts) versions.push_back(v(t));
  for (const auto& a : versions)
    for (const auto& b : versions) {
      CHECK(compare(a, b) == -compare(b, a));
      for (const auto& c : versions)
        if (compare(a, b) <= 0 && compare(b, c) <= 0) CHECK(compare(a, c) <= 0);
    }
  std::stable_sort(versions.begin(), versions.end(),
                   [](const Version& a, const Version& b) { return compare(a, b) < 0; });
  std::vector<std::string> sorted;
  for (const auto& x : versions) sorted.push_back(to_string(x));
  CHECK(sorted == std::vector<std::string>{"0.9.9", "1.0.0-1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-rc.1",
                                           "1.0.0-rc.1+x", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.9.0",
                                           "1.10.0", "2.0.0-0"});
}
