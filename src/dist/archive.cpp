#include "dist/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <thread>

#include "dist/parallel_compress.hpp"
#include "dist/xz_compress.hpp"
#include "fs/fs.hpp"

namespace keel::dist {

namespace stdfs = std::filesystem;

namespace {

constexpr std::size_t k_block = 1u << 20;

Error io_error(const stdfs::path& p, std::string_view what, int err) {
  return Error{"cannot " + std::string(what) + " " + quote(p.string()) + ": " + std::strerror(err), {}, Exit::io};
}

// The file being written: hashed as it goes, removed unless kept.
class OutFile {
 public:
  explicit OutFile(stdfs::path path) : m_path(std::move(path)) {
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (m_fd < 0) m_errno = errno;
  }
  ~OutFile() {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_kept && m_errno != EEXIST) ::unlink(m_path.c_str());
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  bool opened() const { return m_fd >= 0; }
  int error() const { return m_errno; }
  const stdfs::path& path() const { return m_path; }

  bool write(const void* data, std::size_t n) {
    if (!fs::write_all(m_fd, {static_cast<const char*>(data), n})) {
      m_errno = errno;
      return false;
    }
    m_hash.update({static_cast<const char*>(data), n});
    m_size += n;
    return true;
  }

  // The file's mode is set here, whatever the umask.
  Result<Written> keep(unsigned mode = 0644) {
    if (::fchmod(m_fd, mode) != 0 || ::fsync(m_fd) != 0 || ::close(std::exchange(m_fd, -1)) != 0) return io_error(m_path, "write", errno);
    m_kept = true;
    return Written{m_size, m_hash.finish()};
  }

