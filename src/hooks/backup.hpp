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

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
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
  // restore(): rewritten by a command and merged with the unstaged changes.
  // recover(): put back as they were before the run.
  std::vector<std::string> merged;
  // restore(): rewrite dropped, user's bytes back in the work tree.
  // recover(): changed since the run, left as they are now.
  std::vector<std::string> conflicted;
  // For a conflicted path, the file in the kept backup that holds the
  // version the work tree does not have (the command's rewrite, or the
  // user's version from before the interrupted run).
  std::map<std::string, std::filesystem::path> saved;
  std::optional<std::filesystem::path> kept_backup;  // set when something needs the user's eye
  std::vector<pid_t> stopped;  // recover(): kill(2) targets of leftover commands it stopped first
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

  // Notes a command started while the changes are hidden, as a kill(2)
  // target (-pgid, or the pid of one in keel's own group), for recover()
  // after a crash.
  Status record_command(pid_t target);

  const std::vector<SavedFile>& files() const { return m_files; }

  // Set in the environment of every command started while the changes are
  // hidden (KEEL_HOOK_RUN), so that recover() finds them and what they
  // started even when keel died before it could note them.
  const std::string& token() const { return m_token; }

 private:
  Backup(std::filesystem::path workdir, std::filesystem::path dir, std::vector<SavedFile> files)
      : m_workdir(std::move(workdir)), m_dir(std::move(dir)), m_files(std::move(files)) {}
  std::filesystem::path m_workdir;
  std::filesystem::path m_dir;
  std::vector<SavedFile> m_files;
  std::string m_token;
};

inline constexpr const char* k_run_variable = "KEEL_HOOK_RUN";

struct RecoverOptions {
  // Commands of the crashed run that are still running: stop them (SIGTERM,
  // then SIGKILL after the grace period) and restore, or refuse.
  bool stop_leftovers = false;
  std::chrono::milliseconds grace_period{5000};
};

// After a crash: restores a backup left behind, if any, once no command of
// that run is alive. A file still holding the hidden (staged) bytes gets the
// user's bytes back; a file changed since then is left as it is, never
// overwritten, and the backup is kept with the version from before the run
// (report.saved). nullopt: no backup.
Result<std::optional<RestoreReport>> recover(const git::Repository& repo, const RecoverOptions& options = {});

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
