#pragma once
// File-system helpers shared by every command: bounded reads and atomic
// writes, so that no keel command ever leaves a half-written file behind.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "core/error.hpp"

namespace keel::fs {

namespace stdfs = std::filesystem;

// Files keel parses are refused above this size (configs, messages, ...).
inline constexpr std::size_t k_max_read_size = 10u * 1024 * 1024;

// Reads a whole file. Fails with a one-line error naming the path when it is
// missing, unreadable, a directory, or larger than max_size.
Result<std::string> read_file(const stdfs::path& path, std::size_t max_size = k_max_read_size);

// Reads a stream to its end (standard input), refused above max_size with
// "file too large: <shown> is over 10 MiB".
Result<std::string> read_stream(std::istream& in, const std::string& shown, std::size_t max_size = k_max_read_size);

// How write_file treats a path that is a symbolic link.
enum class Links {
  follow,   // write the file the link points to and keep the link (user files)
  replace,  // replace the path itself, a link or a read-only file too (files keel restores or owns)
};

struct WriteOptions {
  unsigned mode = 0644;          // a new file's permission bits; an existing file keeps its own
  Links links = Links::follow;
  stdfs::path staging{};         // where the temporary file is made; empty: beside the file
  std::ostream* dash = nullptr;  // when set, the path "-" means this stream
  stdfs::path shown{};           // the name errors give the file; empty: the path itself
};

// What a path is to write_file, once symbolic links are followed.
enum class TargetKind { missing, regular, stream, dash };

struct Target {
  stdfs::path path;  // the file that is written: the end of any chain of links
  TargetKind kind;
};

// Resolves path for writing and refuses what keel never writes: a
// directory, a block device or socket, a link loop, and (following links)
// a read-only file.
Result<Target> resolve_target(const stdfs::path& path, const WriteOptions& options = {});

// The one way keel writes a file; nothing in src/ or commands/ writes
// otherwise. A regular or missing file is replaced atomically: a temporary
// file is written and fsync'ed in the file's own directory (or `staging`),
// renamed over it, and the directory fsync'ed, so a crash or a full disk
// leaves the old content or the new, never a mix. A FIFO, a character
// device or "-" is streamed into, never replaced. Every refusal happens
// before anything changes.
Status write_file(const stdfs::path& path, std::string_view content, const WriteOptions& options = {});

// For commands that read a file, change it and write it back: the content
// of path when it is a regular file, nullopt when it does not exist, and an
// error naming `what` (say "prepend to") for anything else, before any write.
Result<std::optional<std::string>> read_for_update(const stdfs::path& path, std::string_view what,
                                                   const stdfs::path& shown = {});

// A path as shown to the user: relative to base when under it.
std::string display_path(const stdfs::path& path, const stdfs::path& base = {});

// A whole file mapped read-only (for large files read once, such as the
// running keel that a patch applies to); unmapped when it goes.
class MappedFile {
 public:
  static Result<MappedFile> open(const stdfs::path& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile();
  std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

 private:
  MappedFile(void* data, std::size_t size) : m_data(data), m_size(size) {}
  void* m_data = nullptr;
  std::size_t m_size = 0;
};

// An owned file descriptor, closed when it goes.
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

// fsync of a directory, which makes renames and new names in it durable;
// false with errno set.
bool sync_directory(const stdfs::path& dir);

// A mkstemp template in `dir` for a temporary stand-in of `target`:
// ".NAME.keel-XXXXXX", with NAME shortened so that the whole name still
// fits in a directory entry (255 bytes) however long target's name is.
std::string temporary_template(const stdfs::path& dir, const stdfs::path& target);

// Writes all of data, through EINTR and short writes; false with errno set.
bool write_all(int fd, std::string_view data);

}  // namespace keel::fs
