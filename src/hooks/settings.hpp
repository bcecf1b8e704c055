#pragma once
// The [hooks.*] configuration as plain structs, checked once, and the
// skip/only conditions.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "hooks/glob.hpp"
#include "core/error.hpp"

namespace keel::hooks {

// skip/only: `true`, or conditions of which any one is enough.
struct Conditions {
  bool set = false;     // the key was given
  bool always = false;  // skip = true
  std::vector<std::string> items;  // merge, rebase, branch:GLOB, ref:GLOB, run:COMMAND
};

struct CommandSettings {
  std::string name;
  std::string run;
  std::vector<std::string> glob, exclude, types, tags;
  std::string root;  // relative to the work tree, no leading or trailing '/'
  std::map<std::string, std::string> env;
  bool stage_fixed = false;
  bool interactive = false;
  Conditions skip, only;
  std::optional<std::int64_t> priority;
  std::string fail_text;
  GlobStyle glob_style = GlobStyle::keel;  // hooks.glob_style
  std::string files_command;               // files: lists the files {files} gives
  bool has_filters() const { return !glob.empty() || !exclude.empty() || !types.empty() || !root.empty(); }
};

struct HookSettings {
  std::string name;
  bool parallel = true;
  bool fail_fast = false;
  unsigned jobs = 0;  // 0: one per CPU
  std::vector<std::string> exclude_tags;  // commands with one of these tags or names are skipped
  Conditions skip, only;
  std::vector<CommandSettings> commands;  // in running order (priority, then config order)
};

// Every [hooks.NAME] table. Errors name the file and position of the bad
// value: "keel.toml:4:1: hook command 'pre-commit.lint' has no 'run'".
Result<std::vector<HookSettings>> hooks_from_config(const config::Config& config);

// What the conditions look at.
struct RepoState {
  bool merging = false;   // MERGE_HEAD exists
  bool rebasing = false;  // rebase-merge/ or rebase-apply/ exists
  std::string branch;     // empty when detached
  // run:COMMAND holds when this says the shell command exits 0; unset: never.
  std::function<bool(const std::string&)> succeeds;
};

// Why the hook or command is skipped ("skip: merge", "only: branch:main"),
// or nullopt when it runs.
std::optional<std::string> skip_reason(const Conditions& skip, const Conditions& only, const RepoState& state);

}  // namespace keel::hooks