 private:
  stdfs::path m_path;
  int m_fd = -1;
  int m_errno = 0;
  bool m_kept = false;
  crypto::Sha256 m_hash;
  std::uint64_t m_size = 0;
};

// Where libarchive's bytes go: the file, or first keel's own compressor.
struct Output {
  OutFile* file;
  Compressor* compressor = nullptr;
};

la_ssize_t write_callback(struct archive* a, void* data, const void* buffer, size_t length) {
  auto* out = static_cast<Output*>(data);
  bool ok = out->compressor ? out->compressor->write({static_cast<const char*>(buffer), length})
                            : out->file->write(buffer, length);
  if (!ok) {
    if (std::string why = out->compressor ? out->compressor->error() : ""; !why.empty())
      archive_set_error(a, EIO, "%s", why.c_str());
    else
      archive_set_error(a, out->file->error(), "%s", std::strerror(out->file->error()));
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveFree>;
using EntryPtr = std::unique_ptr<archive_entry, EntryFree>;

Error archive_error(struct archive* a, const OutFile& out) {
  if (out.error()) return io_error(out.path(), "write", out.error());
  const char* why = archive_error_string(a);
  return Error{"cannot write " + quote(out.path().string()) + ": " + (why ? why : "libarchive failed"), {}, Exit::io};
}

// A .deb's data.tar.zst (rare; xz is the default) through libarchive runs
// zstd single-threaded: Debian's libzstd.a (the static build's) has no
// multi-threaded compressor, whose bytes would differ from the shared
// library's. One setting gives every keel build the same bytes.
constexpr const char* k_zstd_options = "zstd:compression-level=19,zstd:threads=0";

unsigned threads_for(const ArchiveOptions& o) {
  return std::max(1u, o.threads ? o.threads : std::thread::hardware_concurrency());
}

// The filter and format settings of each kind of output, pinned.
Status configure(struct archive* a, Format f) {
  int r = ARCHIVE_OK;
  switch (f) {
    case Format::tar_gz:  // compressed by keel's own compressors, not by libarchive
    case Format::tar_zst:
    case Format::tar_xz:
      r = archive_write_set_format_pax_restricted(a);
      break;
    case Format::zip:
      r = archive_write_set_format_zip(a);
      if (r == ARCHIVE_OK) r = archive_write_zip_set_compression_deflate(a);
      if (r == ARCHIVE_OK) r = archive_write_set_options(a, "zip:compression-level=9");
      break;
    case Format::binary:
      break;
  }
  if (r != ARCHIVE_OK) {
    const char* why = archive_error_string(a);
    return Error{std::string("libarchive cannot write ") + std::string(format_name(f)) + ": " +
                     (why ? why : "unsupported"),
                 {}, Exit::io};
  }
  archive_write_set_bytes_in_last_block(a, 1);
  return ok_status();
}

// One entry's header and bytes. A file that changed size since it was
// listed is an error: the archive would not say what the manifest says.
Status add_entry(struct archive* a, const OutFile& out, const Entry& e, std::int64_t mtime, std::string_view root,
                 const std::function<void(const Entry&, std::string_view)>& observe = {}) {
  EntryPtr ae(archive_entry_new());
  std::string path = std::string(root) + e.path + (e.kind == EntryKind::dir && !e.path.empty() ? "/" : "");
  archive_entry_set_pathname_utf8(ae.get(), path.c_str());
  archive_entry_set_filetype(ae.get(), e.kind == EntryKind::dir       ? AE_IFDIR
                                       : e.kind == EntryKind::symlink ? AE_IFLNK
                                                                      : AE_IFREG);
  archive_entry_set_perm(ae.get(), e.mode & 07777);
  archive_entry_set_uid(ae.get(), 0);
  archive_entry_set_gid(ae.get(), 0);
  archive_entry_set_uname_utf8(ae.get(), "root");
  archive_entry_set_gname_utf8(ae.get(), "root");
  archive_entry_set_mtime(ae.get(), mtime, 0);
  if (e.kind == EntryKind::symlink) archive_entry_set_symlink_utf8(ae.get(), e.link_target.c_str());
  archive_entry_set_size(ae.get(), e.kind == EntryKind::file ? static_cast<la_int64_t>(e.size) : 0);
  if (archive_write_header(a, ae.get()) < ARCHIVE_WARN) return archive_error(a, out);
  if (e.kind != EntryKind::file) return ok_status();
  if (e.generated) {
    if (observe) observe(e, e.data);
    if (!e.data.empty() && archive_write_data(a, e.data.data(), e.data.size()) < 0) return archive_error(a, out);
    return ok_status();
  }

  fs::FdCloser in(::open(e.source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return io_error(e.source, "read", errno);
  static thread_local std::vector<char> buffer(k_block);
  std::uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(e.source, "read", errno);
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > e.size) break;
    if (observe) observe(e, std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    if (archive_write_data(a, buffer.data(), static_cast<std::size_t>(n)) < 0) return archive_error(a, out);
  }
  if (total != e.size)
    return Error{quote(e.source.string()) + " changed while it was being archived", "run keel dist again", Exit::io};
  return ok_status();
}

// libarchive turns the UTF-8 names keel gives it into the locale's
// multibyte text for the headers; under the C locale it cannot, whatever the
// user's environment. C.UTF-8 (built into glibc) is used by this thread
// while it writes, so names are written as UTF-8 everywhere.
class Utf8Locale {
 public:
  Utf8Locale() : m_locale(::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (m_locale) m_previous = ::uselocale(m_locale);
  }
  ~Utf8Locale() {
    if (!m_locale) return;
    ::uselocale(m_previous);
    ::freelocale(m_locale);
  }
  bool active() const { return m_locale != static_cast<locale_t>(0); }
  Utf8Locale(const Utf8Locale&) = delete;
  Utf8Locale& operator=(const Utf8Locale&) = delete;

 private:
  locale_t m_locale;
  locale_t m_previous = LC_GLOBAL_LOCALE;
};

// The compressors keel runs itself, on the bytes libarchive writes.
enum class OwnCompression { none, gzip, zstd, xz };

std::unique_ptr<Compressor> make_compressor(OwnCompression c, std::function<bool(std::string_view)> out,
                                            const ArchiveOptions& o) {
  switch (c) {
    case OwnCompression::none: return nullptr;
    case OwnCompression::gzip: return std::make_unique<ParallelCompressor>(PieceFormat::gzip, out, threads_for(o));
    case OwnCompression::zstd: return std::make_unique<ParallelCompressor>(PieceFormat::zstd, out, threads_for(o));
    case OwnCompression::xz: return std::make_unique<XzCompressor>(out, threads_for(o), o.x86_code);
  }
  return nullptr;
}

Result<Written> write_entries(const std::vector<Entry>& entries, const ArchiveOptions& o,
                              const stdfs::path& path, std::string_view root,
                              const std::function<Status(struct archive*)>& set_up,
                              OwnCompression compression = OwnCompression::none) {
  Utf8Locale utf8;
  if (!utf8.active())
    for (const auto& e : entries)
      for (unsigned char c : e.path + e.link_target)
        if (c >= 0x80)
          return Error{"cannot write the non-ASCII name " + quote(e.path) + ": this system has no C.UTF-8 locale", {},
                       Exit::io};
  OutFile out(path);
  if (!out.opened()) return io_error(path, "create", out.error());
  auto compressor = make_compressor(
      compression, [&out](std::string_view bytes) { return out.write(bytes.data(), bytes.size()); }, o);
  Output sink{&out, compressor.get()};
  ArchivePtr a(archive_write_new());
  if (auto s = set_up(a.get()); !s) return s.error();
  if (archive_write_open2(a.get(), &sink, nullptr, write_callback, nullptr, nullptr) != ARCHIVE_OK)
    return archive_error(a.get(), out);
  for (const auto& e : entries)
    if (auto s = add_entry(a.get(), out, e, o.mtime, root, o.observe); !s) return s.error();
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_error(a.get(), out);
  if (compressor && !compressor->finish()) {
    if (std::string why = compressor->error(); !why.empty())
      return Error{"cannot write " + quote(path.string()) + ": " + why, {}, Exit::io};
    return io_error(path, "write", out.error());
  }
  return out.keep();
}

// xz is compressed by XzCompressor, after libarchive.
Status configure_deb_tar(struct archive* a, std::string_view compression) {
  int r = archive_write_set_format_gnutar(a);
  std::string options;
  if (r == ARCHIVE_OK && compression == "gz") {
    r = archive_write_add_filter_gzip(a);
    options = "gzip:compression-level=9,gzip:!timestamp";
  } else if (r == ARCHIVE_OK && compression == "zst") {
    r = archive_write_add_filter_zstd(a);
    options = k_zstd_options;
  }
  if (r == ARCHIVE_OK && !options.empty()) r = archive_write_set_options(a, options.c_str());
  if (r != ARCHIVE_OK) {
    const char* why = archive_error_string(a);
    return Error{std::string("libarchive cannot write a tar.") + std::string(compression) + ": " +
                     (why ? why : "unsupported"),
                 {}, Exit::io};
  }
  archive_write_set_bytes_in_last_block(a, 1);
  return ok_status();
}

la_ssize_t append_callback(struct archive*, void* data, const void* buffer, size_t length) {
  static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

}  // namespace

Result<std::string> gzip_bytes(std::string_view data) {
  std::string out;
  ArchivePtr a(archive_write_new());
  auto failed = [&] {
    const char* why = archive_error_string(a.get());
    return Error{std::string("cannot gzip: ") + (why ? why : "libarchive failed"), {}, Exit::io};
  };
  if (archive_write_set_format_raw(a.get()) != ARCHIVE_OK || archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_write_set_options(a.get(), "gzip:compression-level=9,gzip:!timestamp") != ARCHIVE_OK)
    return failed();
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open2(a.get(), &out, nullptr, append_callback, nullptr, nullptr) != ARCHIVE_OK) return failed();
  EntryPtr e(archive_entry_new());
  archive_entry_set_pathname(e.get(), "data");
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
  if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) return failed();
  if (!data.empty() && archive_write_data(a.get(), data.data(), data.size()) < 0) return failed();
  if (archive_write_close(a.get()) != ARCHIVE_OK) return failed();
  return out;
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format f : {Format::tar_gz, Format::tar_zst, Format::tar_xz, Format::zip, Format::binary})
    if (format_name(f) == name) return f;
  return std::nullopt;
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::tar_gz: return "tar.gz";
    case Format::tar_zst: return "tar.zst";
    case Format::tar_xz: return "tar.xz";
    case Format::zip: return "zip";
    case Format::binary: return "binary";
  }
  return "";
}

std::string_view extension(Format f) {
  switch (f) {
    case Format::tar_gz: return ".tar.gz";
    case Format::tar_zst: return ".tar.zst";
    case Format::tar_xz: return ".tar.xz";
    case Format::zip: return ".zip";
    case Format::binary: return "";
  }
  return "";
}

Result<Written> write_archive(Format format, const std::vector<Entry>& entries, const ArchiveOptions& options,
                              const stdfs::path& out) {
  if (format == Format::binary) {
    auto files = std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return e.kind == EntryKind::file; });
    if (files != 1)
      return Error{"a binary artifact needs exactly one file, found " + std::to_string(files), {}, Exit::config};
    for (const auto& e : entries)
      if (e.kind == EntryKind::file) return dist::copy_file(e.source, out, e.mode);
  }
  if (format == Format::zip) {
    // libarchive writes a zip entry's DOS time in local time: UTC makes it
    // the same in every time zone.
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
  }
  return write_entries(
      entries, options, out, "", [&](struct archive* a) { return configure(a, format); },
      format == Format::tar_gz    ? OwnCompression::gzip
      : format == Format::tar_zst ? OwnCompression::zstd
      : format == Format::tar_xz  ? OwnCompression::xz
                                  : OwnCompression::none);
}

