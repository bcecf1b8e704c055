#include "release/history.hpp"

#include <algorithm>
#include <limits>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/parallel.hpp"
#include "git/commit.hpp"
#include "git/config.hpp"
#include "git/refs.hpp"

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

// A commit seen by collect_changes: read once, when first seen.
struct Node {
  std::int64_t time = 0;
  std::uint64_t order = 0;  // when first seen: children before parents
  bool uninteresting = false;
  bool popped = false;
  bool has_message = false;
  std::vector<git::Oid> parents;
  std::string message;  // until popped
};

// After the last interesting commit leaves the queue, a few more are read
// in case clock skew put an uninteresting path behind it (git does the same).
constexpr int k_slop = 5;

// A commit's parents and time, and its message when wanted.
Status read_node(const git::Repository& repo, const git::Oid& id, bool want_message, Node& n,
                 git::CommitBrief& brief) {
  if (auto st = git::read_brief_walking(repo, id, brief); !st) return st;
  n.time = brief.time;
  n.parents = std::move(brief.parents);
  if (want_message) {
    n.message = std::move(brief.message);
    n.has_message = true;
  }
  return ok_status();
}

struct Candidate {
  git::Oid id;
  std::string message;
  bool has_message = false;
};

// Parses every message, on every core, reading first any the walk did not
// keep. What the pack reader cannot read is read by libgit2 afterwards, on
// this thread: libgit2 does not promise that sharing one repository between
// threads is safe.
Status parse_candidates(const git::Repository& repo, std::vector<Candidate>& candidates, std::vector<Change>& out) {
  std::vector<Change> changes(candidates.size());
  std::vector<char> missed(candidates.size(), 0);
  (void)repo.packs();  // opened here, not by the first of several threads
  for_each_index(candidates.size(), [&](std::size_t i) {
    Candidate& c = candidates[i];
    if (!c.has_message) {
      git::CommitBrief brief;
      if (!git::read_packed_brief(repo, c.id, brief)) {
        missed[i] = 1;
        return;
      }
      c.message = std::move(brief.message);
    }
    changes[i] = Change{c.id.hex(), commit::parse(c.message)};
  });
  git::CommitBrief brief;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!missed[i]) continue;
    if (auto st = git::read_brief(repo, candidates[i].id, brief); !st) return st;
    changes[i] = Change{candidates[i].id.hex(), commit::parse(brief.message)};
  }
  out.insert(out.end(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
  return ok_status();
}

}  // namespace

// The commits reachable from tip and from none of hide, newest commit date
// first (ties: children first). Like git's and libgit2's limited walks it
// paints both sides in date order and stops once only commits reachable
// from hide are left; unlike libgit2 1.5's walk, which reads each commit
// once for the walk and again for its message, every commit is read once,
// in pack order where it can be (see git::PackScan).
//
// Whether tip reaches hide falls out of the same walk: every commit on a
// path from tip down to a hidden commit is interesting (a commit below the
// hidden one cannot also be above it), and the walk takes every interesting
// commit, so the path's last step, an interesting commit with a hidden
// parent, is always seen.
Status collect_changes(const git::Repository& repo, const git::Oid& tip, const std::vector<git::Oid>& hide,
                       const std::string& path, std::vector<Change>& out, bool* reached) {
  std::unordered_map<git::Oid, Node> nodes;
  using Entry = std::tuple<std::int64_t, std::uint64_t, git::Oid>;  // time, -order, id
  std::priority_queue<Entry> queue;
  std::uint64_t seen = 0;
  std::size_t interesting = 0;  // interesting entries in the queue
  git::CommitBrief brief;
  std::unordered_set<git::Oid> hidden(hide.begin(), hide.end());
  if (reached) *reached = hidden.count(tip) != 0;

  auto paint = [&](const git::Oid& id) {
    std::vector<git::Oid> stack{id};
    while (!stack.empty()) {
      Node& m = nodes[stack.back()];
      stack.pop_back();
      if (m.uninteresting) continue;
      m.uninteresting = true;
      if (!m.popped) interesting--;  // still queued, and counted as interesting
      for (const auto& p : m.parents) stack.push_back(p);
    }
  };
  auto add = [&](const git::Oid& id, bool uninteresting) -> Status {
    auto [it, fresh] = nodes.try_emplace(id);
    if (!fresh) {
      if (uninteresting && !it->second.uninteresting) paint(id);
      return ok_status();
    }
    if (auto st = read_node(repo, id, !uninteresting, it->second, brief); !st) {
      nodes.erase(it);
      return st;
    }
    Node& n = it->second;
    n.order = seen++;
    n.uninteresting = uninteresting;
    queue.push({n.time, std::numeric_limits<std::uint64_t>::max() - n.order, id});
    if (!uninteresting) interesting++;
    return ok_status();
  };

  std::vector<Candidate> candidates;
  for (const auto& h : hide)
    if (auto st = add(h, true); !st) return st;
  if (auto st = add(tip, false); !st) return st;
  int slop = k_slop;
  std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
  std::vector<git::Oid> parents;  // one buffer for the whole walk
  while (!queue.empty()) {
    git::Oid id = std::get<2>(queue.top());
    queue.pop();
    Node& n = nodes[id];
    n.popped = true;
    // The flag may have changed since it was queued; count what it was.
    bool uninteresting = n.uninteresting;
    parents.assign(n.parents.begin(), n.parents.end());  // add() may rehash nodes
    if (!uninteresting) {
      interesting--;
      oldest = std::min(oldest, n.time);
      if (parents.size() <= 1) candidates.push_back({id, std::move(n.message), n.has_message});
      if (reached && !*reached)
        for (const auto& p : parents) *reached = *reached || hidden.count(p) != 0;
    }
    for (const auto& p : parents)
      if (auto st = add(p, uninteresting); !st) return st;
    // Done when only hidden commits are left, none of them newer than the
    // oldest commit taken (a hidden path through newer commits, which clock
    // skew makes possible, could still reach it), and a few more are read.
    if (interesting == 0 && (queue.empty() || std::get<0>(queue.top()) < oldest) && --slop <= 0) break;
  }

  std::vector<Candidate> kept;
  kept.reserve(candidates.size());
  for (auto& c : candidates) {
    if (nodes[c.id].uninteresting) continue;
    if (!path.empty()) {
      auto touches = git::touches_path(repo, c.id, path);
      if (!touches) return touches.error();
      if (!*touches) continue;
    }
    kept.push_back(std::move(c));
  }
  return parse_candidates(repo, kept, out);
}

