#pragma once
// What a running command gets: its output streams, the global options, the
// environment, the loaded configuration and, when it needs one, the
// repository. Commands write only to ctx.out and ctx.err.

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "git/git.hpp"

namespace keel::cmd {

struct GlobalOptions {
  std::string directory;                  // -C
  std::vector<std::string> overrides;     // -c key=value
  std::vector<std::string> config_files;  // --config FILE
  int verbose = 0;                        // -v, -vv
  bool quiet = false;                     // -q
  std::string color;                      // --color; empty: config decides
  std::string log_format;                 // --log-format; empty: config decides
  bool version = false;                   // --version
};

struct Context {
  Context(std::ostream& o, std::ostream& e) : out(o), err(e) {}
  std::ostream& out;
  std::ostream& err;
  std::istream& in = std::cin;  // commands read standard input only through this
  GlobalOptions globals;
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;
  std::string self_path;  // this executable, for plugins and hook shims
  bool color = false;
  config::Config config;
  std::optional<std::filesystem::path> project_root;  // the work tree root, if any
  std::shared_ptr<git::Library> git_library;
  std::optional<git::Repository> repo;  // set when the command needs one, or by repository()
  bool looked_for_repo = false;
  std::vector<std::string> after_separator;  // keel run: the words after --
};

// `run = "keel commit lint {1}"` works even where keel is not on PATH (a GUI
// client, a shim that found keel by its full path): keel's directory goes
// last on the commands' PATH, where it shadows nothing.
inline std::map<std::string, std::string> command_environment(const Context& ctx) {
  std::map<std::string, std::string> env;
  std::string dir = std::filesystem::path(ctx.self_path).parent_path().string();
  auto it = ctx.env.find("PATH");
  std::string path = it == ctx.env.end() ? std::string() : it->second;
  if (dir.empty() || (":" + path + ":").find(":" + dir + ":") != std::string::npos) return env;
  env["PATH"] = path.empty() ? dir : path + ":" + dir;
  return env;
}


// keel run's cache: cache.dir, else $XDG_CACHE_HOME/keel, else ~/.cache/keel.
inline std::filesystem::path cache_directory(const Context& ctx) {
  std::string configured = ctx.config.get_string("cache.dir");
  if (!configured.empty()) {
    std::filesystem::path p = configured;
    return p.is_absolute() ? p : ctx.cwd / p;
  }
  auto xdg = ctx.env.find("XDG_CACHE_HOME");
  if (xdg != ctx.env.end() && !xdg->second.empty() && xdg->second.front() == '/')
    return std::filesystem::path(xdg->second) / "keel";
  auto home = ctx.env.find("HOME");
  return std::filesystem::path(home == ctx.env.end() ? "/" : home->second) / ".cache" / "keel";
}

// The repository around the current directory, opened on first use, for
// commands that need it only sometimes (keel run: for if conditions, the
// cache, --affected); null outside one.
inline git::Repository* repository(Context& ctx) {
  if (!ctx.repo && !ctx.looked_for_repo) {
    ctx.looked_for_repo = true;
    if (!ctx.git_library) ctx.git_library = std::make_shared<git::Library>();
    if (auto repo = git::Repository::discover(ctx.cwd)) ctx.repo.emplace(std::move(repo).value());
  }
  return ctx.repo ? &*ctx.repo : nullptr;
}

}  // namespace keel::cmd
