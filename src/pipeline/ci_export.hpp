#pragma once
// keel ci export: the task graph as a GitHub Actions workflow or a GitLab CI
// pipeline, one CI job per task, each running `keel run --only JOB` on a
// fresh machine and sharing results through the remote cache. Pure logic:
// specs in, YAML text out (yaml-cpp writes it, so no name or value from
// keel.toml is ever pasted into YAML or a script by hand).
//
// Mapping:
//   deps               needs (GitLab: stages by depth as well)
//   matrix             the CI's own matrix: one entry per keel job, KEEL_JOB
//                      set to its name ("build[target=x86_64]")
//   timeout            timeout-minutes / timeout, a minute above keel's own,
//                      so that keel stops the task and reports first
//   continue_on_error  continue-on-error / allow_failure
//   retries            GitLab's retry (at most 2; keel runs with --no-retry);
//                      GitHub has none, so keel retries inside the job
//   finally            jobs that always run after the tasks naming them
//   remote cache       KEEL_CACHE__REMOTE__URL from the CI variable
//                      KEEL_CACHE_URL, the token from the secret
//                      KEEL_CACHE_TOKEN; pull requests only read
// The same graph gives the same bytes.

#include <string>
#include <vector>

#include "core/error.hpp"
#include "pipeline/tasks.hpp"

namespace keel::pipeline {

enum class CiSystem { github, gitlab };

struct CiSettings {
  std::string keel = "keel";              // ci.keel: how a job starts keel
  std::vector<std::string> setup;         // ci.setup: commands run before it
  std::string runs_on = "ubuntu-latest";  // ci.github.runs_on
  std::string command;                    // the export command, for the header
};

// The tasks `wanted` names (all when empty) with their deps and finally
// tasks. Refused (Exit::config, at the task's file:line:col): an
// interactive task (a CI job has no terminal); on GitHub, two tasks whose
// names map to the same job id.
Result<std::string> export_ci(const std::vector<TaskSpec>& specs, const std::vector<std::string>& wanted,
                              CiSystem system, const CiSettings& settings);

}  // namespace keel::pipeline
