#pragma once
// The cache key of one job: SHA-256 over everything that decides what the
// job does, each part length-prefixed so that no two different sets of
// parts give the same bytes. Pure logic.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hooks/template.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/tasks.hpp"

namespace keel::pipeline {

// Bumped whenever what goes into a key, or an action entry's format, changes.
inline constexpr int k_cache_format = 2;  // 2: inputs hashed in pieces of 1,024

struct KeyParts {
  std::string dir;                             // the task's dir, relative to the root
  std::vector<std::string> shell;              // the interpreter the commands run with
  std::vector<hooks::ShellCall> commands;      // expanded: script and arguments
  Pairs env;                                   // env_file's values, then env's, in order
  std::vector<std::pair<std::string, std::optional<std::string>>> key_env;  // cache.key_env: unset is not ""
  std::vector<std::string> key_outputs;        // the output of each cache.key_commands command
  std::vector<InputFile> inputs;               // path relative to dir, mode, digest
  std::vector<std::string> dep_keys;           // the keys of the jobs it waits for
  std::string platform;                        // "linux-x86_64"
};

// 64 hex digits.
std::string cache_key(const KeyParts& parts);

// This machine's os-arch, as uname reports it.
std::string platform();

}  // namespace keel::pipeline
