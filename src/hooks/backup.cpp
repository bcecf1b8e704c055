#include "hooks/backup.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "fs/fs.hpp"
#include "git/files.hpp"
#include "git/status.hpp"

namespace keel::hooks {

namespace stdfs = std::filesystem;

namespace {

// Work tree files are restored whatever their size.
constexpr std::size_t k_no_limit = std::size_t(1) << 40;

const char* k_manifest = "manifest";
// The commands that ran while the changes were hidden, one kill(2) target
// per line (-pgid for a command in its own process group, the pid of an
// interactive one in keel's group), so that a later recovery can wait for them.
const char* k_groups = "groups";
// The run's token: every command it starts has KEEL_HOOK_RUN=<token> in its
// environment, and so has whatever that command starts, in whatever process
// group or session: recover() finds them all in /proc.
const char* k_run = "run";

Error io_error(const std::string& what, const stdfs::path& p, const std::error_code& ec) {
  return Error{what + " " + quote(p.string()) + ": " + ec.message(), {}, Exit::failed};
}

struct Current {
  bool present = false;
  std::string bytes;
};

Result<Current> read_current(const stdfs::path& file) {
  std::error_code ec;
  if (!stdfs::exists(stdfs::symlink_status(file, ec))) return Current{};
  auto bytes = fs::read_file(file, k_no_limit);
  if (!bytes) return bytes.error();
  return Current{true, std::move(bytes).value()};
}

// Writes a work tree file with the given permission bits, or removes it.
// The temporary file is made in the backup directory, never in the work tree.
Status put(const stdfs::path& file, bool present, const std::string& bytes, unsigned mode, const stdfs::path& staging) {
  std::error_code ec;
  if (!present) {
    stdfs::remove(file, ec);
    if (ec) return io_error("cannot remove", file, ec);
    return ok_status();
  }
  auto st = fs::write_file(file, bytes, {.mode = mode, .links = fs::Links::replace, .staging = staging});
  if (!st) return st;
  if (::chmod(file.c_str(), mode) != 0) return io_error("cannot set the mode of", file, std::error_code(errno, std::generic_category()));
  return ok_status();
}

std::string manifest_text(const std::vector<SavedFile>& files) {
  std::string out;
  for (const auto& f : files) {
    out += f.path;
    out += '\0';
    out += f.present ? '1' : '0';
    out += '\0';
    out += std::to_string(f.mode);
    out += '\0';
  }
  return out;
}

Result<std::vector<SavedFile>> read_backup(const stdfs::path& dir) {
  auto text = fs::read_file(dir / k_manifest, k_no_limit);
  if (!text) return text.error();
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t nul = text->find('\0'); nul != std::string::npos; nul = text->find('\0', start)) {
    fields.push_back(text->substr(start, nul - start));
    start = nul + 1;
  }
  Error damaged{"the backup " + quote(dir.string()) + " is damaged",
                "its files are the work tree bytes keel saved; copy back what you need, then remove it", Exit::failed};
  if (fields.size() % 3 != 0 || start != text->size()) return damaged;
  std::vector<SavedFile> files;
  for (std::size_t i = 0; i < fields.size(); i += 3) {
    SavedFile f;
    f.path = fields[i];
    f.present = fields[i + 1] == "1";
    try {
      f.mode = static_cast<unsigned>(std::stoul(fields[i + 2])) & 07777;
    } catch (...) {
      return damaged;
    }
    std::string n = std::to_string(i / 3);
    auto work = fs::read_file(dir / (n + ".work"), k_no_limit);
    auto staged = fs::read_file(dir / (n + ".staged"), k_no_limit);
    if (!work || !staged) return damaged;
    f.work_tree = std::move(work).value();
    f.staged = std::move(staged).value();
    files.push_back(std::move(f));
  }
  return files;
}

// Moves a backup that still matters to unstaged-<time>, out of the way of
// the next run.
Result<stdfs::path> keep(const stdfs::path& dir) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  stdfs::path kept = dir.parent_path() /
                     ("unstaged-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  std::error_code ec;
  for (int i = 1; stdfs::exists(kept, ec); ++i) kept += "." + std::to_string(i);
  stdfs::rename(dir, kept, ec);
  if (ec) return io_error("cannot keep the backup", dir, ec);
  return kept;
}

Status discard(const stdfs::path& dir) {
  std::error_code ec;
  stdfs::remove_all(dir, ec);
  if (ec) return io_error("cannot remove the backup", dir, ec);
  return ok_status();
}

// A backup is removed once everything is back, and kept while it holds a
// version that is nowhere else; `saved` then names files inside it.
Status finish(const stdfs::path& dir, RestoreReport& report) {
  if (report.conflicted.empty()) return discard(dir);
  auto kept = keep(dir);
  if (!kept) return kept.error();
  report.kept_backup = kept.value();
  for (auto& [path, file] : report.saved) file = *kept / file.filename();
  return ok_status();
}

// This boot's id: a pid noted before a reboot names nothing of that run.
std::string boot_id() {
  auto id = fs::read_file("/proc/sys/kernel/random/boot_id", 4096);
  return id ? *id : std::string();
}

std::vector<pid_t> recorded_targets(const stdfs::path& dir) {
  std::vector<pid_t> out;
  auto text = fs::read_file(dir / k_groups, 1 << 20);
  if (!text) return out;
  auto boot = fs::read_file(dir / "boot", 4096);
  if (!boot || *boot != boot_id()) return out;  // noted before a reboot: nothing of that run is alive
  std::size_t start = 0;
  while (start < text->size()) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    try {
      long id = std::stol(text->substr(start, end - start));
      if (id > 1 || id < -1) out.push_back(static_cast<pid_t>(id));
    } catch (...) {
    }
    start = end + 1;
  }
  return out;
}

