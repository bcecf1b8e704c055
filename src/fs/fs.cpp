#include "fs/fs.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <ostream>

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
  // A regular file is read straight into a buffer of its size: no copy,
  // and no growing buffer whose every page is touched twice.
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    content.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < content.size()) {
      ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot read", path, errno);
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    content.resize(got);
    if (got < static_cast<std::size_t>(st.st_size)) return content;  // it shrank while being read
  }
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

Result<std::string> read_stream(std::istream& in, const std::string& shown, std::size_t max_size) {
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_size) return too_large(shown, max_size);
  }
  return text;
}

namespace {

Error refusal(const stdfs::path& shown, std::string_view why) {
  return Error{"cannot write " + quote(shown.string()) + ": " + std::string(why), {}, Exit::io};
}

// Writes content into a new temporary file in `dir` and renames it over
// target. EXDEV from rename (another file system) comes back as such, with
// the temporary file removed, so the caller can try elsewhere.
Status write_via(const stdfs::path& target, const stdfs::path& shown, std::string_view content, unsigned mode,
                 const stdfs::path& dir, int& rename_errno) {
  rename_errno = 0;
  std::string tmpl = temporary_template(dir, target);
  FdCloser fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot write", shown, errno);
  auto fail = [&](int err) {
    ::unlink(tmpl.c_str());
    return io_error("cannot write", shown, err);
  };
  if (!write_all(fd.get(), content)) return fail(errno);
  if (::fchmod(fd.get(), mode) != 0) return fail(errno);
  if (::fsync(fd.get()) != 0) return fail(errno);
  if (::close(fd.release()) != 0) return fail(errno);
  if (::rename(tmpl.c_str(), target.c_str()) != 0) {
    rename_errno = errno;
    return fail(errno);
  }
  // Make the rename itself durable.
  (void)sync_directory(target.parent_path().empty() ? stdfs::path(".") : target.parent_path());
  return ok_status();
}

Status replace_atomically(const Target& t, const stdfs::path& shown, std::string_view content,
                          const WriteOptions& options) {
  unsigned mode = options.mode;
  struct stat st {};
  if (t.kind == TargetKind::regular && ::stat(t.path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  stdfs::path own_dir = t.path.parent_path().empty() ? stdfs::path(".") : t.path.parent_path();
  int rename_errno = 0;
  if (options.staging.empty()) return write_via(t.path, shown, content, mode, own_dir, rename_errno);
  auto written = write_via(t.path, shown, content, mode, options.staging, rename_errno);
  if (written || rename_errno != EXDEV) return written;
  return write_via(t.path, shown, content, mode, own_dir, rename_errno);
}

Status stream_into(const stdfs::path& target, const stdfs::path& shown, std::string_view content) {
  FdCloser fd(::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return io_error("cannot write", shown, errno);
  if (!write_all(fd.get(), content)) return io_error("cannot write", shown, errno);
  if (::close(fd.release()) != 0) return io_error("cannot write", shown, errno);
  return ok_status();
}

// A read-only file stays read-only, even for root: replacing it by rename
// would go around the protection its owner set.
bool read_only(const stdfs::path& path, const struct stat& st) {
  if ((st.st_mode & 0222) == 0) return true;
  return ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0 && errno == EACCES;
}

}  // namespace

Result<Target> resolve_target(const stdfs::path& given, const WriteOptions& options) {
  if (given == "-" && options.dash) return Target{given, TargetKind::dash};
  const stdfs::path& path = options.shown.empty() ? given : options.shown;
  stdfs::path current = given;
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0) {
      if (errno == ENOENT) return Target{current, TargetKind::missing};
      return io_error("cannot write", path, errno);
    }
    if (S_ISLNK(st.st_mode) && options.links == Links::follow) {
      if (hops >= 40) return io_error("cannot write", path, ELOOP);
      std::error_code ec;
      stdfs::path next = stdfs::read_symlink(current, ec);
      if (ec) return io_error("cannot write", path, ec.value());
      current = next.is_absolute() ? next : current.parent_path() / next;
      continue;
    }
    if (S_ISLNK(st.st_mode)) return Target{current, TargetKind::regular};
    if (S_ISDIR(st.st_mode)) return refusal(path, "it is a directory");
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return Target{current, TargetKind::stream};
    if (!S_ISREG(st.st_mode)) return refusal(path, "not a regular file, FIFO or character device");
    if (options.links == Links::follow && read_only(current, st)) return refusal(path, "the file is read-only");
    return Target{current, TargetKind::regular};
  }
}

Status write_file(const stdfs::path& given, std::string_view content, const WriteOptions& options) {
  auto target = resolve_target(given, options);
  const stdfs::path& path = options.shown.empty() ? given : options.shown;
  if (!target) return target.error();
  switch (target->kind) {
    case TargetKind::dash:
      options.dash->write(content.data(), static_cast<std::streamsize>(content.size()));
      options.dash->flush();
      if (!*options.dash) return Error{"cannot write to the standard output", {}, Exit::io};
      return ok_status();
    case TargetKind::stream: return stream_into(target->path, path, content);
    case TargetKind::missing:
    case TargetKind::regular: return replace_atomically(*target, path, content, options);
  }
  return ok_status();
}

Result<std::optional<std::string>> read_for_update(const stdfs::path& given, std::string_view what,
                                                   const stdfs::path& shown) {
  const stdfs::path& path = shown.empty() ? given : shown;
  auto target = resolve_target(given, {.shown = path});
  if (!target) return target.error();
  if (target->kind == TargetKind::missing) return std::optional<std::string>{};
  if (target->kind != TargetKind::regular)
    return Error{"cannot " + std::string(what) + " " + quote(path.string()) + ": not a regular file", {}, Exit::io};
  auto bytes = read_file(target->path);
  if (!bytes) return bytes.error();
  return std::optional<std::string>{std::move(bytes).value()};
}

std::string display_path(const stdfs::path& path, const stdfs::path& base) {
  if (!base.empty()) {
    auto rel = path.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") return rel.string();
  }
  return path.string();
}

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

Result<MappedFile> MappedFile::open(const stdfs::path& path) {
  FdCloser fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0)
    return Error{"cannot read " + quote(path.string()) + ": " + std::strerror(errno), {}, Exit::io};
  if (st.st_size == 0) return MappedFile(nullptr, 0);
  void* data = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED)
    return Error{"cannot read " + quote(path.string()) + ": " + std::strerror(errno), {}, Exit::io};
  return MappedFile(data, static_cast<std::size_t>(st.st_size));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

MappedFile::~MappedFile() {
  if (m_data) ::munmap(m_data, m_size);
}

std::string temporary_template(const stdfs::path& dir, const stdfs::path& target) {
  constexpr std::size_t k_name_max = 255;
  constexpr std::string_view k_suffix = ".keel-XXXXXX";
  std::string name = target.filename().string();
  name.resize(std::min(name.size(), k_name_max - 1 - k_suffix.size()));
  return (dir / ("." + name + std::string(k_suffix))).string();
}

bool sync_directory(const stdfs::path& dir) {
  FdCloser fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd.get() >= 0 && ::fsync(fd.get()) == 0;
}

}  // namespace keel::fs
