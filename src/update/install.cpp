#include "update/install.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "process/process.hpp"

namespace keel::update {

namespace stdfs = std::filesystem;

namespace {

constexpr std::string_view k_temp_prefix = ".keel-update-";

Error io_error(std::string what, const stdfs::path& p, int err) {
  return Error{"cannot " + what + " " + quote(p.string()) + ": " + std::strerror(err), "the old keel is still in place",
               Exit::io};
}

// Advice for a directory keel may not write: never an automatic sudo.
Error not_writable(const stdfs::path& dir, int err) {
  struct stat st {};
  bool root_owned = ::stat(dir.c_str(), &st) == 0 && st.st_uid == 0 && ::geteuid() != 0;
  return Error{"cannot write in " + quote(dir.string()) + ": " + std::strerror(err),
               root_owned ? "root owns it: run the update as root (sudo keel self update), or install keel in a "
                            "directory of your own"
                          : "make the directory writable, or install keel in a directory of your own",
               Exit::io};
}

std::string temp_name(std::string_view suffix) {
  return std::string(k_temp_prefix) + std::to_string(::getpid()) + "." + std::string(suffix);
}

// Replaces `to` by a hard link to `from`, atomically: a link under a
// temporary name, renamed over `to`.
Status link_over(const stdfs::path& from, const stdfs::path& to, std::string_view temp_suffix) {
  stdfs::path temp = to.parent_path() / temp_name(temp_suffix);
  ::unlink(temp.c_str());
  if (::link(from.c_str(), temp.c_str()) != 0) return io_error("keep a copy of", from, errno);
  int renamed = ::rename(temp.c_str(), to.c_str()), err = errno;
  // rename() does nothing when both names are links to one file (a killed
  // run had already made `to`): the temporary name must still go.
  ::unlink(temp.c_str());
  if (renamed != 0) return io_error("keep a copy of", from, err);
  return ok_status();
}

}  // namespace

std::string this_platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__arm__)
  return "linux/arm";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#else
  return "linux/unknown";
#endif
}

Result<stdfs::path> running_binary() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return Error{std::string("cannot find the running keel: /proc/self/exe: ") + std::strerror(errno), {},
                           Exit::io};
  std::string path(buf, static_cast<std::size_t>(n));
  constexpr std::string_view deleted = " (deleted)";
  if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0 &&
      ::access(path.c_str(), F_OK) != 0)
    return Error{"the running keel was replaced or removed while it ran (" + quote(path) + ")",
                 "run the keel now on your PATH", Exit::failed};
  return stdfs::path(path);
}

std::optional<std::string> packaged_by_path(const stdfs::path& path) {
  std::string p = path.lexically_normal().string();
  auto under = [&](std::string_view dir) { return p.rfind(dir, 0) == 0; };
  if (under("/nix/store/")) return "nix";
  if (under("/snap/")) return "snap";
  if (p.find("/Cellar/") != std::string::npos || under("/home/linuxbrew/") || under("/opt/homebrew/"))
    return "Homebrew";
  for (std::string_view dir : {"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/libexec/"})
    if (under(dir)) return "the system's package manager";
  return std::nullopt;
}

Status check_not_packaged(const stdfs::path& path) {
  auto refuse = [&](const std::string& manager, const std::string& command) {
    return Error{quote(path.string()) + " is installed by " + manager + ": keel does not replace it",
                 "update it with: " + command, Exit::usage};
  };
  if (auto manager = packaged_by_path(path)) {
    if (*manager == "nix") return refuse("nix", "nix profile upgrade (or your NixOS or home-manager configuration)");
    if (*manager == "snap") return refuse("snap", "sudo snap refresh keel");
    if (*manager == "Homebrew") return refuse("Homebrew", "brew upgrade keel");
  }
  // dpkg and rpm know every file of their packages. Asking dpkg takes a
  // tenth of a second (it reads every package's file list), so places no
  // package installs into (FHS: the local administrator's /usr/local, home
  // directories, temporary directories) are not asked about.
  std::string p = path.lexically_normal().string();
  const char* home = std::getenv("HOME");
  for (std::string_view local : {"/usr/local/", "/home/", "/root/", "/tmp/", "/var/tmp/"})
    if (p.rfind(local, 0) == 0) return ok_status();
  if (home && *home == '/' && p.rfind(std::string(home) + "/", 0) == 0) return ok_status();
  auto ask = [&](std::vector<std::string> argv) -> std::optional<std::string> {
    auto c = process::Command::program(std::move(argv));
    c.out = process::Output::capture();
    c.err = process::Output::discard();
    c.timeout = std::chrono::seconds(10);
    auto o = process::run(c);
    if (!o.ok()) return std::nullopt;
    std::string first = o.out.substr(0, o.out.find('\n'));
    return first.empty() ? std::nullopt : std::optional(first);
  };
  if (auto owner = ask({"dpkg-query", "-S", path.string()})) {
    std::string package = owner->substr(0, owner->find(':'));
    return refuse("dpkg (package " + package + ")", "sudo apt-get install --only-upgrade " + package);
  }
  if (auto owner = ask({"rpm", "-qf", "--queryformat", "%{NAME}", path.string()}))
    return refuse("rpm (package " + *owner + ")", "sudo dnf upgrade " + *owner);
  if (auto manager = packaged_by_path(path))
    return refuse(*manager, "your distribution's package manager (apt-get, dnf, pacman, ...)");
  return ok_status();
}

