#pragma once
// Deciding the next version from tags and Conventional Commits. Pure logic,
// no I/O: src/release/history.cpp feeds it what it reads from git.
//
//   - Tags follow a template with a `{version}` placeholder and optionally a
//     `{package}` one: "v{version}", "{package}@{version}".
//   - The last release is the highest *stable* version among the matching
//     tags the caller found reachable from HEAD.
//   - Each commit since then bumps as semantic-release's commit analyzer
//     decides: breaking (a note, or keel's `!`) -> major (minor while the
//     major version is 0, unless zero_major_breaking is major), otherwise
//     its type looked up in the type map (feat -> minor, fix/perf -> patch
//     by default), and a revert that names the commit it reverts -> the
//     revert type's bump (patch). A `Release-As: X.Y.Z` footer sets the
//     version; a revert and the commit it names exactly, both in the
//     range, cancel each other.
//   - Pre-releases `X.Y.Z-ID.N` count N from 1, continuing from the highest
//     existing ID tag for the same X.Y.Z.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commit/message.hpp"
#include "core/error.hpp"
#include "semver/semver.hpp"

namespace keel::release {

enum class Bump { none = 0, patch = 1, minor = 2, major = 3 };
std::string_view to_string(Bump b);
std::optional<Bump> parse_bump(std::string_view name);  // "major", "minor", "patch", "none"

// "v{version}" and friends. The template has exactly one {version} and at
// most one {package}; everything else is literal text.
class TagTemplate {
 public:
  static Result<TagTemplate> parse(std::string_view text);
  // The version a tag names, when it matches this template for `package`
  // and the rest is a valid SemVer version (without a leading 'v').
  std::optional<semver::Version> match(std::string_view tag, std::string_view package = {}) const;
  std::string format(const semver::Version& v, std::string_view package = {}) const;
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
};

// A tag that names a version.
struct VersionTag {
  std::string name;
  semver::Version version;
};

// The highest stable version among tags; nullptr when there is none.
const VersionTag* last_stable(const std::vector<VersionTag>& tags);

// The commit as the bump decision sees it.
struct Change {
  std::string id;  // full hex id
  commit::Message message;
};

struct Rules {
  std::map<std::string, Bump, std::less<>> types{
      {"feat", Bump::minor}, {"fix", Bump::patch}, {"perf", Bump::patch}, {"revert", Bump::patch}};
  bool zero_major_breaking_major = false;  // release.zero_major_breaking = "major"
};

struct Decision {
  Bump bump = Bump::none;
  bool breaking = false;
  std::optional<semver::Version> release_as;  // the highest Release-As footer
  std::size_t considered = 0;          // conventional commits, not cancelled
  std::vector<std::size_t> ignored;   // indexes of commits that bump nothing and are not conventional (merges excluded)
  std::vector<std::size_t> deciding;  // indexes of the commits that count (cancelled and ignored ones excluded)
  // (revert, reverted) index pairs that cancel each other.
  std::vector<std::pair<std::size_t, std::size_t>> cancelled;
};

// The type the bump rules see: the Conventional Commits type, or the one
// semantic-release's angular header pattern finds in a looser header.
std::string release_type(const commit::Message& m);

// What a commit's own bump is, before the 0.x rule: major when breaking,
// else its type's (matched in its case, or all upper case), raised to the
// revert type's when it says which commit it reverts.
Bump bump_of(const commit::Message& m, const Rules& rules);

// Pairs (revert, reverted) of indexes into changes, newest first: a revert
// cancels a commit of the same list only when the header and full id it
// names are exactly that commit's, as semantic-release's filter decides.
std::vector<std::pair<std::size_t, std::size_t>> cancelled_reverts(const std::vector<Change>& changes);

Decision decide(const std::vector<Change>& changes, const Rules& rules, const semver::Version* current);

// Applies a bump to a stable version: 1.2.3 + minor = 1.3.0. While the
// major is 0, a major bump is given as minor unless zero_major_breaking_major
// (the caller decides that through Decision::bump already).
semver::Version apply(const semver::Version& v, Bump b);

struct NextOptions {
  std::string pre;    // "rc": X.Y.Z-rc.N
  std::string build;  // appended as +META
  semver::Version initial{0, 1, 0, {}, {}};
  std::optional<semver::Version> forced;  // --as X.Y.Z
  std::optional<Bump> forced_bump;        // --as major|minor|patch
};

struct Next {
  std::optional<semver::Version> current;  // the last stable release
  std::optional<semver::Version> version;  // none: nothing to release
  Bump bump = Bump::none;
  std::string reason;  // why there is nothing to release
};

// The next version given the last stable release, the decision and every
// existing version tag (pre-release numbering looks at all of them).
Result<Next> next_version(const std::optional<semver::Version>& current, const Decision& decision,
                          const std::vector<VersionTag>& all_tags, const NextOptions& options);

// The next N for `base-id.N` given existing versions: 1 + the highest N, or 1.
std::uint64_t next_pre_number(const semver::Version& base, std::string_view id, const std::vector<VersionTag>& tags);

}  // namespace keel::release
