#pragma once
// The git side of releasing: version tags (peeled once, mapped to commits),
// the commits since the last release, and changelog sections for ranges of
// history. Reads only; src/release/perform.cpp writes.

#include <optional>
#include <string>
#include <vector>

#include "git/git.hpp"
#include "git/tags.hpp"
#include "release/changelog.hpp"
#include "release/settings.hpp"
#include "release/version.hpp"

namespace keel::release {

// Tags matching a unit's template, with their commits.
struct TaggedCommit {
  VersionTag tag;
  git::Oid commit;
  bool checked = true;  // false: commit is unverified (git::KindCheck::when_used)
};
std::vector<TaggedCommit> version_tags(const std::vector<git::Tag>& tags, const Unit& unit);

// Refuses what keel cannot read history from: a shallow clone (exit 2 and
// the command that fetches the rest).
Status check_history_complete(const git::Repository& repo);

// Commits reachable from tip and from none of hide, newest first (children
// before parents), merge commits left out; with a path, only the commits
// that change it. Appended to out. With reached, also tells whether tip
// reaches a commit of hide (for one hidden commit: whether it is an ancestor
// of tip), which the same walk settles at no extra cost.
Status collect_changes(const git::Repository& repo, const git::Oid& tip, const std::vector<git::Oid>& hide,
                       const std::string& path, std::vector<Change>& out, bool* reached = nullptr);

struct Plan {
  std::optional<TaggedCommit> last;       // the last stable release reachable from HEAD
  std::vector<TaggedCommit> tags;         // every tag of the unit's template
  std::vector<Change> changes;            // since the last release
  Decision decision;
  Next next;
  std::string tag;                        // the next version's tag; empty with nothing to release
  std::vector<std::string> ignored;       // "<short id> <header>" of non-conventional commits
  std::vector<std::string> cancelled;     // "<short id> <header> cancels <short id> <header>"
  // Tags that do not match the tag template, when no tag does (at most 5),
  // and a template that the first of them would match.
  std::vector<std::string> unmatched_tags;
  std::string suggested_template;
};

// What releasing the unit at head would do. Nothing to release comes back
// as a plan whose next.version is empty and next.reason says why.
Result<Plan> make_plan(const git::Repository& repo, const git::Oid& head, const Unit& unit,
                       const std::vector<git::Tag>& tags, const Rules& rules, const NextOptions& options,
                       const std::string& commit_message);

// The forge of a remote's URL, from the repository's config.
Forge forge_of(const git::Repository& repo, const std::string& remote);

struct ChangelogRequest {
  bool unreleased_only = false;
  std::string range;  // "A..B"; empty for the whole history
  bool latest = false;   // only the newest release's section
  bool current = false;  // only the section of the release tagged on head
  // The unreleased commits under this version (git-cliff's --tag), dated so.
  std::optional<semver::Version> unreleased_as;
  std::string unreleased_date;
  bool keep_data = false;  // --context: each section's template data too
  // --include-path / --exclude-path globs (src/hooks/glob.hpp): a commit
  // stays when one of the files it changes matches an include glob (any
  // file, without one) and no exclude glob, as git-cliff decides.
  std::vector<std::string> include_paths;
  std::vector<std::string> exclude_paths;
};

struct RenderedSection {
  std::string version;  // "1.2.0" or "Unreleased"
  std::string text;
  std::optional<Data> data;  // what the template received, when the request keeps it
};

// The changelog of head's history, newest release first: an "Unreleased"
// section for commits since the last tag (when there are any), then one
// section per version tag reachable from head. Pre-release tags older than
// the last stable one are folded into the stable release that followed.
Result<std::vector<RenderedSection>> render_history(const git::Repository& repo, const git::Oid& head, const Unit& unit,
                                   const std::vector<git::Tag>& tags, const ChangelogSettings& settings,
                                   const Template& tmpl, const ChangelogRequest& request);

}  // namespace keel::release
