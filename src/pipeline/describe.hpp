#pragma once
// What `keel run --list`, `--graph` and `--dry-run` print: text built from
// the task specs and a job plan, no I/O.

#include <string>
#include <vector>

#include "pipeline/jobs.hpp"

namespace keel::pipeline {

// Names and descriptions, grouped by the part of the name before ':'.
std::string list_text(const std::vector<TaskSpec>& specs);
// [{"name", "desc", "deps", "jobs"}] in config order.
std::string list_json(const std::vector<TaskSpec>& specs);

// The jobs and their deps: Graphviz dot (an edge from each dep to the job
// that waits for it) or JSON ({"jobs": [{"name", "task", "deps"}]}).
std::string graph_dot(const std::vector<Job>& jobs);
std::string graph_json(const std::vector<Job>& jobs);

}  // namespace keel::pipeline