namespace {

// A tag counts only on a commit; listed with git::KindCheck::when_used,
// that is checked when the tag is first used.
Result<bool> tag_names_commit(const git::Repository& repo, const TaggedCommit& t) {
  if (t.checked) return true;
  return git::names_commit(repo, t.commit);
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

Result<std::vector<RenderedSection>> render_history(const git::Repository& repo, const git::Oid& head, const Unit& unit,
                                   const std::vector<git::Tag>& tags, const ChangelogSettings& settings,
                                   const Template& tmpl, const ChangelogRequest& request) {
  if (auto st = check_history_complete(repo); !st) return st.error();
  std::vector<RenderedSection> out;
  auto emit = [&](const Section& s) {
    RenderedSection r{s.version, {}};
    tmpl.render(section_data(s, settings), r.text);
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
    // Read through the pack scan, like the walks below, which then find
    // these commits already read.
    std::unordered_set<git::Oid> seen{head};
    std::vector<git::Oid> stack{head};
    std::size_t left = by_commit.size();
    git::CommitBrief brief;
    while (!stack.empty() && left > 0) {
      git::Oid id = stack.back();
      stack.pop_back();
      if (auto it = by_commit.find(id); it != by_commit.end()) {
        for (std::size_t i : it->second) reachable.push_back(&all[i]);
        --left;
      }
      if (auto st = git::read_brief_walking(repo, id, brief); !st) return st.error();
      // Reversed, so that the first parent is taken first, as the pack has it.
      for (auto p = brief.parents.rbegin(); p != brief.parents.rend(); ++p)
        if (seen.insert(*p).second) stack.push_back(*p);
    }
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
  if (!changes.empty() || shown.empty()) {
    Section s;
    s.version = "Unreleased";
    if (!shown.empty()) s.previous_tag = shown.front()->tag.name;
    for (const auto& c : changes) s.changes.push_back(&c);
    emit(s);
  }
  if (request.unreleased_only) return out;

  git::CommitBrief brief;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const TaggedCommit* t = shown[i];
    std::vector<git::Oid> hide(older.begin() + static_cast<std::ptrdiff_t>(i) + 1, older.end());
    changes.clear();
    if (i == 0 || shown[i - 1]->commit != t->commit)
      if (auto st = collect_changes(repo, t->commit, hide, unit.path, changes); !st) return st.error();
    Section s;
    s.version = semver::to_string(t->tag.version);
    s.tag = t->tag.name;
    if (i + 1 < shown.size()) s.previous_tag = shown[i + 1]->tag.name;
    if (auto st = git::read_brief(repo, t->commit, brief); !st) return st.error();
    s.date = format_date(brief.time, brief.offset_minutes);
    for (const auto& c : changes) s.changes.push_back(&c);
    emit(s);
  }
  return out;
}

}  // namespace keel::release
