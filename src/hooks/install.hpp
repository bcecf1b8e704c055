#pragma once
// Installing keel's hook shims: small POSIX sh scripts in the directory git
// runs hooks from, each calling `keel hooks run NAME "$@"`. A hook that was
// there before is kept as NAME.before-keel and run first; a hook file git
// tracks (a committed .husky/pre-commit) is never renamed or rewritten, and
// husky 9's dispatcher directory is refused.

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "git/git.hpp"

namespace keel::hooks {

// The second line of every shim; how keel recognises its own files.
inline constexpr std::string_view k_shim_marker = "# keel hooks shim";

// The shim for `hook`, calling keel at `keel_path` (or keel from PATH when
// that is gone).
std::string shim_text(const std::string& hook, const std::string& keel_path);
bool is_shim(const std::filesystem::path& file);

struct HooksDir {
  std::filesystem::path path;
  bool custom = false;  // set by core.hooksPath
};

Result<HooksDir> hooks_directory(const git::Repository& repo);

struct Action {
  std::string hook;
  std::string what;  // "installed", "updated", "kept ... as ...", "removed", ...
};

struct InstallRequest {
  std::vector<std::string> hooks;  // git hook names, already checked
  std::string keel_path;
  bool force = false;  // install even into a core.hooksPath keel did not set up
  bool prune = false;  // also remove keel's shims for hooks not in `hooks`
};

// Refuses a foreign core.hooksPath unless forced, and husky 9's always;
// never overwrites a foreign hook or a kept one, never touches a tracked file.
Result<std::vector<Action>> install(const git::Repository& repo, const InstallRequest& request);
// Removes keel's shims and puts the hooks they kept back.
Result<std::vector<Action>> uninstall(const git::Repository& repo);

enum class HookState { installed, outdated, missing, foreign, stale };
std::string_view to_string(HookState state);

struct StatusLine {
  std::string hook;
  HookState state;
  bool legacy = false;  // a kept hook (NAME.before-keel) runs first
};

// Configured hooks and installed shims, with how they differ.
Result<std::vector<StatusLine>> status(const git::Repository& repo, const std::vector<std::string>& configured,
                                       const std::string& keel_path);

}  // namespace keel::hooks
