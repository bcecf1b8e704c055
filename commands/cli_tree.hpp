#pragma once
// A plain description of the live CLI11 command tree, from which the shell
// completions and the man pages are generated: one source for all three.

#include <string>
#include <vector>

#include "commands/registry.hpp"

namespace keel::cmd {

struct OptionInfo {
  std::vector<std::string> names;    // "-v", "--verbose"
  std::string value_name;            // "DIR"; empty for flags
  std::vector<std::string> choices;  // "auto", "always", "never"
  std::string description;
  bool takes_value() const { return !value_name.empty(); }
};

struct PositionalInfo {
  std::string name;
  std::string description;
  bool required;
};

struct CommandInfo {
  std::string name;  // "list"
  std::string path;  // "keel config list"
  std::string summary;
  std::string long_description;
  std::vector<OptionInfo> options;
  std::vector<PositionalInfo> positionals;
  std::vector<CommandInfo> children;
};

CommandInfo describe(CLI::App& app, const std::string& parent_path = "");

// The whole tree of this build of keel.
CommandInfo describe_keel();

}  // namespace keel::cmd
