#pragma once
// keel dist publish: the output directory's files uploaded with HTTP PUT
// (WebDAV servers such as nginx, or a presigned-URL prefix), manifest.json
// last so that a reader never sees a manifest whose files are missing.
// Idempotent: a file the server already has with the same bytes is skipped;
// one with other bytes is refused before anything is uploaded, unless
// overwrite is set (then the old manifest is deleted first).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace keel::dist {

struct ListedFile {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;
};

// The files manifest.json lists, each name checked (one plain file name)
// and each digest 64 hex digits; errors name manifest.json's position.
Result<std::vector<ListedFile>> read_manifest(std::string_view text, const std::string& shown);

struct PublishOptions {
  std::string url;
  std::optional<std::string> token;
  bool overwrite = false;
  std::chrono::milliseconds timeout{60000};
  std::function<bool()> cancelled;
};

struct PublishReport {
  std::vector<std::string> uploaded, skipped;
};

// Checks every local file against the manifest, then the server, then
// uploads. `progress` gets a line per file.
Result<PublishReport> publish(const std::filesystem::path& dir, const PublishOptions& options,
                              std::ostream& progress);

}  // namespace keel::dist
