#include "commands/registry.hpp"

#include <map>

#include "commands/groups.hpp"

namespace keel::cmd {

namespace {

// Sorted by name; checked by tests/unit/test_commands_registry.cpp.
const CommandSpec k_commands[] = {
    {"cache", "Show, trim and remove keel run's cache", setup_cache, k_loads_config},
    {"ci", "Export the tasks as GitHub Actions or GitLab CI jobs, and check the export", setup_ci,
     k_loads_config},
    {"commit", "Check commit messages against Conventional Commits", setup_commit,
     k_loads_config | k_wants_repo},
    {"completions", "Print a shell completion script", setup_completions, k_needs_nothing},
    {"config", "Show, check and change keel's layered configuration", setup_config,
     k_loads_config | k_tolerates_bad_config},
    {"dist", "Build the release's archives, checksums, signatures and manifest", setup_dist, k_loads_config},
    {"hooks", "Install git hooks and run their commands", setup_hooks, k_loads_config | k_needs_repo},
    {"key", "Make and show minisign key pairs", setup_key, k_needs_nothing},
    {"man", "Print keel's manual pages in roff", setup_man, k_needs_nothing},
    {"release", "Compute the next version, write the changelog, bump, commit and tag", setup_release,
     k_loads_config | k_needs_repo},
    {"run", "Run the repository's tasks in dependency order, in parallel", setup_run, k_loads_config},
    {"self", "Check for, install and undo signed updates of keel itself", setup_self, k_loads_config},
    {"semver", "Check, compare, sort and bump semantic versions", setup_semver, k_needs_nothing},
    {"sign", "Sign files with a minisign key", setup_sign, k_needs_nothing},
    {"verify", "Check a file's minisign signature", setup_verify, k_needs_nothing},
};

std::map<const CLI::App*, std::string>& long_descriptions() {
  static std::map<const CLI::App*, std::string> m;
  return m;
}

}  // namespace

std::span<const CommandSpec> command_table() { return k_commands; }

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : k_commands)
    if (name == c.name) return &c;
  return nullptr;
}

void set_long_description(const CLI::App* app, std::string text) { long_descriptions()[app] = std::move(text); }

const std::string* long_description(const CLI::App* app) {
  auto it = long_descriptions().find(app);
  return it == long_descriptions().end() ? nullptr : &it->second;
}

namespace {

std::string_view g_only_sub;  // build_app's only_sub while a tree is built

}  // namespace

bool wanted_subcommand(std::string_view name) { return g_only_sub.empty() || g_only_sub == name; }

std::unique_ptr<CLI::App> build_app(GlobalOptions& g, Runner& chosen, const CommandSpec** chosen_spec,
                                    std::string_view only, std::string_view only_sub) {
  long_descriptions().clear();  // texts of an earlier tree would point at freed Apps
  auto app = std::make_unique<CLI::App>("keel: a repository's DevOps in one binary", "keel");
  app->fallthrough();
  // At most one command: a later word such as `keel man config` is then an
  // argument, not a second command.
  app->require_subcommand(0, 1);
  app->set_help_all_flag("--help-all", "Show help for every command");
  app->add_option("-C", g.directory, "Run as if keel was started in DIR")->type_name("DIR");
  app->add_option("-c", g.overrides, "Set a config value for this run (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  app->add_option("--config", g.config_files, "Read this config file after the others (repeatable; - reads TOML from standard input)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app->add_flag("-v,--verbose", g.verbose, "More output: -v info, -vv debug");
  app->add_flag("-q,--quiet", g.quiet, "Only errors");
  app->add_option("--color", g.color, "Colour output")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app->add_option("--log-format", g.log_format, "Log line format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app->add_flag("--version", g.version, "Print version and build facts (with -v, library versions)");
  set_long_description(app.get(),
                       "keel does a repository's DevOps work from one static binary. Every command "
                       "reads one layered configuration: built-in defaults, /etc/keel/config.toml, "
                       "the user's ~/.config/keel/config.toml, the project's keel.toml, keel.local.toml, "
                       "KEEL_<SECTION>__<KEY> variables, --config files and -c overrides, in rising priority.\n\n"
                       "An unknown command NAME runs keel-NAME from PATH with the remaining arguments "
                       "and KEEL set to keel's own path.");

  for (const auto& spec : k_commands) {
    if (!only.empty() && only != spec.name) continue;
    CLI::App* sub = app->add_subcommand(spec.name, spec.summary);
    g_only_sub = only.empty() ? std::string_view() : only_sub;
    spec.setup(*sub, chosen);
    g_only_sub = {};
    const CommandSpec* s = &spec;
    sub->preparse_callback([chosen_spec, s](std::size_t) { *chosen_spec = s; });
  }
  return app;
}

}  // namespace keel::cmd
