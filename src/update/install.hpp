#pragma once
// Replacing the running keel on Linux without ever leaving a broken or
// missing binary: the new one is written beside the old (same file system),
// synced, given the old one's mode and owner, run, and only then renamed
// over it in one step, the old one kept as NAME.old by a hard link. The
// running file is never opened for writing (ETXTBSY) and never unlinked
// first. A kill at any step leaves the old binary or the new one in place;
// the temporary files of a killed run (".keel-update-PID.*") are removed by
// the next one.
//
// KEEL_TEST_UPDATE_KILL_AT=<step> makes keel kill itself with SIGKILL at
// that step (written, checked, backed-up, swapped): the tests' way to cut
// the install at every point.

#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <memory>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "fs/fs.hpp"

namespace keel::update {

// "linux/amd64": what this binary was built for, as manifests name it.
std::string this_platform();

// The running executable's real path, resolved once.
Result<std::filesystem::path> running_binary();

// Why a package manager, not keel, updates the binary at `path` (exit 2,
// with its command as the hint); ok when keel may replace it. Paths are
// judged first, then dpkg's and rpm's databases are asked.
Status check_not_packaged(const std::filesystem::path& path);
// The path rule alone (unit-tested): the manager's name, if any.
std::optional<std::string> packaged_by_path(const std::filesystem::path& path);

// Holds an exclusive lock on the binary's directory (flock on the directory
// itself: no lock file is left beside the binary).
class DirectoryLock {
 public:
  static Result<DirectoryLock> take(const std::filesystem::path& dir);
  DirectoryLock(DirectoryLock&&) = default;
  DirectoryLock& operator=(DirectoryLock&&) = default;

 private:
  explicit DirectoryLock(int fd) : m_fd(std::make_unique<fs::FdCloser>(fd)) {}
  std::unique_ptr<fs::FdCloser> m_fd;
};

// Removes what a killed update left in `dir`: temporary files whose process
// is gone. Call with the lock held.
void remove_leftovers(const std::filesystem::path& dir);

// The new binary being written beside the target. Removed unless installed.
class Replacement {
 public:
  // Errors: the directory is not writable (with advice: no automatic sudo).
  static Result<Replacement> create(const std::filesystem::path& target);
  Replacement(Replacement&& other) noexcept;
  Replacement& operator=(Replacement&&) = delete;
  ~Replacement();

  bool write(std::string_view bytes);
  Error write_error() const;
  // Empties the file, to write it again (a patch that failed).
  Status reset();
  // Mode (and owner, when root) of the target; fsync; close.
  Status finish();
  // Runs the new binary with `args` (and a timeout); its standard output.
  Result<std::string> run(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const;
  // Keeps the target as NAME.old, renames the new binary over it, syncs
  // the directory.
  Status install();

  const std::filesystem::path& path() const { return m_path; }

 private:
  Replacement(std::filesystem::path target, std::filesystem::path path, int fd, struct stat target_stat);
  std::filesystem::path m_target, m_path;
  int m_fd = -1;
  int m_errno = 0;
  struct stat m_target_stat {};
  bool m_installed = false;
};

// NAME.old back in place, and the current binary kept as NAME.old, so a
// rollback can be undone the same way. `check` runs the old one first.
Status rollback(const std::filesystem::path& target, const std::function<Status(const std::filesystem::path&)>& check);

std::filesystem::path backup_of(const std::filesystem::path& target);  // NAME.old

// The test hook (see above).
void test_kill_point(std::string_view step);

}  // namespace keel::update
