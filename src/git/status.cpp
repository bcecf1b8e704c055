#include "git/status.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "git/cli.hpp"
#include "git/detail.hpp"
#include "git/staged_scope.hpp"

namespace keel::git {

namespace {

// Path -> mode of the index's intent-to-add entries. libgit2 1.5 treats them
// as ordinary entries holding an empty blob; git does not.
using IntentToAdd = std::unordered_map<std::string, std::uint32_t>;

IntentToAdd intent_to_add_entries(git_index* index) {
  IntentToAdd out;
  std::size_t n = git_index_entrycount(index);
  for (std::size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    if (e && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)) out.emplace(e->path, e->mode);
  }
  return out;
}

std::optional<ChangeKind> kind_of(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED: return ChangeKind::added;
    case GIT_DELTA_DELETED: return ChangeKind::deleted;
    case GIT_DELTA_MODIFIED: return ChangeKind::modified;
    case GIT_DELTA_RENAMED: return ChangeKind::renamed;
    case GIT_DELTA_COPIED: return ChangeKind::added;  // not asked for; the copy is new
    case GIT_DELTA_TYPECHANGE: return ChangeKind::type_changed;
    case GIT_DELTA_CONFLICTED: return ChangeKind::conflicted;
    default: return std::nullopt;  // unmodified, ignored, untracked, unreadable
  }
}

Change to_change(const git_diff_delta& d, ChangeKind kind) {
  Change c;
  c.kind = kind;
  c.old_path = d.old_file.path;
  c.path = kind == ChangeKind::deleted ? d.old_file.path : d.new_file.path;
  c.old_mode = d.old_file.mode;
  c.new_mode = d.new_file.mode;
  c.old_id = Oid(d.old_file.id);
  if (d.new_file.flags & GIT_DIFF_FLAG_VALID_ID) c.new_id = Oid(d.new_file.id);
  c.submodule = c.old_mode == k_mode_submodule || c.new_mode == k_mode_submodule;
  return c;
}

// HEAD's tree; null when HEAD is unborn.
Result<detail::TreePtr> head_tree(git_repository* repo) {
  git_oid id;
  int rc = git_reference_name_to_id(&id, repo, "HEAD");
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return detail::TreePtr();
  }
  if (rc != 0) return last_error("cannot resolve HEAD", Exit::failed);
  auto commit = detail::lookup_commit(repo, Oid(id));
  if (!commit) return commit.error();
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, commit->get()) != 0) return last_error("cannot read HEAD's tree", Exit::failed);
  return detail::TreePtr(tree);
}

Result<std::vector<Change>> diff_staged(git_repository* repo, git_index* index, const IntentToAdd& ita) {
  auto tree = head_tree(repo);
  if (!tree) return tree.error();
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  // A staged gitlink is staged whatever submodule.<name>.ignore says.
  opts.ignore_submodules = GIT_SUBMODULE_IGNORE_NONE;
  auto scope = detail::staged_scope(repo, index, tree->get());
  if (scope && scope->empty()) return std::vector<Change>();
  std::vector<char*> scope_paths;
  if (scope) {
    for (auto& p : *scope) scope_paths.push_back(p.data());
    opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
    opts.pathspec = {scope_paths.data(), scope_paths.size()};
  }
  git_diff* raw = nullptr;
  if (git_diff_tree_to_index(&raw, repo, tree->get(), index, &opts) != 0)
    return last_error("cannot compare HEAD with the index", Exit::failed);
  detail::DiffPtr diff(raw);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(raw, &find) != 0) return last_error("cannot detect renames", Exit::failed);

  std::vector<Change> out;
  for (std::size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    auto kind = kind_of(d->status);
    if (!kind) continue;
    Change c = to_change(*d, *kind);
    if (ita.count(c.path) && (c.kind == ChangeKind::added || c.kind == ChangeKind::renamed)) {
      if (c.kind == ChangeKind::added) continue;
      // Paired with a deleted file by its empty content: the deletion is real.
      c.kind = ChangeKind::deleted;
      c.path = c.old_path;
      c.new_mode = 0;
      c.new_id = Oid();
    }
    out.push_back(std::move(c));
  }
  return out;
}

struct WorkdirChanges {
  std::vector<Change> changes;
  std::vector<std::string> untracked;
};

