#include "commands/plugins.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "commands/registry.hpp"
#include "core/spell.hpp"

namespace keel::cmd {

namespace {

// Global options that take a value in the next argument.
bool takes_value(std::string_view arg) {
  return arg == "-C" || arg == "-c" || arg == "--config" || arg == "--color" || arg == "--log-format";
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::string_view rest(path);
  while (true) {
    std::size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

}  // namespace

std::string self_executable(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return p.string();
  return argv0 ? argv0 : "keel";
}

std::optional<PluginInvocation> find_plugin_invocation(int argc, char** argv) {
  std::string directory;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (takes_value(arg)) {
      if (arg == "-C" && i + 1 < argc) directory = argv[i + 1];
      ++i;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') continue;  // a flag, or --opt=value, or -Cdir
    if (find_command(arg) || arg == "help") return std::nullopt;

    std::string name(arg);
    if (auto exe = find_in_path("keel-" + name)) {
      PluginInvocation p{name, *exe, {}, directory};
      for (int j = i + 1; j < argc; ++j) p.args.emplace_back(argv[j]);
      return p;
    }
    std::vector<std::string> names;
    for (const auto& c : command_table()) names.emplace_back(c.name);
    std::string suggestion = closest_match(name, names);
    throw usage_error("unknown command " + quote(name),
                      suggestion.empty() ? "see 'keel --help' for the list of commands"
                                         : "did you mean " + quote(suggestion) + "?");
  }
  return std::nullopt;
}

int run_plugin(const PluginInvocation& plugin, Context& ctx) {
  if (!plugin.directory.empty() && ::chdir(plugin.directory.c_str()) != 0)
    throw usage_error("cannot change to directory " + quote(plugin.directory) + ": " + std::strerror(errno));
  ::setenv("KEEL", ctx.self_path.c_str(), 1);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(plugin.executable.c_str()));
  for (const auto& a : plugin.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ctx.out.flush();
  ::execv(plugin.executable.c_str(), argv.data());
  throw usage_error("cannot run plugin " + quote(plugin.executable) + ": " + std::strerror(errno));
}

}  // namespace keel::cmd
