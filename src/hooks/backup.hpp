#pragma once
// Hiding unstaged changes while pre-commit runs, so that the commands check
// what will be committed, and putting them back afterwards without losing a
// byte.
//
// Only partially staged regular files are touched: each one's work tree
// bytes and mode are first saved under <git dir>/keel/unstaged/ (the
// manifest is written last, so a backup is either complete or ignored), then
// the file gets its staged content. Untracked, intent-to-add, symlink and
// submodule paths are never written. After the commands:
//   - a file the commands left alone gets its saved bytes back;
//   - a file they rewrote gets the rewrite merged with the unstaged changes;
//   - when the two overlap, the user's bytes win, the rewrite is saved beside
//     the backup, and the hook fails naming the backup.
// A keel killed in between leaves the backup; recover() restores it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "git/git.hpp"

namespace keel::hooks {

struct SavedFile {
  std::string path;         // relative to the work tree
  bool present = true;      // false: deleted in the work tree
  unsigned mode = 0644;     // permission bits in the work tree
  std::string work_tree;    // the bytes the user had
  std::string staged;       // the bytes the commands were shown
};

struct RestoreReport {
  std::vector<std::string> merged;      // rewritten by a command and merged with the unstaged changes
  std::vector<std::string> conflicted;  // rewrite dropped, user's bytes kept
  std::optional<std::filesystem::path> kept_backup;  // set when something needs the user's eye
};

class Backup {
 public:
  // The backup directory of this repository (per worktree).
  static std::filesystem::path directory(const git::Repository& repo);

  // Saves and hides the unstaged changes of `paths` (partially staged files).
  // Returns nullopt when there is nothing to hide.
  static Result<std::optional<Backup>> hide(const git::Repository& repo, const std::vector<std::string>& paths);

  // Puts the saved changes back (see above).
  Result<RestoreReport> restore();

  const std::vector<SavedFile>& files() const { return m_files; }

 private:
  Backup(std::filesystem::path workdir, std::filesystem::path dir, std::vector<SavedFile> files)
      : m_workdir(std::move(workdir)), m_dir(std::move(dir)), m_files(std::move(files)) {}
  std::filesystem::path m_workdir;
  std::filesystem::path m_dir;
  std::vector<SavedFile> m_files;
};

// After a crash: restores a backup left behind, if any. Files changed since
// the backup was made are saved beside it before being overwritten, and the
// report's kept_backup then names the directory. nullopt: no backup.
Result<std::optional<RestoreReport>> recover(const git::Repository& repo);

// Holds <git dir>/keel/lock (flock) so that two hook runs in one work tree
// never hide and restore files at the same time. Released when destroyed,
// and by the kernel when keel dies.
class RunLock {
 public:
  static Result<RunLock> acquire(const git::Repository& repo);
  RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  RunLock& operator=(RunLock&&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace keel::hooks
