#pragma once
// The task graph of `keel run`, as pure logic: matrix expansion into jobs
// and the order tasks run in. Reading [tasks.*] from the configuration and
// running processes happen elsewhere; errors here name tasks, and the
// caller adds where in keel.toml they are.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace keel::pipeline {

// One job's matrix values: key and value, in the matrix's key order, then
// keys that only an include entry adds, in that entry's order.
using Combination = std::vector<std::pair<std::string, std::string>>;

struct Matrix {
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;  // in the config's order
  std::vector<Combination> include;                                    // matrix_include
  std::vector<Combination> exclude;                                    // matrix_exclude
  bool empty() const { return axes.empty() && include.empty(); }
};

// At most this many combinations from the axes, and as many include entries.
inline constexpr std::size_t k_max_matrix_jobs = 256;

// A task's jobs' combinations, as GitHub Actions expands strategy.matrix:
// every combination of the axes (the first key varying slowest), minus
// those that match an exclude entry on all of its keys; then each include
// entry is added to every combination whose axis values it does not
// change, or becomes a combination of its own when it fits none. A matrix
// without axes and includes is one job with no values. An empty axis, or an
// exclude key that is no axis, or more than k_max_matrix_jobs combinations,
// is an error (Exit::config).
Result<std::vector<Combination>> expand(const Matrix& matrix, std::string_view task);

// "build[target=x86_64,profile=debug]"; the task's name alone without values.
std::string job_name(std::string_view task, const Combination& values);

struct TaskNode {
  std::string name;
  std::vector<std::string> deps;
};

struct Plan {
  std::vector<std::string> tasks;              // what runs, each after its deps; config order among equals
  std::vector<std::vector<std::size_t>> deps;  // per task: indexes into tasks
};

// The tasks that `wanted` needs: those named and, transitively, their deps
// (only = true: exactly those named). Each task appears once. Errors: an
// unknown name (Exit::usage, with did-you-mean), a dep that does not exist
// (Exit::config, naming both tasks), a cycle (Exit::config, with its path:
// "a -> b -> a").
Result<Plan> plan(const std::vector<TaskNode>& all, const std::vector<std::string>& wanted, bool only = false);

}  // namespace keel::pipeline
