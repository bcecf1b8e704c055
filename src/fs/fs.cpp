#include "fs/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keel::fs {

namespace {

Error io_error(std::string_view what, const stdfs::path& path, int err) {
  return Error{std::string(what) + " " + quote(path.string()) + ": " + std::strerror(err), {}, Exit::io};
}

Error too_large(const stdfs::path& path, std::size_t max_size) {
  std::string limit = max_size >= 1024 * 1024 && max_size % (1024 * 1024) == 0
                          ? std::to_string(max_size / (1024 * 1024)) + " MiB"
                      : max_size >= 1024 && max_size % 1024 == 0 ? std::to_string(max_size / 1024) + " KiB"
                                                                 : std::to_string(max_size) + " bytes";
  return Error{"file too large: " + quote(path.string()) + " is over " + limit, {}, Exit::usage};
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : m_fd(fd) {}
  ~FdCloser() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

 private:
  int m_fd;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::string> read_file(const stdfs::path& path, std::size_t max_size) {
  FdCloser fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot read", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("cannot read", path, errno);
  if (S_ISDIR(st.st_mode)) return io_error("cannot read", path, EISDIR);
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_size) {
    return too_large(path, max_size);
  }
  std::string content;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    if (content.size() + static_cast<std::size_t>(n) > max_size) {
      return too_large(path, max_size);
    }
    content.append(buf, static_cast<std::size_t>(n));
  }
  return content;
}

namespace {

// Writes content into a new temporary file in `dir` and renames it over
// path. EXDEV from rename (another file system) comes back as such, with
// the temporary file removed, so the caller can try elsewhere.
Status write_via(const stdfs::path& path, std::string_view content, unsigned mode, const stdfs::path& dir,
                 int& rename_errno) {
  rename_errno = 0;
  std::string tmpl = (dir / ("." + path.filename().string() + ".keel-XXXXXX")).string();
  FdCloser fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot write", path, errno);
  auto fail = [&](int err) {
    ::unlink(tmpl.c_str());
    return io_error("cannot write", path, err);
  };
  if (!write_all(fd.get(), content)) return fail(errno);
  if (::fchmod(fd.get(), mode) != 0) return fail(errno);
  if (::fsync(fd.get()) != 0) return fail(errno);
  if (::close(fd.release()) != 0) return fail(errno);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    rename_errno = errno;
    return fail(errno);
  }
  // Make the rename itself durable.
  stdfs::path target_dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  FdCloser dfd(::open(target_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
  return ok_status();
}

unsigned kept_mode(const stdfs::path& path, unsigned mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
  return mode;
}

}  // namespace

Status write_atomic(const stdfs::path& path, std::string_view content, unsigned mode) {
  stdfs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  int rename_errno = 0;
  return write_via(path, content, kept_mode(path, mode), dir, rename_errno);
}

Status write_atomic_staged(const stdfs::path& path, std::string_view content, unsigned mode,
                           const stdfs::path& staging) {
  int rename_errno = 0;
  mode = kept_mode(path, mode);
  auto st = write_via(path, content, mode, staging, rename_errno);
  if (st || rename_errno != EXDEV) return st;
  stdfs::path dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  return write_via(path, content, mode, dir, rename_errno);
}

std::string display_path(const stdfs::path& path, const stdfs::path& base) {
  if (!base.empty()) {
    auto rel = path.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") return rel.string();
  }
  return path.string();
}

}  // namespace keel::fs
