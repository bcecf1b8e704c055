#pragma once
// Semantic Versioning 2.0.0 (https://semver.org): parsing, precedence and
// bumping. Pure functions, no I/O.
//
// Syntax is strict SemVer 2.0.0: MAJOR.MINOR.PATCH, an optional pre-release
// after '-' and optional build metadata after '+', identifiers made only of
// [0-9A-Za-z-], none empty, numeric ones without leading zeros. The one
// extension is a single leading lower-case 'v' ("v1.2.3"), accepted because
// git tags are written that way, and dropped: to_string() never prints it.
// "V1.2.3", "vv1.2.3", "=1.2.3" and surrounding whitespace are refused.
// MAJOR, MINOR and PATCH must fit in 64 bits; numeric pre-release
// identifiers have no size limit (they compare by value at any length).
//
// bump() gives the result of node-semver's `inc(version, kind, identifier)`
// (the npm `semver` package, v7, strict mode, default identifierBase, so new
// pre-release numbers start at 0) for every input both accept; the table in
// tests/fixtures/semver/node-semver-inc.tsv, made by the real package, is
// checked row by row. Deviations, all outside what node-semver can parse or
// represent exactly:
//   - Numeric pre-release identifiers of 2^53-1 (9007199254740991) and more
//     are numbers here: bump increments them and compare() orders them
//     exactly. node-semver keeps them as strings it never increments (so
//     "1.0.0-9007199254740991" bumps to "…-9007199254740991.0" there and to
//     "…-9007199254740992" here) and compares them as rounded doubles.
//   - MAJOR, MINOR and PATCH go up to 2^64-1 instead of 2^53-1, and a bump
//     past 2^64-1 is an error instead of a rounded number.
//   - Versions longer than 256 characters are accepted.
// Like node-semver, bump() drops build metadata and ignores pre_id for
// major, minor, patch and release.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace keel::semver {

// One dot-separated pre-release identifier.
struct Identifier {
  std::string text;      // as written; a numeric one has no leading zero
  bool numeric = false;  // only digits: compared by value, below any alphanumeric one

  friend bool operator==(const Identifier&, const Identifier&) = default;
};

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<Identifier> prerelease;  // empty: a release
  std::vector<std::string> build;      // ignored by precedence

  bool is_prerelease() const { return !prerelease.empty(); }
  // Identity, build metadata included; compare() is precedence.
  friend bool operator==(const Version&, const Version&) = default;
};

// Errors read "invalid version '<text>': <problem>", the problem naming the
// offending identifier or column (1-based, counting a leading 'v').
Result<Version> parse(std::string_view text);

// Parses "alpha.1" into pre-release identifiers; errors read
// "invalid pre-release identifier '<text>': <problem>".
Result<std::vector<Identifier>> parse_prerelease(std::string_view text);

// Canonical text: no 'v', build metadata kept.
std::string to_string(const Version& v);

// SemVer precedence: -1, 0 or 1. Build metadata is ignored, so
// compare(1.0.0+a, 1.0.0+b) == 0.
int compare(const Version& a, const Version& b);

// A total order for listing: precedence, then build metadata as node-semver's
// compareBuild orders it (none first, then identifier by identifier).
int compare_for_sort(const Version& a, const Version& b);

enum class BumpKind { major, minor, patch, premajor, preminor, prepatch, prerelease, release };

// "major", "minor", ... in the order of BumpKind.
std::span<const std::string_view> bump_kind_names();
std::optional<BumpKind> parse_bump_kind(std::string_view name);
bool takes_pre_id(BumpKind kind);  // the pre* kinds

// The next version of the given kind (see node-semver above). pre_id, when
// not empty, is the pre-release to start: "rc" makes "1.2.4-rc.0". Errors: an
// invalid pre_id, `release` of a version that is no pre-release, and a number
// that would pass 2^64-1.
Result<Version> bump(const Version& v, BumpKind kind, std::string_view pre_id = {});

}  // namespace keel::semver
