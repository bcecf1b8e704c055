#pragma once
// Changelog sections from commits: grouping, forge links, the default
// template, and prepending to an existing file. Pure logic, no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "release/template.hpp"
#include "release/version.hpp"

namespace keel::release {

// Where commit and issue links point; from the origin remote's URL.
struct Forge {
  enum class Kind { none, github, gitlab, gitea, bitbucket };
  Kind kind = Kind::none;
  std::string base;  // "https://github.com/owner/repo", no trailing '/', no ".git"

  std::string commit_url(std::string_view id) const;
  std::string issue_url(std::string_view number) const;
  std::string compare_url(std::string_view from, std::string_view to) const;
};

// Recognises github.com, gitlab.com (and hosts named gitlab.*), gitea.com,
// codeberg.org (and hosts named gitea.*) and bitbucket.org in https, ssh and
// scp-like ("git@host:owner/repo.git") URLs. Anything else: Kind::none.
Forge forge_from_remote(std::string_view url);

// The kinds of entries, in the order the changelog shows them.
struct Group {
  std::string type;   // commit type, e.g. "feat"
  std::string title;  // heading, e.g. "Features"; empty hides the type
};

struct ChangelogSettings {
  std::vector<Group> groups{{"feat", "Features"}, {"fix", "Bug Fixes"}, {"perf", "Performance"}, {"revert", "Reverts"}};
  std::string breaking_title = "Breaking Changes";
  Forge forge;
};

// One release's section.
struct Section {
  std::string version;       // "1.2.0", or "Unreleased"
  std::string tag;           // "v1.2.0"; empty when unreleased
  std::string previous_tag;  // for the compare link; empty for the first
  std::string date;          // YYYY-MM-DD; empty when unreleased
  // The commits, newest first. Pointers into the caller's vector.
  std::vector<const Change*> changes;
};

// The template data of one section: version, tag, previous_tag, date,
// unreleased, compare_url, and groups (title, breaking, commits: id,
// short_id, commit_url, type, scope, description, text (the breaking
// description in the breaking group, else the description), breaking,
// breaking_description, issues (number, url)).
Data section_data(const Section& section, const ChangelogSettings& settings);

// The built-in section template (see keel-release(1)).
std::string_view default_template();
// What a new changelog file starts with.
std::string_view default_header();

// "YYYY-MM-DD" of a time in the given zone.
std::string format_date(std::int64_t seconds, int offset_minutes);

// Whether an existing changelog already has a heading for version: a line
// starting with '#' in which the version stands as a word of its own.
bool has_version_heading(std::string_view changelog, std::string_view version);

// Inserts rendered sections into an existing changelog, keeping its bytes:
// after a leading "# Title" line and the blank lines and paragraph that
// follow it up to the first "## " heading, or at the top without one. When
// that first section is an Unreleased one ("## Unreleased",
// "## [Unreleased]..."), the sections replace it, up to the next "## " or
// "# " heading.
std::string prepend(std::string_view existing, std::string_view sections);

// Whether prepend() would replace an Unreleased section of this changelog.
bool has_unreleased_section(std::string_view changelog);

// UTC date of "now", for tests to pin: "YYYY-MM-DD".
std::string today(std::int64_t now_seconds);

}  // namespace keel::release