// Unique enough to tell one run from another: 128 bits from the kernel.
std::string new_token() {
  std::random_device random;
  char buf[33];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", random(), random(), random(), random());
  return buf;
}

// Processes whose environment holds KEEL_HOOK_RUN=<token>: the commands of
// that run and everything they started, even in a session of their own. A
// process whose environment cannot be read (another user's) is not one.
std::vector<pid_t> marked_processes(const std::string& token) {
  std::vector<pid_t> out;
  if (token.empty()) return out;
  std::string entry = std::string(k_run_variable) + "=" + token;
  std::error_code ec;
  // increment(ec): a process that ends while /proc is read must not throw.
  for (stdfs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const stdfs::directory_entry& e = *it;
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    auto env = fs::read_file(e.path() / "environ", 1 << 20);
    if (!env) continue;
    for (std::size_t start = 0; start < env->size();) {
      std::size_t end = env->find('\0', start);
      if (end == std::string::npos) end = env->size();
      if (env->compare(start, end - start, entry) == 0) {
        out.push_back(pid);
        break;
      }
      start = end + 1;
    }
  }
  return out;
}

// The commands of a dead run that may still be alive: the process groups
// and pids it noted, and every process carrying its token.
std::vector<pid_t> leftover_targets(const stdfs::path& dir) {
  auto boot = fs::read_file(dir / "boot", 4096);
  if (!boot || *boot != boot_id()) return {};  // noted before a reboot: nothing of that run is alive
  std::vector<pid_t> out = recorded_targets(dir);
  auto token = fs::read_file(dir / k_run, 4096);
  for (pid_t pid : marked_processes(token ? *token : std::string())) {
    bool covered = std::find(out.begin(), out.end(), pid) != out.end() ||
                   std::find(out.begin(), out.end(), -::getpgid(pid)) != out.end();
    if (!covered) out.push_back(pid);
  }
  return out;
}

bool alive(pid_t target) { return ::kill(target, 0) == 0 || errno == EPERM; }

std::vector<pid_t> alive_targets(const std::vector<pid_t>& targets) {
  std::vector<pid_t> out;
  for (pid_t t : targets)
    if (alive(t)) out.push_back(t);
  return out;
}

