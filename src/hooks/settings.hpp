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
#include "hooks/path_regex.hpp"
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
  std::vector<PathRegex> exclude_regex;  // lefthook 1's exclude: files whose path one finds are left out
  std::string root;  // relative to the work tree, no leading or trailing '/'
  std::map<std::string, std::string> env;
  bool stage_fixed = false;
  bool interactive = false;
  Conditions skip, only;
  std::optional<std::int64_t> priority;
  std::string fail_text;
  GlobStyle glob_style = GlobStyle::keel;  // its own glob_style (a remote's), else hooks.glob_style
  std::optional<GlobStyle> glob_style_set;  // the command's own, when given
  std::string files_command;               // files: lists the files {files} gives
  bool use_stdin = false;                  // gets what was written to the hook's stdin
  // A script file instead of run (lefthook's scripts): its path relative to
  // the work tree root, run by `runner` (a shell command) or by itself.
  std::string script, runner;
  bool has_filters() const { return !glob.empty() || !exclude.empty() || !types.empty() || !root.empty(); }
};

// What a hook run prints (hooks.output, hooks.skip_output, as lefthook's).
struct OutputParts {
  bool summary = true;         // the summary block
  bool empty_summary = true;   // its heading when no command ran
  bool success = true;         // passed lines
  bool failure = true;         // failed lines
  bool skips = true;           // skipped lines, and a skipped hook's line
  bool execution_info = true;  // the "--- NAME" heading before a command's output
  bool execution_out = true;   // a command's output
  bool failed_out = false;     // a failed command's output even without execution_out (output = false)
};

// The order commands run in: a tree whose leaves are commands and whose
// inner nodes are lefthook's job groups, the root being the hook itself.
struct JobNode {
  static constexpr std::size_t k_group = static_cast<std::size_t>(-1);
  std::size_t command = k_group;  // a leaf: the index in HookSettings::commands
  std::string name;               // a group's name, for skip messages
  bool parallel = false;          // run the children at once
  bool piped = false;             // one after another, none after a failure
  Conditions skip, only;          // a group's
  std::vector<JobNode> children;
  bool leaf() const { return command != k_group; }
  static JobNode leaf_of(std::size_t command) {
    JobNode n;
    n.command = command;
    return n;
  }
};

struct HookSettings {
  std::string name;
  bool parallel = true;
  bool fail_fast = false;
  bool follow = false;  // a command's output printed as it comes, not whole at its end
  unsigned jobs = 0;  // 0: one per CPU
  std::vector<std::string> exclude_tags;  // commands with one of these tags or names are skipped
  Conditions skip, only;
  std::vector<CommandSettings> commands;  // commands and scripts in priority order, then the jobs' commands
  JobNode tree;                           // how they run: root.parallel is `parallel`
  // From [hooks], the same for every hook:
  OutputParts output;
  std::string rc;  // hooks.rc: a shell file whose exported environment the commands get; "" none
};

// Every [hooks.NAME] table. Errors name the file and position of the bad
// value: "keel.toml:4:1: hook command 'pre-commit.lint' has no 'run'".
// `remote_tables`: the [hooks] of hooks.remotes (remotes.hpp), which lie
// between keel's defaults and the configuration's own values.
Result<std::vector<HookSettings>> hooks_from_config(const config::Config& config,
                                                   const std::vector<config::Value>& remote_tables = {});

// Keys inside lists of tables ([[...jobs]], [[hooks.remotes]]) are their
// owner's to check, the key table cannot: an unknown one is an error with
// its position and the closest known key. `what` names the table.
Status known_keys(const config::Value& t, const std::vector<std::string>& known, const std::string& what);

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
