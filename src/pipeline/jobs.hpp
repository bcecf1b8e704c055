#pragma once
// From task specs and a command line to jobs: the tasks `keel run` needs,
// each matrix task split into one job per combination, with every template
// filled in. Pure logic: the runner (runner.hpp) starts the processes.
//
// Templates: {args} (the words after --, for the tasks named on the command
// line), {vars.NAME} and {matrix.KEY}. In `run` their values are the shell
// script's positional parameters, never script text (hooks/template.hpp);
// in `dir` and `env` they are plain text, since no shell reads those.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "hooks/template.hpp"
#include "pipeline/tasks.hpp"

namespace keel::pipeline {

// What the command line asks for.
struct Invocation {
  // In order; never empty here (run.default is the caller's). A matrix
  // job's name ("build[target=x86_64]") picks that one job of its task.
  std::vector<std::string> tasks;
  Pairs vars;                      // VAR=value words
  std::vector<std::string> args;   // after --
  // --only: the named tasks run, their deps do not; a dep's outputs are
  // restored when the cache has them (a CI job on a fresh machine).
  bool only = false;
};

struct Job {
  std::string name;  // "build", "build[target=x86_64]"
  std::size_t task;  // index into the specs
  Combination values;
  std::vector<hooks::ShellCall> commands;
  std::vector<std::string> shown;  // the same for people: values shell-quoted in the text
  std::string dir;  // relative to the repository root; "" is the root
  Pairs env;
  std::vector<std::size_t> deps;  // indexes of jobs that finish first
  bool restore_only = false;       // --only's deps: restored from the cache or left alone, never run
};

struct JobPlan {
  std::vector<Job> jobs;     // each after its deps
  std::vector<Job> finally;  // run after the graph, whatever happened; not already in jobs
};

// The graph's nodes: each task with its deps.
std::vector<TaskNode> task_nodes(const std::vector<TaskSpec>& specs);

// Checks every task's templates (unknown ones get did-you-mean), the
// graph's cycles and missing deps, and `finally` names, for all tasks at
// once: a broken task is an error even when another one is run.
Status check_tasks(const std::vector<TaskSpec>& specs);

// The jobs of one invocation. A VAR=value that no planned task declares is
// an error (Exit::usage, did-you-mean), as is an unknown task name.
Result<JobPlan> plan_jobs(const std::vector<TaskSpec>& specs, const Invocation& call);

}  // namespace keel::pipeline
