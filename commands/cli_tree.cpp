#include "commands/cli_tree.hpp"

namespace keel::cmd {

namespace {

// CLI11 renders IsMember choices into the type name: "TEXT:{auto,always}".
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  auto open = type_name.find('{');
  auto close = type_name.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::string inner = type_name.substr(open + 1, close - open - 1);
  std::size_t start = 0;
  while (start <= inner.size()) {
    auto comma = inner.find(',', start);
    out.push_back(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string value_name_of(const CLI::Option& opt) {
  std::string t = opt.get_type_name();
  auto colon = t.find(':');
  if (colon != std::string::npos) t = t.substr(0, colon);
  return t.empty() ? "VALUE" : t;
}

void add_options(const CLI::App& app, CommandInfo& info) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional() && !opt->nonpositional()) {
      info.positionals.push_back({opt->get_name(), opt->get_description(), opt->get_required()});
      continue;
    }
    OptionInfo o;
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    // Option groups repeat their parent's help flags.
    bool seen = false;
    for (const auto& existing : info.options) seen = seen || existing.names == o.names;
    if (seen) continue;
    if (opt->get_expected_max() != 0 && opt->get_type_size_max() != 0) {
      o.value_name = value_name_of(*opt);
      o.choices = choices_of(opt->get_type_name());
    }
    o.description = opt->get_description();
    info.options.push_back(std::move(o));
  }
}

}  // namespace

CommandInfo describe(CLI::App& app, const std::string& parent_path) {
  CommandInfo info;
  info.name = app.get_name();
  info.path = parent_path.empty() ? app.get_name() : parent_path + " " + app.get_name();
  info.summary = app.get_description();
  if (const std::string* text = long_description(&app)) info.long_description = *text;
  add_options(app, info);
  for (CLI::App* sub : app.get_subcommands(std::function<bool(CLI::App*)>{})) {
    if (sub->get_name().empty()) {
      add_options(*sub, info);  // an option group: its options are the parent's
      continue;
    }
    info.children.push_back(describe(*sub, info.path));
  }
  return info;
}

CommandInfo describe_keel() {
  GlobalOptions globals;
  Runner runner;
  const CommandSpec* spec = nullptr;
  auto app = build_app(globals, runner, &spec);
  return describe(*app);
}

}  // namespace keel::cmd
