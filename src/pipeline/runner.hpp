#pragma once
// Runs a JobPlan: jobs start as soon as their deps have finished, at most
// `jobs` at a time, an interactive one alone; finally jobs run afterwards
// whatever happened, with KEEL_RUN_STATUS set. Output goes to the injected
// streams, whole or line by line (see OutputMode); the results come back
// for the summary and the JUnit report (report.hpp).
//
// Failure: without keep_going no new job starts once one has failed (those
// running finish); with it, only the jobs that depend on a failed one are
// left out. A job whose dep was skipped by its `if` still runs, as make and
// just users expect. A termination signal stops every running job's process
// group (process.hpp), starts nothing more, then runs the finally jobs.

#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "hooks/settings.hpp"
#include "pipeline/job_cache.hpp"
#include "pipeline/jobs.hpp"

namespace keel::pipeline {

enum class OutputMode {
  automatic,  // plain when no two jobs can run at once, else prefixed
  prefixed,   // each line as it comes, after "[job] "
  grouped,    // each job's output whole when it ends
};

enum class CiMarkers { none, github, gitlab };

struct RunOptions {
  std::filesystem::path root;  // the repository's work tree
  unsigned jobs = 1;
  bool keep_going = false;
  OutputMode output = OutputMode::automatic;
  CiMarkers ci = CiMarkers::none;
  std::vector<std::string> shell;  // process.shell
  std::chrono::milliseconds grace_period{5000};
  hooks::RepoState repo;                  // for if: merge, rebase, branch:
  std::map<std::string, std::string> env; // keel's environment, for if: env:
  std::map<std::string, std::string> command_env;  // set for every command first (PATH with keel's directory)
  bool keep_output = false;               // for --report
  bool no_retry = false;                  // --no-retry: the CI retries the job instead
  const CacheSetup* cache = nullptr;      // null: nothing is cached or checked
};

enum class JobState { passed, failed, skipped, up_to_date, restored, timed_out, cancelled, not_run };

struct JobResult {
  std::string name;
  JobState state = JobState::not_run;
  int exit_code = 0;
  std::string why;  // skipped or not run: why; failed: what failed
  std::chrono::steady_clock::duration duration{};
  unsigned attempts = 0;
  bool allowed = false;  // failed, with continue_on_error
  std::string out, err;  // with keep_output: the job's output (the last MiB of each)
  std::string key;       // the cache key, for jobs with inputs
  bool cache_miss = false;  // it has inputs and ran
};

struct RunResult {
  std::vector<JobResult> jobs, finally;
  bool failed = false;     // a job failed without continue_on_error
  bool cancelled = false;  // a termination signal arrived
  std::chrono::steady_clock::duration duration{};
};

RunResult run_plan(const std::vector<TaskSpec>& specs, const JobPlan& plan, const RunOptions& options,
                   std::ostream& out, std::ostream& err);

// What a job's env_file and env declare, in that order (env_file is read
// relative to the job's dir).
Result<Pairs> declared_env(const TaskSpec& spec, const Job& job, const std::filesystem::path& root);

// Why a task's `if` does not hold ("if: env:DEPLOY"), or empty when it does.
std::string unmet_condition(const std::vector<std::string>& conditions, const RunOptions& options);

// True when two of the jobs could run at the same time.
bool has_parallel_jobs(const std::vector<Job>& jobs);

}  // namespace keel::pipeline
