#include "release/history.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/parallel.hpp"
#include "git/commit.hpp"
#include "git/config.hpp"
#include "git/refs.hpp"
#include "git/revwalk.hpp"
#include "git/files.hpp"
#include "hooks/glob.hpp"

namespace keel::release {

namespace {

const TaggedCommit* highest_stable(const std::vector<const TaggedCommit*>& tags) {
  const TaggedCommit* best = nullptr;
  for (const TaggedCommit* t : tags) {
    if (t->tag.version.is_prerelease()) continue;
    if (!best || semver::compare(t->tag.version, best->tag.version) > 0) best = t;
  }
  return best;
}

// The version a release commit's header names, when it has the shape of
// the configured release commit message ("chore(release): 1.2.0").
std::optional<semver::Version> release_commit_version(std::string_view header, const std::string& message) {
  std::size_t at = message.find("{version}");
  if (at == std::string::npos) return std::nullopt;
  std::string_view prefix(message.data(), at);
  std::string_view suffix(message.data() + at + 9, message.size() - at - 9);
  if (std::size_t nl = suffix.find('\n'); nl != std::string_view::npos) suffix = suffix.substr(0, nl);
  if (suffix.find('{') != std::string_view::npos || prefix.find('{') != std::string_view::npos) return std::nullopt;
  if (header.size() <= prefix.size() + suffix.size() || !header.starts_with(prefix) || !header.ends_with(suffix))
    return std::nullopt;
  auto v = semver::parse(header.substr(prefix.size(), header.size() - prefix.size() - suffix.size()));
  if (!v) return std::nullopt;
  return std::move(v).value();
}

std::string header_of(const Change& c) { return c.message.header; }

}  // namespace

std::vector<TaggedCommit> version_tags(const std::vector<git::Tag>& tags, const Unit& unit) {
  std::vector<TaggedCommit> out;
  for (const auto& t : tags) {
    if (!t.commit) continue;
    auto v = unit.tag.match(t.name, unit.name);
    if (!v) continue;
    out.push_back({VersionTag{t.name, std::move(*v)}, *t.commit, t.kind_checked});
  }
  return out;
}

Status check_history_complete(const git::Repository& repo) {
  if (repo.is_shallow())
    return Error{"shallow clone: the history since the last release may be missing",
                 "fetch the full history and the tags: git fetch --unshallow --tags (in CI, check out with full "
                 "depth, e.g. fetch-depth: 0)",
                 Exit::usage};
  return ok_status();
}

namespace {

struct Candidate {
  git::Oid id;
  std::string message;
};

// Parses every message, on every core.
void parse_candidates(const std::vector<Candidate>& candidates, std::vector<Change>& out) {
  std::vector<Change> changes(candidates.size());
  for_each_index(candidates.size(), [&](std::size_t i) {
    changes[i] = Change{candidates[i].id.hex(), commit::parse(candidates[i].message)};
  });
  out.insert(out.end(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
}

}  // namespace

// The commits reachable from tip and from none of hide, newest commit date
// first, through libgit2's walk: it takes parents and dates from the
// commit-graph file where the repository has one, so that the hidden side
// of history is painted without reading a commit object. Only the commits
// taken are read, once each, for their messages.
//
// Whether tip reaches hide falls out of the same walk: every commit on a
// path from tip down to a hidden commit is taken (a commit below the hidden
// one cannot also be above it), so the path's last step, a taken commit with
// a hidden parent, is always seen.
Status collect_changes(const git::Repository& repo, const git::Oid& tip, const std::vector<git::Oid>& hide,
                       const std::string& path, std::vector<Change>& out, bool* reached) {
  std::unordered_set<git::Oid> hidden(hide.begin(), hide.end());
  if (reached) *reached = hidden.count(tip) != 0;
  auto walk = git::RevWalk::create(repo, {git::Order::time});
  if (!walk) return walk.error();
  if (auto st = walk->push(tip); !st) return st;
  for (const auto& h : hide)
    if (auto st = walk->hide(h); !st) return st;

  std::vector<Candidate> candidates;
  git::CommitBrief brief;
  Status failed = ok_status();
  auto st = walk->for_each([&](const git::Oid& id) {
    if (failed = git::read_brief(repo, id, brief); !failed) return false;
    if (reached && !*reached)
      for (const auto& p : brief.parents) *reached = *reached || hidden.count(p) != 0;
    // A merge's message counts as semantic-release reads it (a note in a
    // pull request's merge message is a breaking change); in a package
    // directory, where a merge touches nothing of its own, it does not.
    if (brief.parents.size() > 1 && !path.empty()) return true;
    if (!path.empty()) {
      auto touches = git::touches_path(repo, id, path);
      if (!touches) {
        failed = touches.error();
        return false;
      }
      if (!*touches) return true;
    }
    candidates.push_back({id, std::move(brief.message)});
    return true;
  });
  if (!st) return st;
  if (!failed) return failed;
  parse_candidates(candidates, out);
  return ok_status();
}

namespace {

// A tag counts only on a commit; listed with git::KindCheck::when_used,
// that is checked when the tag is first used.
Result<bool> tag_names_commit(const git::Repository& repo, const TaggedCommit& t) {
  if (t.checked) return true;
  return git::names_commit(repo, t.commit);
}

// The template a tag would match: its text with the first version in it
// (a digit run that starts a valid version to the end of the tag) as
// {version}, after any package name.
std::string template_for(std::string_view tag, const Unit& unit) {
  for (std::size_t i = 0; i < tag.size(); ++i) {
    if (tag[i] < '0' || tag[i] > '9' || (i > 0 && tag[i - 1] >= '0' && tag[i - 1] <= '9')) continue;
    if (!semver::parse(tag.substr(i))) continue;
    std::string prefix(tag.substr(0, i));
    if (!unit.name.empty())
      if (std::size_t p = prefix.find(unit.name); p != std::string::npos) prefix.replace(p, unit.name.size(), "{package}");
    return prefix + "{version}";
  }
  return {};
}

void note_unmatched_tags(const std::vector<git::Tag>& tags, const Unit& unit, Plan& plan) {
  for (const auto& t : tags) {
    if (!unit.name.empty() && t.name.find(unit.name) == std::string::npos) continue;  // another package's
    std::string suggestion = template_for(t.name, unit);
    if (suggestion.empty()) continue;
    if (plan.suggested_template.empty()) plan.suggested_template = suggestion;
    if (plan.unmatched_tags.size() < 5) plan.unmatched_tags.push_back(t.name);
  }
}

}  // namespace

Result<Plan> make_plan(const git::Repository& repo, const git::Oid& head, const Unit& unit,
                       const std::vector<git::Tag>& tags, const Rules& rules, const NextOptions& options,
                       const std::string& commit_message) {
  if (auto st = check_history_complete(repo); !st) return st.error();
  Plan plan;
  plan.tags = version_tags(tags, unit);

  // The highest stable version reachable from HEAD: candidates from the top
  // down, so usually one reachability check settles it.
  std::vector<const TaggedCommit*> stable;
  for (const auto& t : plan.tags)
    if (!t.tag.version.is_prerelease()) stable.push_back(&t);
  std::sort(stable.begin(), stable.end(), [](const TaggedCommit* a, const TaggedCommit* b) {
    return semver::compare(a->tag.version, b->tag.version) > 0;
  });
  // Each try collects the changes since the candidate and learns whether
  // HEAD reaches it; a tag on an unmerged branch costs one more walk.
  bool settled = false;
  for (const TaggedCommit* t : stable) {
    if (auto st = tag_names_commit(repo, *t); !st) return st.error();
    else if (!*st) continue;
    plan.changes.clear();
    bool reached = false;
    if (auto st = collect_changes(repo, head, {t->commit}, unit.path, plan.changes, &reached); !st)
      return st.error();
    if (reached) {
      plan.last = *t;
      settled = true;
      break;
    }
  }
  if (!settled) {
    plan.changes.clear();
    if (auto st = collect_changes(repo, head, {}, unit.path, plan.changes); !st) return st.error();
  }

  // A release commit without its tag means the tags were not fetched.
  if (!plan.last) {
    for (const auto& c : plan.changes) {
      auto v = release_commit_version(c.message.header, commit_message);
      if (!v) continue;
      std::string tag = unit.tag.format(*v, unit.name);
      return Error{"tags missing: commit " + quote(c.id.substr(0, 7) + " " + c.message.header) + " has no tag " +
                       quote(tag),
                   "fetch the tags: git fetch --tags", Exit::usage};
    }
  }

  std::vector<VersionTag> all;
  all.reserve(plan.tags.size());
  for (const auto& t : plan.tags) {
    // Only pre-releases count towards the next one's number: check those.
    if (t.tag.version.is_prerelease()) {
      if (auto st = tag_names_commit(repo, t); !st) return st.error();
      else if (!*st) continue;
    }
    all.push_back(t.tag);
  }
  std::optional<semver::Version> current;
  if (plan.last) current = plan.last->tag.version;
  plan.decision = decide(plan.changes, rules, current ? &*current : nullptr);
  for (std::size_t i : plan.decision.ignored)
    plan.ignored.push_back(plan.changes[i].id.substr(0, 7) + " " + header_of(plan.changes[i]));
  for (auto [revert, reverted] : plan.decision.cancelled)
    plan.cancelled.push_back(plan.changes[revert].id.substr(0, 7) + " " + header_of(plan.changes[revert]) +
                             " cancels " + plan.changes[reverted].id.substr(0, 7) + " " +
                             header_of(plan.changes[reverted]));
  if (plan.tags.empty()) note_unmatched_tags(tags, unit, plan);

  if (plan.last && plan.last->commit == head && !options.forced) {
    plan.next.current = current;
    plan.next.reason = "HEAD is already released as " + quote(plan.last->tag.name);
    return plan;
  }
  if (!plan.last && plan.changes.empty()) {
    plan.next.reason = unit.path.empty() ? "no commits to release"
                                         : "no commits touch " + quote(unit.path);
    return plan;
  }
  auto next = next_version(current, plan.decision, all, options);
  if (!next) return next.error();
  plan.next = std::move(next).value();
  if (!plan.next.version) return plan;

  // A pre-release of this version already on HEAD: nothing new to release.
  if (!options.pre.empty()) {
    for (const auto& t : plan.tags) {
      const auto& v = t.tag.version;
      if (t.commit != head || !v.is_prerelease() || v.prerelease.front().text != options.pre) continue;
      if (v.major == plan.next.version->major && v.minor == plan.next.version->minor &&
          v.patch == plan.next.version->patch) {
        plan.next.version.reset();
        plan.next.reason = "HEAD is already released as " + quote(t.tag.name);
        return plan;
      }
    }
  }
  plan.tag = unit.tag.format(*plan.next.version, unit.name);
  return plan;
}

Forge forge_of(const git::Repository& repo, const std::string& remote) {
  auto config = git::Config::snapshot(repo);
  if (!config) return {};
  auto url = config->get_string("remote." + remote + ".url");
  if (!url || !url.value()) return {};
  return forge_from_remote(*url.value());
}

namespace {

// Drops the changes that --include-path and --exclude-path leave out. A
// commit's files are those it adds, modifies or renames against its first
// parent (a merge: what the merged branch brought).
Status filter_by_paths(const git::Repository& repo, const ChangelogRequest& request, std::vector<Change>& changes) {
  if (request.include_paths.empty() && request.exclude_paths.empty()) return ok_status();
  std::vector<Change> kept;
  for (auto& c : changes) {
    auto id = git::Oid::from_hex(c.id);
    if (!id) return Error{"not a commit id: " + quote(c.id), {}, Exit::failed};
    auto files = git::changed_by_commit(repo, *id);
    if (!files) return files.error();
    bool keep = std::any_of(files->begin(), files->end(), [&](const std::string& f) {
      return (request.include_paths.empty() || hooks::any_glob_matches(request.include_paths, f)) &&
             !hooks::any_glob_matches(request.exclude_paths, f);
    });
    if (keep) kept.push_back(std::move(c));
  }
  changes = std::move(kept);
  return ok_status();
}

}  // namespace

Result<std::vector<RenderedSection>> render_history(const git::Repository& repo, const git::Oid& head, const Unit& unit,
                                   const std::vector<git::Tag>& tags, const ChangelogSettings& settings,
                                   const Template& tmpl, const ChangelogRequest& request) {
  if (auto st = check_history_complete(repo); !st) return st.error();
  std::vector<RenderedSection> out;
  auto emit = [&](const Section& s) {
    RenderedSection r{s.version, {}, {}};
    Data data = section_data(s, settings);
    tmpl.render(data, r.text);
    if (request.keep_data) r.data = std::move(data);
    out.push_back(std::move(r));
  };

  if (!request.range.empty()) {
    std::size_t dots = request.range.find("..");
    if (dots == std::string::npos || request.range.find("...") != std::string::npos)
      return Error{"invalid range " + quote(request.range) + ": expected A..B", {}, Exit::usage};
    std::string from = request.range.substr(0, dots);
    std::string to = request.range.substr(dots + 2);
    auto to_id = git::resolve_commit(repo, to.empty() ? "HEAD" : to);
    if (!to_id) return to_id.error();
    std::vector<git::Oid> hide;
    if (!from.empty()) {
      auto from_id = git::resolve_commit(repo, from);
      if (!from_id) return from_id.error();
      hide.push_back(*from_id);
    }
    std::vector<Change> changes;
    if (auto st = collect_changes(repo, *to_id, hide, unit.path, changes); !st) return st.error();
    if (auto st = filter_by_paths(repo, request, changes); !st) return st.error();
    Section s;
    // B names a version: the section is that release.
    auto v = unit.tag.match(to, unit.name);
    s.version = v ? semver::to_string(*v) : "Unreleased";
    if (v) {
      s.tag = to;
      git::CommitBrief brief;
      if (auto st = git::read_brief(repo, *to_id, brief); !st) return st.error();
      s.date = format_date(brief.time, brief.offset_minutes);
      if (!from.empty() && unit.tag.match(from, unit.name)) s.previous_tag = from;
    }
    for (const auto& c : changes) s.changes.push_back(&c);
    emit(s);
    return out;
  }

  // Version tags reachable from HEAD, found in one walk.
  std::vector<TaggedCommit> all = version_tags(tags, unit);
  std::unordered_map<git::Oid, std::vector<std::size_t>> by_commit;
  for (std::size_t i = 0; i < all.size(); ++i) by_commit[all[i].commit].push_back(i);
  std::vector<const TaggedCommit*> reachable;
  if (!by_commit.empty()) {
    // One walk of the ids alone: from the commit-graph file where there is
    // one, without reading a commit object.
    auto walk = git::RevWalk::create(repo, {git::Order::none});
    if (!walk) return walk.error();
    if (auto st = walk->push(head); !st) return st.error();
    std::size_t left = by_commit.size();
    auto st = walk->for_each([&](const git::Oid& id) {
      if (auto it = by_commit.find(id); it != by_commit.end()) {
        for (std::size_t i : it->second) reachable.push_back(&all[i]);
        --left;
      }
      return left > 0;
    });
    if (!st) return st.error();
  }
  // Releases shown: stable versions, and pre-releases above the last stable.
  const TaggedCommit* last_stable_tag = highest_stable(reachable);
  std::vector<const TaggedCommit*> shown;
  for (const TaggedCommit* t : reachable) {
    if (t->tag.version.is_prerelease() && last_stable_tag &&
        semver::compare(t->tag.version, last_stable_tag->tag.version) < 0)
      continue;
    shown.push_back(t);
  }
  // Newest first; of several versions on one commit, the highest takes its
  // commits and the others get empty sections.
  std::sort(shown.begin(), shown.end(), [](const TaggedCommit* a, const TaggedCommit* b) {
    return semver::compare(a->tag.version, b->tag.version) > 0;
  });

  std::vector<git::Oid> older;  // commits of every release older than the one being read
  for (const TaggedCommit* t : shown) older.push_back(t->commit);

  std::vector<Change> changes;
  // Unreleased: HEAD minus every shown release.
  if (auto st = collect_changes(repo, head, older, unit.path, changes); !st) return st.error();
  if (auto st = filter_by_paths(repo, request, changes); !st) return st.error();
  if ((!changes.empty() || shown.empty() || request.unreleased_as) && !request.latest && !request.current) {
    Section s;
    s.version = "Unreleased";
    if (request.unreleased_as) {
      s.version = semver::to_string(*request.unreleased_as);
      s.tag = unit.tag.format(*request.unreleased_as, unit.name);
      s.date = request.unreleased_date;
    }
    if (!shown.empty()) s.previous_tag = shown.front()->tag.name;
    for (const auto& c : changes) s.changes.push_back(&c);
    emit(s);
  }
  if (request.unreleased_only) return out;
  if (request.current && (shown.empty() || shown.front()->commit != head))
    return Error{"no version tag on HEAD: --current shows the release HEAD is tagged as", {}, Exit::nothing_to_do};

  git::CommitBrief brief;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const TaggedCommit* t = shown[i];
    std::vector<git::Oid> hide(older.begin() + static_cast<std::ptrdiff_t>(i) + 1, older.end());
    changes.clear();
    if (i == 0 || shown[i - 1]->commit != t->commit)
      if (auto st = collect_changes(repo, t->commit, hide, unit.path, changes); !st) return st.error();
    if (auto st = filter_by_paths(repo, request, changes); !st) return st.error();
    // A release with no commit under the paths is another part's release.
    bool filtered = !request.include_paths.empty() || !request.exclude_paths.empty();
    if (filtered && changes.empty()) continue;
    Section s;
    s.version = semver::to_string(t->tag.version);
    s.tag = t->tag.name;
    if (i + 1 < shown.size()) s.previous_tag = shown[i + 1]->tag.name;
    if (auto st = git::read_brief(repo, t->commit, brief); !st) return st.error();
    s.date = format_date(brief.time, brief.offset_minutes);
    for (const auto& c : changes) s.changes.push_back(&c);
    emit(s);
    if (request.latest || request.current) break;
  }
  return out;
}

}  // namespace keel::release
