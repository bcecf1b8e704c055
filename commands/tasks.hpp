#pragma once
// The [tasks.NAME] tables of the configuration, read and checked once for
// the commands that use them (keel run, keel ci).

#include <vector>

#include "commands/context.hpp"
#include "pipeline/jobs.hpp"
#include "pipeline/tasks.hpp"

namespace keel::cmd {

inline std::vector<pipeline::TaskSpec> configured_tasks(const Context& ctx) {
  std::vector<pipeline::TaskSpec> specs;
  if (const config::Value* tasks = ctx.config.find("tasks")) specs = pipeline::tasks_from(*tasks).value_or_throw();
  pipeline::check_tasks(specs).value_or_throw();
  return specs;
}

// Runs the named tasks as `keel run NAME...` would (keel dist's before):
// the exit status of that run.
int run_tasks(Context& ctx, const std::vector<std::string>& names);

}  // namespace keel::cmd
