#include "hooks/install.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "fs/fs.hpp"
#include "git/config.hpp"
#include "git/status.hpp"
#include "hooks/names.hpp"
#include "hooks/template.hpp"

namespace keel::hooks {

namespace stdfs = std::filesystem;

namespace {

// The hook that was there before keel: renamed, so that it keeps its
// content, mode and owner, and run first by the shim. Not NAME.legacy: the
// pre-commit framework's script runs NAME.legacy itself, so under that name
// it would run itself and stop every commit.
std::string chained_name(const std::string& hook) { return hook + ".before-keel"; }
// Where keel before 0.x kept that hook; moved to chained_name on update.
std::string old_chained_name(const std::string& hook) { return hook + ".legacy"; }

bool present(const stdfs::path& p) {
  std::error_code ec;
  return stdfs::exists(stdfs::symlink_status(p, ec));
}

Error io_error(const std::string& what, const stdfs::path& p, const std::error_code& ec) {
  return Error{what + " " + quote(p.string()) + ": " + ec.message(), {}, Exit::failed};
}

// A file other than a shim keel wrote for a hook it manages.
bool foreign(const stdfs::path& p) { return present(p) && !is_shim(p); }

Status write_shim(const stdfs::path& file, const std::string& text) {
  std::error_code ec;
  stdfs::create_directories(file.parent_path(), ec);
  if (ec) return io_error("cannot create directory", file.parent_path(), ec);
  auto st = fs::write_file(file, text, {.mode = 0755, .links = fs::Links::replace});
  if (!st) return st;
  // write_file keeps the old file's mode; a shim must be executable.
  ::chmod(file.c_str(), 0755);
  return ok_status();
}

// Whether git tracks `file` in this repository's work tree.
Result<bool> tracked(const git::Repository& repo, const stdfs::path& file) {
  if (repo.is_bare()) return false;
  std::error_code ec, ec2;
  stdfs::path root = stdfs::weakly_canonical(repo.workdir(), ec);
  stdfs::path full = stdfs::weakly_canonical(file.parent_path(), ec2) / file.filename();
  stdfs::path rel = full.lexically_relative(root);
  if (ec || ec2 || rel.empty() || *rel.begin() == "..") return false;
  auto entries = git::index_entries(repo);
  if (!entries) return entries.error();
  std::string path = rel.generic_string();
  return std::any_of(entries->begin(), entries->end(), [&](const git::IndexEntry& e) { return e.path == path; });
}

Result<Action> install_one(const git::Repository& repo, const stdfs::path& dir, const std::string& hook,
                           const std::string& text) {
  stdfs::path file = dir / hook;
  stdfs::path chained = dir / chained_name(hook);
  std::string what = "installed";
  std::error_code ec;
  auto is_tracked = present(file) ? tracked(repo, file) : Result<bool>(false);
  if (!is_tracked) return is_tracked.error();
  if (*is_tracked)
    return Error{"cannot install hook " + quote(hook) + " over " + quote(file.string()) +
                     ": git tracks that file, and keel never renames or rewrites tracked files",
                 "run keel from it instead, with the line: keel hooks run " + hook + " -- \"$@\"", Exit::failed};
  if (is_shim(file)) {
    // A hook that an earlier keel kept under the old name moves to the new
    // one, which the new shim runs.
    stdfs::path old = dir / old_chained_name(hook);
    bool move_old = present(old) && !present(chained);
    auto current = fs::read_file(file);
    if (current && *current == text && !move_old) return Action{hook, "up to date"};
    if (move_old) {
      stdfs::rename(old, chained, ec);
      if (ec) return io_error("cannot rename", old, ec);
    }
    what = "updated";
  } else if (present(file)) {
    if (present(chained))
      return Error{"cannot keep hook " + quote(file.string()) + " as " + quote(chained.string()) +
                       ": that file exists",
                   "move one of them away, then run keel hooks install again", Exit::failed};
    stdfs::rename(file, chained, ec);
    if (ec) return io_error("cannot rename", file, ec);
    what = "installed; the existing hook is kept as " + chained_name(hook) + " and runs first";
  }
  auto st = write_shim(file, text);
  if (!st) return st.error();
  return Action{hook, what};
}

// husky 9 points core.hooksPath at .husky/_, whose scripts all source
// .husky/_/h; h runs .husky/NAME, found from its own path. A shim there
// would take that path, and the user's husky hooks would stop running.
bool husky_dispatchers(stdfs::path dir) {
  dir = dir.lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // ".husky/_/"
  return dir.filename() == "_" && present(dir / "h") && dir.parent_path().filename() == ".husky";
}

// Removes keel's shims in `dir` except those for `keep`, putting .legacy
// hooks back.
Result<std::vector<Action>> remove_shims(const stdfs::path& dir, const std::vector<std::string>& keep) {
  std::vector<Action> actions;
  for (const auto& name : git_hook_names()) {
    std::string hook(name);
    stdfs::path file = dir / hook;
    if (!is_shim(file) || std::find(keep.begin(), keep.end(), hook) != keep.end()) continue;
    std::error_code ec;
    stdfs::remove(file, ec);
    if (ec) return io_error("cannot remove", file, ec);
    stdfs::path chained = dir / chained_name(hook);
    if (!present(chained) && present(dir / old_chained_name(hook))) chained = dir / old_chained_name(hook);
    if (present(chained)) {
      stdfs::rename(chained, file, ec);
      if (ec) return io_error("cannot rename", chained, ec);
      actions.push_back({hook, "removed; " + chained.filename().string() + " put back as " + hook});
    } else {
      actions.push_back({hook, "removed"});
    }
  }
  return actions;
}

}  // namespace

std::string shim_text(const std::string& hook, const std::string& keel_path) {
  std::string h = shell_quote(hook);
  std::string s = "#!/bin/sh\n";
  s += std::string(k_shim_marker) + " (written by 'keel hooks install'; 'keel hooks uninstall' removes it)\n";
  s += "keel=" + shell_quote(keel_path) + "\n";
  s += "[ -x \"$keel\" ] || keel=$(command -v keel 2>/dev/null) || {\n";
  // Hook names are letters, digits, '-' and '_': safe inside the quotes.
  s += "  echo \"keel: error: hook '" + hook + "' needs keel, which is not installed or not on PATH\" >&2\n";
  s += "  echo \"hint: install keel and put it on PATH; git commit --no-verify skips the hook once\" >&2\n";
  s += "  exit 1\n}\n";
  s += "legacy=\"$0.before-keel\"\n";
  if (reads_stdin(hook)) {
    // Both the legacy hook and keel read what git writes to standard input,
    // so the shim keeps a copy.
    s += "if [ -x \"$legacy\" ]; then\n";
    s += "  input=$(mktemp) || exit 1\n";
    s += "  cat >\"$input\"\n";
    s += "  \"$legacy\" \"$@\" <\"$input\" || { status=$?; rm -f \"$input\"; exit $status; }\n";
    s += "  \"$keel\" hooks run " + h + " -- \"$@\" <\"$input\"\n";
    s += "  status=$?; rm -f \"$input\"; exit $status\n";
    s += "fi\n";
  } else {
    s += "if [ -x \"$legacy\" ]; then \"$legacy\" \"$@\" || exit $?; fi\n";
  }
  s += "exec \"$keel\" hooks run " + h + " -- \"$@\"\n";
  return s;
}

bool is_shim(const stdfs::path& file) {
  std::error_code ec;
  if (!stdfs::is_regular_file(stdfs::symlink_status(file, ec))) return false;
  auto text = fs::read_file(file, 64 * 1024);
  if (!text) return false;
  std::size_t first = text->find('\n');
  return first != std::string::npos && text->compare(first + 1, k_shim_marker.size(), k_shim_marker) == 0;
}

Result<HooksDir> hooks_directory(const git::Repository& repo) {
  auto config = git::Config::snapshot(repo);
  if (!config) return config.error();
  auto set = config->get_path("core.hooksPath");
  if (!set) return set.error();
  auto dir = git::hooks_dir(repo, config.value());
  if (!dir) return dir.error();
  bool custom = set->has_value() && !set->value().empty();
  std::error_code ec;
  // core.hooksPath naming the default directory is no custom directory.
  if (custom && stdfs::equivalent(*dir, repo.common_dir() / "hooks", ec)) custom = false;
  return HooksDir{dir.value(), custom};
}

Result<std::vector<Action>> install(const git::Repository& repo, const InstallRequest& request) {
  auto dir = hooks_directory(repo);
  if (!dir) return dir.error();
  if (husky_dispatchers(dir->path))
    return Error{"core.hooksPath is set to " + quote(dir->path.string()) +
                     ", husky's directory: a keel hook there would stop your .husky hooks from running",
                 "run keel from your husky hooks (add 'keel hooks run pre-commit' to .husky/pre-commit), or remove "
                 "husky first ('git config --unset core.hooksPath') and run 'keel hooks install' again",
                 Exit::failed};
  if (dir->custom && !request.force) {
    // A directory that already holds keel's shims was chosen with --force before.
    bool ours = false;
    for (const auto& hook : git_hook_names()) ours = ours || is_shim(dir->path / std::string(hook));
    if (!ours)
      return Error{"core.hooksPath is set to " + quote(dir->path.string()) + ", a directory keel did not set up",
                   "another hook manager may own it: 'git config --unset core.hooksPath' to use git's own "
                   "directory, or 'keel hooks install --force' to install there (its hooks are kept and run first)",
                   Exit::failed};
  }
  std::vector<Action> actions;
  for (const auto& hook : request.hooks) {
    auto a = install_one(repo, dir->path, hook, shim_text(hook, request.keel_path));
    if (!a) return a.error();
    actions.push_back(std::move(a).value());
  }
  if (request.prune) {
    auto removed = remove_shims(dir->path, request.hooks);
    if (!removed) return removed.error();
    for (auto& a : *removed) actions.push_back({a.hook, a.what + " (no longer configured)"});
  }
  return actions;
}

Result<std::vector<Action>> uninstall(const git::Repository& repo) {
  auto dir = hooks_directory(repo);
  if (!dir) return dir.error();
  return remove_shims(dir->path, {});
}

std::string_view to_string(HookState state) {
  switch (state) {
    case HookState::installed: return "installed";
    case HookState::outdated: return "outdated";
    case HookState::missing: return "not installed";
    case HookState::foreign: return "foreign hook";
    case HookState::stale: return "not configured";
  }
  return "";
}

Result<std::vector<StatusLine>> status(const git::Repository& repo, const std::vector<std::string>& configured,
                                       const std::string& keel_path) {
  auto dir = hooks_directory(repo);
  if (!dir) return dir.error();
  std::set<std::string> names(configured.begin(), configured.end());
  for (const auto& name : git_hook_names())
    if (is_shim(dir->path / std::string(name))) names.insert(std::string(name));
  std::vector<StatusLine> out;
  for (const auto& hook : names) {
    stdfs::path file = dir->path / hook;
    bool wanted = std::find(configured.begin(), configured.end(), hook) != configured.end();
    StatusLine line{hook, HookState::installed,
                    present(dir->path / chained_name(hook)) || present(dir->path / old_chained_name(hook))};
    if (!wanted) {
      line.state = HookState::stale;
    } else if (foreign(file)) {
      line.state = HookState::foreign;
    } else if (!present(file)) {
      line.state = HookState::missing;
    } else {
      auto text = fs::read_file(file);
      if (!text || *text != shim_text(hook, keel_path)) line.state = HookState::outdated;
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace keel::hooks
