#pragma once
// Debian packages as pure logic: names, versions and architectures as
// Debian spells them, the control file (every field checked, the
// description folded as deb-control(5) wants), changelog.Debian and the
// machine-readable copyright file. Fuzzed (tests/fuzz/fuzz_deb_control.cpp):
// the fields come from a project's keel.toml.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace keel::dist::deb {

// Debian policy 5.6.1: at least two characters of [a-z0-9+.-], starting
// with a letter or digit.
Status check_package_name(std::string_view name);

// A semantic version as a Debian version that sorts the same way: a
// pre-release sorts before its release, so "1.2.0-rc.1" is "1.2.0~rc.1";
// build metadata stays after '+'.
Result<std::string> version_from_semver(std::string_view version);

// Go's architecture names as Debian's: amd64, arm64, 386 -> i386, arm -> armhf.
std::string architecture(std::string_view goarch);

struct Control {
  std::string package, version, architecture, maintainer, section, priority, homepage, description;
  std::vector<std::string> depends, recommends, conflicts, provides, replaces;
  std::uint64_t installed_size_kib = 0;
};

// The control file. Each field's problem is an error naming the field:
// "invalid Description: line 2 holds a control character".
Result<std::string> control_file(const Control& c);

// The package's changelog.Debian: one entry for this version, its lines
// as bullets, dated with the source date (RFC 5322, UTC).
std::string changelog(const std::string& package, const std::string& version, const std::string& maintainer,
                      const std::vector<std::string>& changes, std::int64_t date);

// lintian's overrides file: the configured {tag, why} pairs, and when keel
// wrote the changelog the rule that cannot apply to a package built outside
// Debian's archive; each under a comment saying why. Empty for none.
std::string lintian_overrides(const std::string& package, const std::vector<std::pair<std::string, std::string>>& given,
                              bool keel_changelog);

// A copyright file in the machine-readable format (DEP-5): the file as
// given when it already is one, else the text as the licence of every file.
std::string copyright(std::string_view given, const std::string& package, const std::string& holder,
                      const std::string& licence_name);

// The md5sums control file: "<md5>  <path>" per file, paths without "./".
std::string md5sums_line(const std::string& md5_hex, const std::string& path);

}  // namespace keel::dist::deb