Result<Written> copy_file(const stdfs::path& source, const stdfs::path& path, unsigned mode) {
  fs::FdCloser in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return io_error(source, "read", errno);
  OutFile out(path);
  if (!out.opened()) return io_error(path, "create", out.error());
  std::vector<char> buffer(k_block);
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(source, "read", errno);
    if (n == 0) break;
    if (!out.write(buffer.data(), static_cast<std::size_t>(n))) return io_error(path, "write", out.error());
  }
  return out.keep(mode);
}

Result<Written> write_deb_tar(const std::vector<Entry>& entries, std::string_view compression,
                              const ArchiveOptions& options, const stdfs::path& out) {
  // dpkg-deb's trees start with "./" and list the root directory itself.
  std::vector<Entry> rooted;
  rooted.reserve(entries.size() + 1);
  Entry root;
  root.kind = EntryKind::dir;
  root.mode = 0755;
  rooted.push_back(root);
  rooted.insert(rooted.end(), entries.begin(), entries.end());
  return write_entries(rooted, options, out, "./", [&](struct archive* a) { return configure_deb_tar(a, compression); },
                       compression == "xz" ? OwnCompression::xz : OwnCompression::none);
}

Result<Written> write_deb(const DebMember& control, const DebMember& data, std::int64_t mtime,
                          const stdfs::path& path) {
  OutFile out(path);
  if (!out.opened()) return io_error(path, "create", out.error());
  ArchivePtr a(archive_write_new());
  // BSD ar keeps names of up to 16 bytes as they are ("debian-binary"), as
  // dpkg-deb writes them; GNU ar would add a '/'.
  if (archive_write_set_format_ar_bsd(a.get()) != ARCHIVE_OK) return archive_error(a.get(), out);
  archive_write_set_bytes_in_last_block(a.get(), 1);
  Output sink{&out};
  if (archive_write_open2(a.get(), &sink, nullptr, write_callback, nullptr, nullptr) != ARCHIVE_OK)
    return archive_error(a.get(), out);
  auto member = [&](const std::string& name, const stdfs::path& source, std::uint64_t size) -> Status {
    Entry e;
    e.path = name;
    e.source = source;
    e.size = size;
    e.mode = 0644;
    return add_entry(a.get(), out, e, mtime, "");
  };
  stdfs::path version = path.string() + ".debian-binary";
  {
    OutFile v(version);
    if (!v.opened()) return io_error(version, "create", v.error());
    if (!v.write("2.0\n", 4)) return io_error(version, "write", v.error());
    if (auto k = v.keep(); !k) return k.error();
  }
  struct Remove {
    stdfs::path p;
    ~Remove() { ::unlink(p.c_str()); }
  } remove_version{version};
  std::error_code ec;
  for (const DebMember& m : {DebMember{"debian-binary", version}, control, data}) {
    const auto& [name, source] = m;
    auto size = stdfs::file_size(source, ec);
    if (ec) return io_error(source, "read", ec.value());
    if (auto s = member(name, source, size); !s) return s.error();
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_error(a.get(), out);
  return out.keep();
}

}  // namespace keel::dist