// An intent-to-add entry is a new file to git diff. libgit2 calls it
// modified, or nothing at all when the file is still empty.
void fix_intent_to_add(const Repository& repo, const IntentToAdd& ita, std::vector<Change>& changes) {
  if (ita.empty()) return;
  std::unordered_set<std::string> seen;
  for (auto& c : changes) {
    if (!ita.count(c.path)) continue;
    seen.insert(c.path);
    if (c.kind != ChangeKind::modified) continue;
    c.kind = ChangeKind::added;
    c.old_mode = 0;
    c.old_id = Oid();
  }
  std::error_code ec;
  for (const auto& [path, mode] : ita) {
    if (seen.count(path) || !std::filesystem::exists(std::filesystem::symlink_status(repo.workdir() / path, ec)))
      continue;
    Change c;
    c.kind = ChangeKind::added;
    c.path = c.old_path = path;
    c.new_mode = mode;
    changes.push_back(std::move(c));
  }
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.path < b.path; });
}

Result<WorkdirChanges> diff_workdir(const Repository& repo, git_index* index, const IntentToAdd& ita,
                                    bool with_untracked) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  if (with_untracked) opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  git_diff* raw = nullptr;
  if (git_diff_index_to_workdir(&raw, repo.get(), index, &opts) != 0)
    return last_error("cannot compare the index with the work tree", Exit::failed);
  detail::DiffPtr diff(raw);
  WorkdirChanges out;
  for (std::size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status == GIT_DELTA_UNTRACKED) {
      out.untracked.emplace_back(d->new_file.path);
    } else if (auto kind = kind_of(d->status)) {
      out.changes.push_back(to_change(*d, *kind));
    }
  }
  fix_intent_to_add(repo, ita, out.changes);
  return out;
}

std::vector<std::string> sorted_paths(const IntentToAdd& ita) {
  std::vector<std::string> out;
  for (const auto& entry : ita) out.push_back(entry.first);
  std::sort(out.begin(), out.end());
  return out;
}

// Staged (and still present) and then changed again in the work tree.
std::vector<std::string> partially_staged(const std::vector<Change>& staged, const std::vector<Change>& unstaged) {
  std::unordered_set<std::string> changed;
  for (const auto& c : unstaged) changed.insert(c.path);
  std::vector<std::string> out;
  for (const auto& c : staged)
    if (c.kind != ChangeKind::deleted && changed.count(c.path)) out.push_back(c.path);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::modified: return "modified";
    case ChangeKind::deleted: return "deleted";
    case ChangeKind::renamed: return "renamed";
    case ChangeKind::type_changed: return "type changed";
    case ChangeKind::conflicted: return "conflicted";
  }
  return "modified";
}

Result<std::vector<Change>> staged_changes(const Repository& repo) {
  if (repo.index_through_git()) return cli::staged_changes(repo);
  auto index = detail::open_index(repo);
  if (!index) {
    // An index libgit2 cannot read (split, sparse): git itself answers.
    if (repo.index_through_git()) return cli::staged_changes(repo);
    return index.error();
  }
  return diff_staged(repo.get(), index->get(), intent_to_add_entries(index->get()));
}

Result<std::vector<Change>> unstaged_changes(const Repository& repo) {
  auto index = detail::open_index(repo);
  if (!index) return index.error();
  auto changes = diff_workdir(repo, index->get(), intent_to_add_entries(index->get()), false);
  if (!changes) return changes.error();
  return std::move(changes->changes);
}

Result<std::vector<std::string>> untracked_files(const Repository& repo) {
  auto index = detail::open_index(repo);
  if (!index) return index.error();
  auto changes = diff_workdir(repo, index->get(), {}, true);
  if (!changes) return changes.error();
  return std::move(changes->untracked);
}

Result<WorkingState> working_state(const Repository& repo) {
  auto index = detail::open_index(repo);
  if (!index) return index.error();
  IntentToAdd ita = intent_to_add_entries(index->get());
  auto staged = diff_staged(repo.get(), index->get(), ita);
  if (!staged) return staged.error();
  auto workdir = diff_workdir(repo, index->get(), ita, true);
  if (!workdir) return workdir.error();
  WorkingState out;
  out.staged = std::move(staged).value();
  out.unstaged = std::move(workdir->changes);
  out.untracked = std::move(workdir->untracked);
  out.partially_staged = partially_staged(out.staged, out.unstaged);
  out.intent_to_add = sorted_paths(ita);
  return out;
}

}  // namespace keel::git
