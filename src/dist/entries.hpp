#pragma once
// The entries of an archive or package, built by keel from the config's
// file lists and never read from the disk's metadata: owners, times and
// modes are fixed so that two machines build the same bytes.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"
#include "dist/template.hpp"

namespace keel::dist {

enum class EntryKind { file, dir, symlink };

struct Entry {
  std::string path;  // inside the archive: '/'-separated, relative, no "." or ".." segment
  EntryKind kind = EntryKind::file;
  unsigned mode = 0644;
  std::filesystem::path source;  // a file's bytes
  std::string link_target;       // a symlink's target
  std::uint64_t size = 0;
  bool config = false;  // a Debian conffile
  bool generated = false;  // the bytes are `data`, made by keel (md5sums, a gzipped man page)
  std::string data;
  std::string origin;   // where the config named it, for errors
};

// One `files` (or `contents`) item of the configuration.
struct FileSpec {
  std::string src;  // a path or a glob, with {os} {arch} {name} {version}
  std::string dst;  // empty: the source's path; a trailing '/': a directory
  std::optional<unsigned> mode;
  std::string type;  // packages: "", "config", "symlink", "dir"
  config::Origin origin;
};

// A destination made safe: relative, '/'-separated, no empty, "." or ".."
// segment, valid UTF-8, no control character. "usr/bin/" keeps its slash.
Result<std::string> normalize_destination(std::string_view dst);

// Orders entries as reproducible archives want them (bytewise by path, each
// directory right before its children), adds the parent directories that
// are missing (mode 0755) and refuses two entries with one path.
Result<std::vector<Entry>> finish_tree(std::vector<Entry> entries);

// Path order: component by component, bytewise, so "a/b" < "a-b".
bool path_before(std::string_view a, std::string_view b);

// The entries `specs` name under root, with templates filled from fields.
// A source that does not exist, or a glob that matches nothing, is an error
// naming the spec's position.
Result<std::vector<Entry>> collect(const std::vector<FileSpec>& specs, const TemplateFields& fields,
                                   const std::filesystem::path& root);

}  // namespace keel::dist