// SIGTERM to each, SIGKILL to what is left after `grace`; waits a little
// for the kernel to take them away.
void stop_targets(const std::vector<pid_t>& targets, std::chrono::milliseconds grace) {
  for (pid_t t : targets) {
    ::kill(t, SIGTERM);
    ::kill(t, SIGCONT);
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!alive_targets(targets).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (pid_t t : alive_targets(targets)) ::kill(t, SIGKILL);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!alive_targets(targets).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string describe(const std::vector<pid_t>& targets) {
  std::string out;
  for (pid_t t : targets) {
    if (!out.empty()) out += ", ";
    out += t < 0 ? "process group " + std::to_string(-t) : "process " + std::to_string(t);
  }
  return out;
}

std::map<std::string, git::IndexEntry> entries_for(const std::vector<git::IndexEntry>& all,
                                                   const std::vector<std::string>& paths) {
  std::map<std::string, git::IndexEntry> wanted;
  for (const auto& p : paths) wanted.emplace(p, git::IndexEntry{});
  std::map<std::string, git::IndexEntry> out;
  for (const auto& e : all)
    if (e.stage == 0 && wanted.count(e.path)) out[e.path] = e;
  return out;
}

}  // namespace

stdfs::path Backup::directory(const git::Repository& repo) { return repo.git_dir() / "keel" / "unstaged"; }

Result<std::optional<Backup>> Backup::hide(const git::Repository& repo, const std::vector<std::string>& paths) {
  auto all = git::index_entries(repo);
  if (!all) return all.error();
  stdfs::path root = repo.workdir();
  std::vector<SavedFile> files;
  for (const auto& [path, entry] : entries_for(*all, paths)) {
    // Regular files only: symlinks, gitlinks and intent-to-add entries stay as they are.
    if (entry.intent_to_add || (entry.mode != 0100644 && entry.mode != 0100755)) continue;
    stdfs::path file = root / path;
    struct stat st {};
    SavedFile f;
    f.path = path;
    if (::lstat(file.c_str(), &st) != 0) {
      f.present = false;
      f.mode = entry.mode & 0777;
    } else if (!S_ISREG(st.st_mode)) {
      continue;
    } else {
      f.mode = st.st_mode & 07777;
      auto bytes = fs::read_file(file, k_no_limit);
      if (!bytes) return bytes.error();
      f.work_tree = std::move(bytes).value();
    }
    auto staged = git::checkout_content(repo, entry.id, path);
    if (!staged) return staged.error();
    f.staged = std::move(staged).value();
    if (f.present && f.staged == f.work_tree) continue;  // differs in mode or filters only
    files.push_back(std::move(f));
  }
  if (files.empty()) return std::optional<Backup>();

  stdfs::path dir = directory(repo);
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) return io_error("cannot create", dir, ec);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string n = std::to_string(i);
    if (auto st = fs::write_file(dir / (n + ".work"), files[i].work_tree, {.mode = 0600, .links = fs::Links::replace}); !st) return st.error();
    if (auto st = fs::write_file(dir / (n + ".staged"), files[i].staged, {.mode = 0600, .links = fs::Links::replace}); !st) return st.error();
  }
  std::string token = new_token();
  if (auto st = fs::write_file(dir / "boot", boot_id(), {.mode = 0600, .links = fs::Links::replace}); !st) return st.error();
  if (auto st = fs::write_file(dir / k_run, token, {.mode = 0600, .links = fs::Links::replace}); !st) return st.error();
  // Last: a backup without its manifest was never used and is ignored.
  if (auto st = fs::write_file(dir / k_manifest, manifest_text(files), {.mode = 0600, .links = fs::Links::replace}); !st) return st.error();

  Backup backup(root, dir, std::move(files));
  backup.m_token = std::move(token);
  for (const auto& f : backup.m_files) {
    if (auto st = put(root / f.path, true, f.staged, f.mode, dir); !st) {
      auto undo = backup.restore();  // put back what was already hidden
      (void)undo;
      return st.error();
    }
  }
  return std::optional<Backup>(std::move(backup));
}

