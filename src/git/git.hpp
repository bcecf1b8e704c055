#pragma once
// RAII wrappers over libgit2. Commands ask git questions through here; no
// `git` subprocess is started where libgit2 can answer.

#include <git2.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace keel::git {

// libgit2 is initialised once per process; keep one alive while using it.
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

// The last libgit2 error as keel's one-line message.
Error last_error(std::string_view what);

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

 private:
  explicit Repository(git_repository* r) : m_repo(r) {}
  Handle<git_repository, git_repository_free> m_repo;
};

}  // namespace keel::git
