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
      t.m_ignore_case = (git_index_caps(t.m_index.get()) & GIT_INDEX_CAPABILITY_IGNORE_CASE) != 0;
      t.list_paths();
      return t;
    }
    if (!repo.index_through_git()) return index.error();
  }
  auto entries = cli::index_entries(repo);
  if (!entries) return entries.error();
  for (auto& e : *entries) t.m_owned.push_back(std::move(e.path));
  t.list_paths();
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
  t.list_paths();
  return t;
}

void TrackedFiles::list_paths() {
  if (m_index) {
    std::size_t n = git_index_entrycount(m_index.get());
    m_paths.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      if (const git_index_entry* e = git_index_get_byindex(m_index.get(), i)) m_paths.emplace_back(e->path);
  } else {
    m_paths.assign(m_owned.begin(), m_owned.end());
  }
  // libgit2 and git keep the index in this order; a case-insensitive
  // index is asked of libgit2 instead.
  if (!std::is_sorted(m_paths.begin(), m_paths.end())) std::sort(m_paths.begin(), m_paths.end());
}


namespace {

template <class Paths>
auto part(const Paths& paths, TrackedFiles::Range within) {
  auto first = paths.begin() + static_cast<std::ptrdiff_t>(std::min(within.first, paths.size()));
  auto last = paths.begin() + static_cast<std::ptrdiff_t>(std::min(within.last, paths.size()));
  return std::pair{first, std::max(first, last)};
}

}  // namespace

TrackedFiles::Range TrackedFiles::under(std::string_view dir, Range within) const {
  if (m_ignore_case || dir.empty()) return {0, m_paths.size()};
  // Below "dir/": from "dir/" up to "dir0", '0' being the byte after '/'.
  std::string from = std::string(dir) + '/', to = std::string(dir) + '0';
  auto [begin, end] = part(m_paths, within);
  auto first = std::lower_bound(begin, end, std::string_view(from));
  auto last = std::lower_bound(first, end, std::string_view(to));
  return {static_cast<std::size_t>(first - m_paths.begin()), static_cast<std::size_t>(last - m_paths.begin())};
}

bool TrackedFiles::tracked(std::string_view path, Range within) const {
  if (m_ignore_case) {
    // No lock: the lookup only reads the index's hash map (its "not found"
    // goes to libgit2's per-thread error).
    return git_index_get_bypath(m_index.get(), std::string(path).c_str(), 0) != nullptr;
  }
  auto [first, last] = part(m_paths, within);
  return std::binary_search(first, last, path);
}

bool TrackedFiles::holds(std::string_view dir, Range within) const {
  std::string prefix = std::string(dir) + "/";
  if (m_ignore_case) {
    std::lock_guard lock(*m_lock);
    std::size_t at = 0;
    return git_index_find_prefix(&at, m_index.get(), prefix.c_str()) == 0;
  }
  auto [first, last] = part(m_paths, within);
  auto it = std::lower_bound(first, last, std::string_view(prefix));
  return it != last && it->starts_with(prefix);
}

}  // namespace keel::git
