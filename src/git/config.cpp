#include "git/config.hpp"

#include "git/detail.hpp"

namespace keel::git {

namespace {

// libgit2's getters share one shape: 0, GIT_ENOTFOUND or an error.
template <class T, class Get>
Result<std::optional<T>> get_value(const std::string& name, Get get) {
  T value{};
  int rc = get(value);
  if (rc == GIT_ENOTFOUND) return std::optional<T>();
  if (rc != 0) return last_error("invalid git config value " + quote(name));
  return std::optional<T>(std::move(value));
}

}  // namespace

Result<Config> Config::snapshot(const Repository& repo) {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo.get()) != 0)
    return last_error("cannot read git config", Exit::failed);
  return Config(cfg);
}

Result<std::optional<std::string>> Config::get_string(const std::string& name) const {
  return get_value<std::string>(name, [&](std::string& out) {
    const char* s = nullptr;
    int rc = git_config_get_string(&s, get(), name.c_str());
    if (rc == 0) out = s;
    return rc;
  });
}

Result<std::optional<bool>> Config::get_bool(const std::string& name) const {
  return get_value<bool>(name, [&](bool& out) {
    int v = 0;
    int rc = git_config_get_bool(&v, get(), name.c_str());
    out = v != 0;
    return rc;
  });
}

Result<std::optional<std::int64_t>> Config::get_int(const std::string& name) const {
  return get_value<std::int64_t>(name, [&](std::int64_t& out) { return git_config_get_int64(&out, get(), name.c_str()); });
}

Result<std::optional<std::filesystem::path>> Config::get_path(const std::string& name) const {
  return get_value<std::filesystem::path>(name, [&](std::filesystem::path& out) {
    git_buf buf = GIT_BUF_INIT;
    int rc = git_config_get_path(&buf, get(), name.c_str());
    if (rc == 0) out = detail::take(buf);
    return rc;
  });
}

Result<std::filesystem::path> hooks_dir(const Repository& repo, const Config& config) {
  auto configured = config.get_path("core.hooksPath");
  if (!configured) return configured.error();
  // An empty value means unset; git would run hooks from the current directory.
  if (!*configured || configured->value().empty()) return repo.common_dir() / "hooks";
  const std::filesystem::path& dir = configured->value();
  if (dir.is_absolute()) return dir;
  return (repo.is_bare() ? repo.git_dir() : repo.workdir()) / dir;
}

Result<std::filesystem::path> hooks_dir(const Repository& repo) {
  auto config = Config::snapshot(repo);
  if (!config) return config.error();
  return hooks_dir(repo, config.value());
}

namespace detail {

Status add_worktree_config(git_repository* repo) {
  git_config* cfg = nullptr;  // owned by the repository
  if (git_repository_config(&cfg, repo) != 0) return last_error("cannot read git config", Exit::failed);
  ConfigPtr owned(cfg);
  int enabled = 0;
  if (git_config_get_bool(&enabled, cfg, "extensions.worktreeConfig") != 0 || !enabled) {
    git_error_clear();
    return ok_status();
  }
  // git_repository_path() is the worktree's own directory in a linked
  // worktree and .git in the main one: where git keeps config.worktree.
  std::filesystem::path file = std::filesystem::path(git_repository_path(repo)) / "config.worktree";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return ok_status();
  // Above the local file, as in git; the app level is otherwise unused.
  if (git_config_add_file_ondisk(cfg, file.c_str(), GIT_CONFIG_LEVEL_APP, repo, 0) != 0)
    return last_error("cannot read " + quote(file.string()), Exit::failed);
  return ok_status();
}

}  // namespace detail

}  // namespace keel::git
