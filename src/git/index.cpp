#include <algorithm>

#include "git/cli.hpp"
#include "git/detail.hpp"
#include "git/status.hpp"

namespace keel::git {

namespace detail {

// libgit2 says "unsupported mandatory extension: 'link'" for a split index
// and the same with 'sdir' for a sparse one: formats git reads and libgit2
// does not. Those go to git (cli.hpp); a damaged index stays an error.
Error index_error(const Repository& repo, std::string_view what) {
  const git_error* e = git_error_last();
  if (e && e->message && std::string_view(e->message).find("unsupported") != std::string_view::npos)
    repo.set_index_through_git();
  return last_error(what, Exit::failed);
}

Result<IndexPtr> open_index(const Repository& repo) {
  if (repo.is_bare())
    return Error{"repository " + quote(repo.git_dir().string()) + " has no work tree", {}, Exit::usage};
  if (repo.index_through_git())
    return Error{"cannot read the index with libgit2 (a split or sparse index?)", {}, Exit::failed};
  git_index* raw = nullptr;
  if (git_repository_index(&raw, repo.get()) != 0) return index_error(repo);
  IndexPtr index(raw);
  // The repository caches its index; another process (git add) may have
  // written it since. force=0 re-reads only when the file changed.
  if (git_index_read(raw, 0) != 0) return index_error(repo);
  return index;
}

}  // namespace detail

Result<std::vector<IndexEntry>> index_entries(const Repository& repo) {
  if (repo.index_through_git()) return cli::index_entries(repo);
  auto index = detail::open_index(repo);
  if (!index) {
    // An index libgit2 cannot read (split, sparse): git itself answers.
    if (repo.index_through_git()) return cli::index_entries(repo);
    return index.error();
  }
  std::size_t n = git_index_entrycount(index->get());
  std::vector<IndexEntry> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index->get(), i);
    if (!e) continue;
    IndexEntry entry;
    entry.path = e->path;
    entry.id = Oid(e->id);
    entry.mode = e->mode;
    entry.stage = git_index_entry_stage(e);
    entry.intent_to_add = (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
    entry.skip_worktree = (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
    out.push_back(std::move(entry));
  }
  return out;
}

Result<TrackedFiles> TrackedFiles::read(const Repository& repo) {
  TrackedFiles t;
  if (!repo.index_through_git()) {
    auto index = detail::open_index(repo);
    if (index) {
      t.m_index.reset(index->release(), git_index_free);
      return t;
    }
    if (!repo.index_through_git()) return index.error();
  }
  auto entries = cli::index_entries(repo);
  if (!entries) return entries.error();
  for (auto& e : *entries) t.m_paths.push_back(std::move(e.path));
  std::sort(t.m_paths.begin(), t.m_paths.end());
  return t;
}

std::optional<std::filesystem::path> TrackedFiles::file_alone(const Repository& repo) {
  if (repo.is_bare() || repo.index_replaced() || repo.index_through_git()) return std::nullopt;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo.get()) != 0) return std::nullopt;
  Handle<git_config, git_config_free> config(raw);
  int ignore_case = 0;
  if (git_config_get_bool(&ignore_case, raw, "core.ignorecase") == 0 && ignore_case) return std::nullopt;
  return repo.git_dir() / "index";
}

Result<TrackedFiles> TrackedFiles::read_file(const std::filesystem::path& index_file) {
  git_index* raw = nullptr;
  if (git_index_open(&raw, index_file.c_str()) != 0)
    return last_error("cannot read the index " + quote(index_file.string()), Exit::failed);
  TrackedFiles t;
  t.m_index.reset(raw, git_index_free);
  return t;
}

bool TrackedFiles::tracked(const std::string& path) const {
  if (!m_index) return std::binary_search(m_paths.begin(), m_paths.end(), path);
  // No lock: the lookup only reads the index's hash map (its "not found"
  // goes to libgit2's per-thread error), and a walk on every core asks it
  // for every file; a lock here cost more in waiting than the walk saved.
  return git_index_get_bypath(m_index.get(), path.c_str(), 0) != nullptr;
}

bool TrackedFiles::holds(const std::string& dir) const {
  std::string prefix = dir + "/";
  if (!m_index) {
    auto it = std::lower_bound(m_paths.begin(), m_paths.end(), prefix);
    return it != m_paths.end() && it->compare(0, prefix.size(), prefix) == 0;
  }
  std::lock_guard lock(*m_lock);
  std::size_t at = 0;
  return git_index_find_prefix(&at, m_index.get(), prefix.c_str()) == 0;
}

}  // namespace keel::git