Result<DirectoryLock> DirectoryLock::take(const stdfs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno == EACCES ? not_writable(dir, errno) : io_error("open", dir, errno);
  DirectoryLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return Error{"another keel is updating " + quote(dir.string()) + " now", "wait for it to finish",
                   Exit::failed};
    return io_error("lock", dir, errno);
  }
  return lock;
}

void remove_leftovers(const stdfs::path& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return;
  while (dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    if (name.rfind(k_temp_prefix, 0) != 0) continue;
    std::string rest(name.substr(k_temp_prefix.size()));
    char* end = nullptr;
    long pid = std::strtol(rest.c_str(), &end, 10);
    if (pid <= 0 || end == rest.c_str() || *end != '.') continue;
    if (pid == ::getpid() || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    ::unlinkat(::dirfd(d.get()), e->d_name, 0);
  }
}

stdfs::path backup_of(const stdfs::path& target) { return target.string() + ".old"; }

Replacement::Replacement(stdfs::path target, stdfs::path path, int fd, struct stat target_stat)
    : m_target(std::move(target)), m_path(std::move(path)), m_fd(fd), m_target_stat(target_stat) {}

Replacement::Replacement(Replacement&& o) noexcept
    : m_target(std::move(o.m_target)),
      m_path(std::move(o.m_path)),
      m_fd(std::exchange(o.m_fd, -1)),
      m_errno(o.m_errno),
      m_target_stat(o.m_target_stat),
      m_installed(std::exchange(o.m_installed, true)) {}

Replacement::~Replacement() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_installed && !m_path.empty()) ::unlink(m_path.c_str());
}

Result<Replacement> Replacement::create(const stdfs::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return io_error("read", target, errno);
  stdfs::path path = target.parent_path() / temp_name("new");
  ::unlink(path.c_str());  // this process's own leftover, if any
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return not_writable(target.parent_path(), errno);
  return Replacement(target, path, fd, st);
}

bool Replacement::write(std::string_view bytes) {
  if (fs::write_all(m_fd, bytes)) return true;
  m_errno = errno;
  return false;
}

Status Replacement::reset() {
  if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) return io_error("write", m_path, errno);
  return ok_status();
}

Error Replacement::write_error() const { return io_error("write", m_path, m_errno ? m_errno : EIO); }

Status Replacement::finish() {
  if (::fchmod(m_fd, m_target_stat.st_mode & 07777) != 0) return io_error("set the mode of", m_path, errno);
  if (::geteuid() == 0 && ::fchown(m_fd, m_target_stat.st_uid, m_target_stat.st_gid) != 0)
    return io_error("set the owner of", m_path, errno);
  if (::fsync(m_fd) != 0) return io_error("write", m_path, errno);
  if (::close(std::exchange(m_fd, -1)) != 0) return io_error("write", m_path, errno);
  test_kill_point("written");
  return ok_status();
}

Result<std::string> Replacement::run(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv{m_path.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto c = process::Command::program(std::move(argv));
  c.out = process::Output::capture();
  c.err = process::Output::capture();
  c.timeout = timeout;
  c.env.set["KEEL_NO_UPDATE_CHECK"] = "1";
  auto o = process::run(c);
  if (!o.ok()) {
    std::string why = o.timed_out ? "did not finish within " + std::to_string(timeout.count() / 1000) + " s"
                      : o.signal ? "was killed by signal " + std::to_string(o.signal)
                      : o.start_error ? o.start_error->message
                                      : "exited with " + std::to_string(o.exit_code);
    std::string said = o.err.substr(0, o.err.find('\n'));
    return Error{"the new keel " + why + (said.empty() ? "" : ": " + said), "the old keel is still in place",
                 Exit::failed};
  }
  return o.out;
}

Status Replacement::install() {
  test_kill_point("checked");
  if (auto s = link_over(m_target, backup_of(m_target), "old"); !s) return s;
  test_kill_point("backed-up");
  if (::rename(m_path.c_str(), m_target.c_str()) != 0) return io_error("replace", m_target, errno);
  m_installed = true;
  test_kill_point("swapped");
  if (!fs::sync_directory(m_target.parent_path())) return io_error("sync", m_target.parent_path(), errno);
  return ok_status();
}

Status rollback(const stdfs::path& target, const std::function<Status(const stdfs::path&)>& check) {
  stdfs::path old = backup_of(target);
  struct stat st {};
  if (::lstat(old.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error{"there is no " + quote(old.string()) + " to go back to", "keel self update keeps one", Exit::failed};
  struct stat now {};
  if (::stat(target.c_str(), &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
    return Error{quote(old.string()) + " is the running keel itself: there is nothing to go back to", {},
                 Exit::failed};
  if (auto s = check(old); !s) return s;
  stdfs::path current = target.parent_path() / temp_name("current");
  ::unlink(current.c_str());
  if (::link(target.c_str(), current.c_str()) != 0) return io_error("keep a copy of", target, errno);
  if (::rename(old.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(current.c_str());
    return io_error("replace", target, err);
  }
  if (::rename(current.c_str(), old.c_str()) != 0) return io_error("keep a copy of", target, errno);
  if (!fs::sync_directory(target.parent_path())) return io_error("sync", target.parent_path(), errno);
  return ok_status();
}

void test_kill_point(std::string_view step) {
  const char* at = std::getenv("KEEL_TEST_UPDATE_KILL_AT");
  if (at && step == at) ::kill(::getpid(), SIGKILL);
}

}  // namespace keel::update
