#pragma once
// [tasks.NAME] tables read into plain structs, every value checked once,
// each error with the file:line:col of the value. Pure logic over
// config::Value: `keel run` (not registered yet) will take the tables from
// the shared loader.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"
#include "pipeline/graph.hpp"

namespace keel::pipeline {

using Pairs = std::vector<std::pair<std::string, std::string>>;  // in the config's order

struct TaskSpec {
  std::string name;
  std::vector<std::string> run;  // shell commands, in order; a string is a list of one; none with deps
  std::string desc;
  std::vector<std::string> deps;
  std::string dir;  // relative to the repository root; empty: the root
  Pairs env;
  std::string env_file;
  std::vector<std::string> shell;  // empty: process.shell
  bool interactive = false;
  Pairs vars;  // defaults, overridden by VAR=value on the command line
  Matrix matrix;
  std::optional<std::chrono::milliseconds> timeout;
  unsigned retries = 0;
  std::chrono::milliseconds retry_delay{1000};  // doubled after each retry
  bool continue_on_error = false;
  std::vector<std::string> conditions;  // `if`: env:NAME, file:PATH, branch:GLOB, merge, rebase
  std::vector<std::string> finally;
  std::vector<std::string> inputs, outputs;
  config::Origin origin;  // where the table is
};

// The keys a task table may have, for did-you-mean.
const std::vector<std::string>& task_keys();

// Every task of a [tasks] table, in its order.
Result<std::vector<TaskSpec>> tasks_from(const config::Value& tasks);

}  // namespace keel::pipeline
