#pragma once
// hooks.remotes: hook configuration shared from other repositories, as
// lefthook's remotes. Each remote is a bare copy under keel's cache
// (git/mirror.hpp), fetched when missing, on every run with refetch, or
// once refetch_frequency has passed; its files are read at `ref` and their
// [hooks] tables lie under the project's own, which win key by key.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::hooks {

struct Remote {
  std::string url;                   // git_url
  std::string ref;                   // a tag, branch or commit; empty: the default branch
  std::vector<std::string> configs;  // files in that repository; default keel.toml
  bool refetch = false;
  std::optional<std::chrono::milliseconds> refetch_frequency;
  std::string where;  // "keel.toml:3:1: ", for messages
};

// [[hooks.remotes]] as structs; errors name the file and position. Pure.
// A ref must be a full commit id unless `trust_refs` (hooks.trust_remote_refs,
// a trusted key): a tag or branch runs whatever the remote serves under it.
Result<std::vector<Remote>> remotes_from(const config::Value* hooks, bool trust_refs);

struct RemoteHooks {
  std::vector<config::Value> tables;  // each file's [hooks], in order
  std::vector<std::string> warnings;  // a fetch that failed with a copy to fall back on, keys left out
};

// Fetches what needs fetching into cache_dir and reads each remote's files;
// a relative git_url is relative to `root` (the work tree). Only the hooks
// a file defines are taken: its [hooks] options (rc, output, source_dir,
// min_version, remotes of its own) are left out with a warning, and so are
// script commands, whose files are not in this repository. A file's own
// glob_style goes with its commands.
Result<RemoteHooks> load_remote_hooks(const std::vector<Remote>& remotes, const std::filesystem::path& cache_dir,
                                      const std::filesystem::path& root);

}  // namespace keel::hooks
