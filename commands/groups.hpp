#pragma once
// Setup functions of the command groups, one per file in commands/.

#include "commands/registry.hpp"

namespace keel::cmd {

void setup_cache(CLI::App& app, Runner& chosen);
void setup_ci(CLI::App& app, Runner& chosen);
void setup_dist(CLI::App& app, Runner& chosen);
void setup_commit(CLI::App& app, Runner& chosen);
void setup_completions(CLI::App& app, Runner& chosen);
void setup_config(CLI::App& app, Runner& chosen);
void setup_hooks(CLI::App& app, Runner& chosen);
void setup_key(CLI::App& app, Runner& chosen);
void setup_man(CLI::App& app, Runner& chosen);
void setup_release(CLI::App& app, Runner& chosen);
void setup_run(CLI::App& app, Runner& chosen);
void setup_self(CLI::App& app, Runner& chosen);
// After a command: the daily update notice (commands/self.cpp).
void notify_about_updates(Context& ctx, std::string_view command);
void setup_semver(CLI::App& app, Runner& chosen);
void setup_sign(CLI::App& app, Runner& chosen);
void setup_verify(CLI::App& app, Runner& chosen);

}  // namespace keel::cmd
