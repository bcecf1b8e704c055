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
Result<std::vector<Remote>> remotes_from(const config::Value* hooks);

struct RemoteHooks {
  std::vector<config::Value> tables;  // each file's [hooks], in order
  std::vector<std::string> warnings;  // a fetch that failed with a copy to fall back on, keys left out
};

// Fetches what needs fetching into cache_dir and reads each remote's files.
// A remote's own hooks.remotes are not followed.
Result<RemoteHooks> load_remote_hooks(const std::vector<Remote>& remotes, const std::filesystem::path& cache_dir);

}  // namespace keel::hooks
