#pragma once
// The command table: the one place where a command is registered.
//
// How to add a command:
//   1. Write commands/<group>.cpp with `void setup_<group>(CLI::App&, Runner&)`:
//      declare an options struct, bind it, and in the callback only record
//      the run function (`chosen = [opts](Context& ctx) { ... }`).
//   2. Put the work in src/ (no CLI11 there), with unit tests in tests/unit/.
//   3. Add one row to k_commands in commands/registry.cpp, sorted by name,
//      with the setup function and what the command needs.
//   4. Declare any config keys in src/config/keys/<group>.cpp.
//   5. Add integration tests in tests/cli/test_<group>.py.
//   6. Regenerate completions and man pages: `meson compile -C build
//      update-docs`; the `docs` test fails while they are stale.
//   7. Describe the command in ARCHITECTURE.md if it adds a folder.

#include <CLI/CLI.hpp>

#include <functional>
#include <span>
#include <string>

#include "commands/context.hpp"

namespace keel::cmd {

using RunFn = std::function<int(Context&)>;
// Set by the chosen (sub)command's callback during parsing.
using Runner = RunFn;

enum Needs : unsigned {
  k_needs_nothing = 0,
  k_loads_config = 1u << 0,    // load the layered config before running
  k_needs_repo = 1u << 1,      // fail outside a git repository
  k_tolerates_bad_config = 1u << 2,  // runs even when the config has errors
  k_wants_repo = 1u << 3,      // open the repository when there is one
};

struct CommandSpec {
  const char* name;
  const char* summary;
  void (*setup)(CLI::App& app, Runner& chosen);
  unsigned needs;
};

std::span<const CommandSpec> command_table();
const CommandSpec* find_command(std::string_view name);

// Longer text for man pages, attached to an App by its setup function.
void set_long_description(const CLI::App* app, std::string text);
const std::string* long_description(const CLI::App* app);

// Builds the whole command tree; used by main, completions and man pages.
// With `only`, the tree has that command alone: enough to parse a command
// line that names it, which is all main uses it for (a parse that fails is
// redone on the whole tree, so that errors and help are the same). With
// `only_sub` too, a group that asks wanted_subcommand() declares that
// subcommand alone.
std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Runner& chosen, const CommandSpec** chosen_spec,
                                    std::string_view only = {}, std::string_view only_sub = {});

// For a group's setup function: whether to declare the subcommand `name`
// in the tree being built (always, but while build_app's only_sub names
// another). A hook run built hooks' six subcommands to parse one.
bool wanted_subcommand(std::string_view name);

}  // namespace keel::cmd
