#pragma once
// External commands: `keel foo ARGS` runs `keel-foo ARGS` from PATH, with
// KEEL set to this executable (git's and cargo's convention).

#include <optional>
#include <string>
#include <vector>

#include "commands/context.hpp"

namespace keel::cmd {

struct PluginInvocation {
  std::string name;        // "foo"
  std::string executable;  // "/usr/local/bin/keel-foo"
  std::vector<std::string> args;
  std::string directory;   // -C given before the name
};

// Looks at argv before CLI11 does. Returns the plugin to run when the first
// command word is not a built-in command; throws a usage error with a
// suggestion when no keel-<word> exists either.
std::optional<PluginInvocation> find_plugin_invocation(int argc, char** argv);

// Replaces this process with the plugin; returns only on failure.
int run_plugin(const PluginInvocation& plugin, Context& ctx);

std::string self_executable(const char* argv0);

}  // namespace keel::cmd
