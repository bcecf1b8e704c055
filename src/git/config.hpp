#pragma once
// Reading git configuration: the repository's view (system, global, local and
// per-worktree files, includes honoured) frozen at one moment.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "git/git.hpp"

namespace keel::git {

class Config {
 public:
  // A snapshot: later writes to the files do not change what it returns.
  static Result<Config> snapshot(const Repository& repo);

  // nullopt when the key is not set; an Error when it is set to something
  // that does not parse ("core.bare = maybe"). Names are "section.key" or
  // "section.subsection.key", case as git accepts it.
  Result<std::optional<std::string>> get_string(const std::string& name) const;
  Result<std::optional<bool>> get_bool(const std::string& name) const;
  Result<std::optional<std::int64_t>> get_int(const std::string& name) const;  // "10k" is 10240
  // A path value with git's "~/" expansion.
  Result<std::optional<std::filesystem::path>> get_path(const std::string& name) const;

  git_config* get() const { return m_cfg.get(); }

 private:
  explicit Config(git_config* c) : m_cfg(c) {}
  Handle<git_config, git_config_free> m_cfg;
};

// Where git looks for hooks: core.hooksPath when set (a relative value is
// relative to the work tree root, or to the git dir of a bare repository,
// because that is where git runs hooks), otherwise <common_dir>/hooks.
Result<std::filesystem::path> hooks_dir(const Repository& repo, const Config& config);
Result<std::filesystem::path> hooks_dir(const Repository& repo);

}  // namespace keel::git
