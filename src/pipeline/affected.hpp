#pragma once
// keel run --affected: of a job plan, only the jobs whose inputs hold a
// changed file, and the jobs that depend on them, as Nx's `affected` and
// Turborepo's --filter=[REF] choose. Pure logic: the changed files come
// from git (git::changed_since).

#include <map>
#include <string>
#include <vector>

#include "pipeline/jobs.hpp"

namespace keel::pipeline {

struct AffectedPlan {
  JobPlan plan;                              // the chosen jobs, deps among them kept
  std::map<std::string, std::string> why;    // job name -> "input src/a.c changed", "depends on build"
};

// `changed` holds paths relative to the repository root. A job without
// inputs is chosen only through a dep. Finally jobs stay as they are.
AffectedPlan affected_jobs(const std::vector<TaskSpec>& specs, const JobPlan& plan,
                           const std::vector<std::string>& changed);

}  // namespace keel::pipeline
