#pragma once
// Reproducible archives through libarchive: keel builds every entry itself
// (uid/gid 0 root/root, fixed modes, every time the source date, sorted)
// and pins each compressor's settings, so the same inputs give the same
// bytes on every machine. The output is hashed as it is written.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "crypto/sha256.hpp"
#include "dist/entries.hpp"

namespace keel::dist {

enum class Format { tar_gz, tar_zst, tar_xz, zip, binary };

std::optional<Format> parse_format(std::string_view name);  // "tar.gz", ...
std::string_view format_name(Format f);
std::string_view extension(Format f);  // ".tar.gz"; "" for binary

struct Written {
  std::uint64_t size = 0;
  crypto::Digest sha256{};
};

struct ArchiveOptions {
  std::int64_t mtime = 0;  // every entry's time: the source date
  // Compressor threads. The bytes do not depend on it (gzip's and zstd's
  // pieces and xz's blocks have a fixed size); a test holds that. A .deb's
  // data.tar.zst is single-threaded (archive.cpp says why).
  unsigned threads = 0;  // 0: one per CPU
  // Sees every regular file's bytes as they are written (a .deb's md5sums
  // come from it, without reading the files twice).
  std::function<void(const Entry&, std::string_view)> observe;
  // The target is amd64 or i386: xz puts its x86 filter first.
  bool x86_code = false;
};

// Writes entries (already finished by finish_tree) as an archive at `out`,
// which must not exist. On failure `out` is removed.
Result<Written> write_archive(Format format, const std::vector<Entry>& entries, const ArchiveOptions& options,
                              const std::filesystem::path& out);

// Copies one file's bytes to `out` (format binary), with this mode.
Result<Written> copy_file(const std::filesystem::path& source, const std::filesystem::path& out, unsigned mode);

// A tar (GNU format, "./"-rooted as dpkg writes them) of entries, compressed
// as `compression` says ("gz", "xz", "zst"), for the members of a .deb.
Result<Written> write_deb_tar(const std::vector<Entry>& entries, std::string_view compression,
                              const ArchiveOptions& options, const std::filesystem::path& out);

// data gzipped at level 9 with no name and no time (gzip -9n), for man
// pages and changelog.Debian.gz.
Result<std::string> gzip_bytes(std::string_view data);

struct DebMember {
  std::string name;  // "control.tar.xz"
  std::filesystem::path source;
};

// A .deb: the ar archive of debian-binary and the two members, in order.
Result<Written> write_deb(const DebMember& control, const DebMember& data, std::int64_t mtime,
                          const std::filesystem::path& out);

}  // namespace keel::dist
