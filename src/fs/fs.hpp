#pragma once
// File-system helpers shared by every command: bounded reads and atomic
// writes, so that no keel command ever leaves a half-written file behind.

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace keel::fs {

namespace stdfs = std::filesystem;

// Files keel parses are refused above this size (configs, messages, ...).
inline constexpr std::size_t k_max_read_size = 10u * 1024 * 1024;

// Reads a whole file. Fails with a one-line error naming the path when it is
// missing, unreadable, a directory, or larger than max_size.
Result<std::string> read_file(const stdfs::path& path, std::size_t max_size = k_max_read_size);

// Replaces path's content atomically: a temporary file in the same directory
// is written, fsync'ed and renamed over path, then the directory is fsync'ed.
// An existing file's permission bits are kept; a new file gets `mode`.
Status write_atomic(const stdfs::path& path, std::string_view content, unsigned mode = 0644);

// The same, with the temporary file made in `staging` instead (keel's own
// directory under .git), so that a kill -9 between write and rename leaves
// nothing in the user's work tree. Falls back to path's own directory when
// `staging` is on another file system.
Status write_atomic_staged(const stdfs::path& path, std::string_view content, unsigned mode,
                           const stdfs::path& staging);

// A path as shown to the user: relative to base when under it.
std::string display_path(const stdfs::path& path, const stdfs::path& base = {});

}  // namespace keel::fs
