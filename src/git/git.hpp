#pragma once
// RAII wrappers over libgit2. Commands ask git questions through here; no
// `git` subprocess is started where libgit2 can answer.

#include <git2.h>
// libgit2 1.8 moved git_error_clear here; 1.5 (the developer build's) has
// neither the header nor the need.
#if __has_include(<git2/sys/errors.h>)
#include <git2/sys/errors.h>
#endif

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "git/oid.hpp"

namespace keel::git {

// libgit2 is initialised once per process; keep one alive while using it.
// It also tells libgit2 that keel handles extensions.worktreeConfig itself
// (see Repository::open), which libgit2 1.5 would otherwise refuse.
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

using OidSet = std::unordered_set<Oid>;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

// The last libgit2 error as keel's one-line message: "what: libgit2's text".
// Exit::usage when the user's input was at fault (a revision, a glob, a config
// value, a path); Exit::failed when reading the repository itself failed.
Error last_error(std::string_view what, Exit exit = Exit::usage);

class Repository {
 public:
  // Searches upward from `start` for a repository, like git does.
  static Result<Repository> discover(const std::filesystem::path& start);
  static Result<Repository> open(const std::filesystem::path& path);

  git_repository* get() const { return m_repo.get(); }

  bool is_bare() const;
  bool is_shallow() const;
  bool is_worktree() const;  // a linked worktree (git worktree add)
  bool is_empty() const;     // no commits yet
  // The work tree root; empty for a bare repository.
  std::filesystem::path workdir() const;
  std::filesystem::path git_dir() const;     // .git, or the worktree's own dir
  std::filesystem::path common_dir() const;  // shared by all worktrees

  // A shallow clone's boundary: commits whose parents were not fetched. Read
  // from <common_dir>/shallow when the repository is opened.
  bool is_shallow_commit(const Oid& id) const { return m_shallow && m_shallow->count(id) != 0; }
  std::shared_ptr<const OidSet> shallow_commits() const { return m_shallow; }  // null when not shallow

  // Set once the index (GIT_INDEX_FILE's, or the repository's own) turned
  // out to be in a format libgit2 cannot read, such as a split or sparse
  // index: index queries then ask git itself (cli.hpp), which reads the
  // same variable, rather than libgit2 reading another file.
  bool index_through_git() const { return m_index_through_git; }
  void set_index_through_git() const { m_index_through_git = true; }
  // Set by use_index_file(): the index is not <git_dir>/index.
  bool index_replaced() const { return m_index_replaced; }
  void set_index_replaced() { m_index_replaced = true; }

 private:
  explicit Repository(git_repository* r) : m_repo(r) {}
  Handle<git_repository, git_repository_free> m_repo;
  std::shared_ptr<const OidSet> m_shallow;  // null when not shallow
  mutable bool m_index_through_git = false;
  bool m_index_replaced = false;
};

}  // namespace keel::git