Result<RestoreReport> Backup::restore() {
  RestoreReport report;
  for (std::size_t i = 0; i < m_files.size(); ++i) {
    const SavedFile& f = m_files[i];
    stdfs::path file = m_workdir / f.path;
    auto current = read_current(file);
    if (!current) return current.error();
    std::string result = f.work_tree;
    bool conflict = false;
    if (current->present && current->bytes != f.staged) {
      // A command rewrote the file: keep its rewrite where it does not touch
      // the user's unstaged lines.
      if (f.present) {
        auto merged = git::merge_text(f.staged, current->bytes, f.work_tree);
        if (!merged) return merged.error();
        conflict = !merged->clean;
        if (!conflict) result = merged->text;
      } else {
        conflict = true;
      }
    } else if (!current->present) {
      conflict = true;  // a command deleted it; the user's version comes back
    }
    if (conflict) {
      report.conflicted.push_back(f.path);
      if (current->present) {
        stdfs::path rewrite = m_dir / (std::to_string(i) + ".rewrite");
        auto st = fs::write_file(rewrite, current->bytes, {.mode = 0600, .links = fs::Links::replace});
        if (!st) return st.error();
        report.saved[f.path] = rewrite;
      }
    } else if (current->bytes != f.staged) {
      report.merged.push_back(f.path);
    }
    if (auto st = put(file, f.present, result, f.mode, m_dir); !st) return st.error();
  }
  if (auto st = finish(m_dir, report); !st) return st.error();
  return report;
}

Status Backup::record_command(pid_t target) {
  stdfs::path boot = m_dir / "boot";
  std::error_code ec;
  if (!stdfs::exists(boot, ec))
    if (auto st = fs::write_file(boot, boot_id(), {.mode = 0600, .links = fs::Links::replace}); !st) return st;
  stdfs::path file = m_dir / k_groups;
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot write", file, std::error_code(errno, std::generic_category()));
  std::string line = std::to_string(target) + "\n";
  // One small O_APPEND write: whole or not at all, and it survives keel's
  // death (only a power loss could drop it, and then no process is left).
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return io_error("cannot write", file, std::error_code(errno, std::generic_category()));
  return ok_status();
}

Result<std::optional<RestoreReport>> recover(const git::Repository& repo, const RecoverOptions& options) {
  stdfs::path dir = Backup::directory(repo);
  std::error_code ec;
  if (!stdfs::exists(dir, ec)) return std::optional<RestoreReport>();
  if (!stdfs::exists(dir / k_manifest, ec)) {
    // Killed while saving: the work tree was not touched yet.
    if (auto st = discard(dir); !st) return st.error();
    return std::optional<RestoreReport>();
  }
  // A command of the dead run may still write its files: restoring under
  // it would lose one version or the other.
  auto running = alive_targets(leftover_targets(dir));
  if (!running.empty()) {
    if (!options.stop_leftovers)
      return Error{"a command of an interrupted hook run is still running (" + describe(running) +
                       "): the unstaged changes it hid stay in " + quote(dir.string()) + " until it ends",
                   "wait for it to end, or run 'keel hooks restore', which stops it and then restores them",
                   Exit::failed};
    stop_targets(running, options.grace_period);
    if (auto left = alive_targets(running); !left.empty())
      return Error{"cannot stop " + describe(left) + " of an interrupted hook run",
                   "stop it by hand, then run 'keel hooks restore'", Exit::failed};
  }
  auto files = read_backup(dir);
  if (!files) return files.error();
  RestoreReport report;
  report.stopped = running;
  stdfs::path root = repo.workdir();
  for (std::size_t i = 0; i < files->size(); ++i) {
    const SavedFile& f = (*files)[i];
    auto current = read_current(root / f.path);
    if (!current) return current.error();
    if (current->present == f.present && (!f.present || current->bytes == f.work_tree)) continue;
    bool still_hidden = current->present && current->bytes == f.staged;
    if (!still_hidden) {
      // Changed after the backup was made (a late command, an edit of the
      // user's): that version stays, and the one from before the run is in
      // the backup, which is kept.
      report.conflicted.push_back(f.path);
      if (f.present) report.saved[f.path] = dir / (std::to_string(i) + ".work");
      continue;
    }
    report.merged.push_back(f.path);
    if (auto st = put(root / f.path, f.present, f.work_tree, f.mode, dir); !st) return st.error();
  }
  if (auto st = finish(dir, report); !st) return st.error();
  return std::optional<RestoreReport>(std::move(report));
}

Result<RunLock> RunLock::acquire(const git::Repository& repo) {
  stdfs::path dir = repo.git_dir() / "keel";
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) return io_error("cannot create", dir, ec);
  stdfs::path file = dir / "lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open", file, std::error_code(errno, std::generic_category()));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error{"another keel hooks run is hiding unstaged changes in " + quote(repo.workdir().string()),
                 "wait for it to finish, then try again", Exit::failed};
  }
  return RunLock(fd);
}

RunLock::~RunLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace keel::hooks
