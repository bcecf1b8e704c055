#include "pipeline/ci_export.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "pipeline/graph.hpp"
#include "pipeline/jobs.hpp"

namespace keel::pipeline {

namespace {

// One CI job: a task with what the CI needs to know about it.
struct CiJob {
  const TaskSpec* spec;
  std::vector<std::string> keel_jobs;  // the task's keel jobs; more than one: a matrix
  std::vector<std::size_t> needs;      // indexes into the job list
  std::size_t depth = 0;               // longest chain of needs below it
  bool finally = false;                // always runs, after the tasks naming it
};

Error refused(const TaskSpec& t, const std::string& why, std::string hint = {}) {
  return Error{t.origin.describe() + ": task " + quote(t.name) + " " + why, std::move(hint), Exit::config};
}

const TaskSpec& spec_named(const std::vector<TaskSpec>& specs, const std::string& name) {
  return *std::find_if(specs.begin(), specs.end(), [&](const TaskSpec& s) { return s.name == name; });
}

bool named_in_finally(const std::string& name, const std::vector<std::string>& tasks,
                      const std::vector<TaskSpec>& specs) {
  for (const auto& t : tasks)
    for (const auto& f : spec_named(specs, t).finally)
      if (f == name) return true;
  return false;
}

bool a_dep(const std::string& name, const std::vector<std::string>& tasks, const std::vector<TaskSpec>& specs) {
  for (const auto& t : tasks)
    for (const auto& d : spec_named(specs, t).deps)
      if (d == name) return true;
  return false;
}

// The jobs in the order of the graph: the wanted tasks and their deps, then
// the finally tasks not among them (with their own deps).
Result<std::vector<CiJob>> ci_jobs(const std::vector<TaskSpec>& specs, const std::vector<std::string>& wanted) {
  std::vector<std::string> names = wanted;
  if (names.empty())
    for (const auto& s : specs) names.push_back(s.name);
  auto main = plan(task_nodes(specs), names);
  if (!main) return main.error();
  std::vector<std::string> finals;
  for (const auto& name : main->tasks)
    for (const auto& f : spec_named(specs, name).finally)
      if (std::find(main->tasks.begin(), main->tasks.end(), f) == main->tasks.end() &&
          std::find(finals.begin(), finals.end(), f) == finals.end())
        finals.push_back(f);
  std::vector<std::string> all = main->tasks;
  std::vector<std::vector<std::size_t>> deps = main->deps;
  if (!finals.empty()) {
    std::vector<std::string> both = names;
    both.insert(both.end(), finals.begin(), finals.end());
    auto full = plan(task_nodes(specs), both);
    if (!full) return full.error();
    all = full->tasks;
    deps = full->deps;
  }
  std::vector<CiJob> jobs;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const TaskSpec& t = spec_named(specs, all[i]);
    if (t.interactive)
      return refused(t, "is interactive, and a CI job has no terminal",
                     "export the tasks that can run in CI: keel ci export SYSTEM TASK...");
    CiJob j;
    j.spec = &t;
    auto combos = expand(t.matrix, t.name);
    if (!combos) return refused(t, combos.error().message);
    for (const auto& c : *combos) j.keel_jobs.push_back(job_name(t.name, c));
    j.needs = deps[i];
    j.finally = named_in_finally(t.name, all, specs) && !a_dep(t.name, all, specs);
    index[t.name] = jobs.size();
    jobs.push_back(std::move(j));
  }
  // A finally job also waits for the tasks that name it.
  for (auto& j : jobs) {
    if (!j.finally) continue;
    for (const auto& other : jobs)
      if (!other.finally && std::count(other.spec->finally.begin(), other.spec->finally.end(), j.spec->name))
        j.needs.push_back(index.at(other.spec->name));
    std::sort(j.needs.begin(), j.needs.end());
    j.needs.erase(std::unique(j.needs.begin(), j.needs.end()), j.needs.end());
  }
  // A finally job's needs may come later in the list: relax until no depth
  // changes (the needs form no cycle, so at most one pass per job).
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& j : jobs)
      for (std::size_t n : j.needs)
        if (j.depth < jobs[n].depth + 1) {
          j.depth = jobs[n].depth + 1;
          changed = true;
        }
  }
  return jobs;
}

// GitHub job ids: letters, digits, '-' and '_', starting with a letter or '_'.
std::string github_id(const std::string& name) {
  std::string id;
  for (char c : name) id += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
  if (id.empty() || !(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) id = "_" + id;
  return id;
}

long minutes_above(std::chrono::milliseconds timeout) {
  return static_cast<long>((timeout.count() + 59'999) / 60'000) + 1;
}

std::string keel_command(const CiSettings& s, bool no_retry) {
  return s.keel + " run --only \"$KEEL_JOB\"" + (no_retry ? " --no-retry" : "");
}

std::string header(const CiSettings& s) {
  return "# Generated by `" + s.command + "`: do not edit.\n"
         "# Change the tasks in keel.toml and run it again; `keel ci check` tells when this file is stale.\n";
}

// The jobs by depth, in the graph's order among equals.
std::vector<std::size_t> emission_order(const std::vector<CiJob>& jobs) {
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return jobs[a].depth < jobs[b].depth; });
  return order;
}

Result<std::string> github(const std::vector<CiJob>& jobs, const CiSettings& s) {
  std::vector<std::string> ids;
  std::map<std::string, const TaskSpec*> taken;
  for (const auto& j : jobs) {
    std::string id = github_id(j.spec->name);
    if (auto [it, fresh] = taken.emplace(id, j.spec); !fresh)
      return refused(*j.spec, "and task " + quote(it->second->name) + " would both be the GitHub job " + quote(id),
                     "rename one of them");
    ids.push_back(id);
  }
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << "keel";
  y << YAML::Key << "on" << YAML::Value << YAML::Flow << YAML::BeginSeq << "push" << "pull_request" << YAML::EndSeq;
  y << YAML::Key << "env" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "KEEL_CACHE__REMOTE__URL" << YAML::Value << "${{ vars.KEEL_CACHE_URL }}";
  y << YAML::Key << "KEEL_CACHE__REMOTE__TOKEN_ENV" << YAML::Value << "KEEL_CACHE_TOKEN";
  y << YAML::Key << "KEEL_CACHE_TOKEN" << YAML::Value << "${{ secrets.KEEL_CACHE_TOKEN }}";
  y << YAML::Key << "KEEL_CACHE__REMOTE__UPLOAD" << YAML::Value << "${{ github.event_name != 'pull_request' }}";
  y << YAML::EndMap;
  y << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
  for (std::size_t i : emission_order(jobs)) {
    const CiJob& j = jobs[i];
    const TaskSpec& t = *j.spec;
    y << YAML::Key << ids[i] << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "name" << YAML::Value << t.name;
    y << YAML::Key << "runs-on" << YAML::Value << s.runs_on;
    if (!j.needs.empty()) {
      y << YAML::Key << "needs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (std::size_t n : j.needs) y << ids[n];
      y << YAML::EndSeq;
    }
    if (j.finally) y << YAML::Key << "if" << YAML::Value << "${{ always() }}";
    if (t.timeout) y << YAML::Key << "timeout-minutes" << YAML::Value << minutes_above(*t.timeout);
    if (t.continue_on_error) y << YAML::Key << "continue-on-error" << YAML::Value << true;
    bool matrix = !t.matrix.empty();
    if (matrix) {
      y << YAML::Key << "strategy" << YAML::Value << YAML::BeginMap;
      y << YAML::Key << "fail-fast" << YAML::Value << false;
      y << YAML::Key << "matrix" << YAML::Value << YAML::BeginMap << YAML::Key << "include" << YAML::Value
        << YAML::BeginSeq;
      for (const auto& name : j.keel_jobs) y << YAML::BeginMap << YAML::Key << "job" << YAML::Value << name << YAML::EndMap;
      y << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    }
    y << YAML::Key << "env" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "KEEL_JOB" << YAML::Value << (matrix ? std::string("${{ matrix.job }}") : t.name);
    if (j.finally)
      y << YAML::Key << "KEEL_RUN_STATUS" << YAML::Value
        << "${{ contains(needs.*.result, 'cancelled') && 'cancelled' || "
           "(contains(needs.*.result, 'failure') && 'failure' || 'success') }}";
    y << YAML::EndMap;
    y << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
    y << YAML::BeginMap << YAML::Key << "uses" << YAML::Value << "actions/checkout@v4" << YAML::EndMap;
    for (const auto& step : s.setup) y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << step << YAML::EndMap;
    y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << keel_command(s, false) << YAML::EndMap;
    y << YAML::EndSeq;
    y << YAML::EndMap;
  }
  y << YAML::EndMap << YAML::EndMap;
  return header(s) + y.c_str() + "\n";
}

bool gitlab_reserved(const std::string& name) {
  static const std::set<std::string> reserved{"image", "services", "stages", "types", "before_script",
                                              "after_script", "variables", "cache", "include", "workflow",
                                              "default", "pages"};
  return reserved.count(name) || name.empty() || name[0] == '.';
}

Result<std::string> gitlab(const std::vector<CiJob>& jobs, const CiSettings& s) {
  std::size_t stages = 0;
  for (const auto& j : jobs) {
    if (gitlab_reserved(j.spec->name))
      return refused(*j.spec, "has a name GitLab CI keeps for itself", "rename it");
    stages = std::max(stages, j.depth + 1);
  }
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "stages" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (std::size_t i = 0; i < stages; ++i) y << "keel-" + std::to_string(i + 1);
  y << YAML::EndSeq;
  y << YAML::Key << "variables" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "KEEL_CACHE__REMOTE__URL" << YAML::Value << "$KEEL_CACHE_URL";
  y << YAML::Key << "KEEL_CACHE__REMOTE__TOKEN_ENV" << YAML::Value << "KEEL_CACHE_TOKEN";
  y << YAML::EndMap;
  y << YAML::Key << "workflow" << YAML::Value << YAML::BeginMap << YAML::Key << "rules" << YAML::Value
    << YAML::BeginSeq;
  y << YAML::BeginMap << YAML::Key << "if" << YAML::Value << "$CI_PIPELINE_SOURCE == \"merge_request_event\"";
  y << YAML::Key << "variables" << YAML::Value << YAML::BeginMap << YAML::Key << "KEEL_CACHE__REMOTE__UPLOAD"
    << YAML::Value << YAML::DoubleQuoted << "false" << YAML::EndMap << YAML::EndMap;
  y << YAML::BeginMap << YAML::Key << "when" << YAML::Value << "always" << YAML::EndMap;
  y << YAML::EndSeq << YAML::EndMap;
  for (std::size_t i : emission_order(jobs)) {
    const CiJob& j = jobs[i];
    const TaskSpec& t = *j.spec;
    y << YAML::Key << t.name << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "stage" << YAML::Value << "keel-" + std::to_string(j.depth + 1);
    y << YAML::Key << "needs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (std::size_t n : j.needs) y << jobs[n].spec->name;
    y << YAML::EndSeq;
    if (j.finally) y << YAML::Key << "when" << YAML::Value << "always";
    if (t.timeout)
      y << YAML::Key << "timeout" << YAML::Value << std::to_string(std::max(10L, minutes_above(*t.timeout))) + "m";
    if (t.continue_on_error) y << YAML::Key << "allow_failure" << YAML::Value << true;
    bool ci_retries = t.retries > 0 && t.retries <= 2;
    if (ci_retries) {
      y << YAML::Key << "retry" << YAML::Value << YAML::BeginMap << YAML::Key << "max" << YAML::Value << t.retries
        << YAML::Key << "when" << YAML::Value << YAML::Flow << YAML::BeginSeq << "script_failure" << YAML::EndSeq
        << YAML::EndMap;
    }
    if (!t.matrix.empty()) {
      y << YAML::Key << "parallel" << YAML::Value << YAML::BeginMap << YAML::Key << "matrix" << YAML::Value
        << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "KEEL_JOB" << YAML::Value << YAML::BeginSeq;
      for (const auto& name : j.keel_jobs) y << name;
      y << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    } else {
      y << YAML::Key << "variables" << YAML::Value << YAML::BeginMap << YAML::Key << "KEEL_JOB" << YAML::Value
        << t.name << YAML::EndMap;
    }
    y << YAML::Key << "script" << YAML::Value << YAML::BeginSeq;
    for (const auto& step : s.setup) y << step;
    y << keel_command(s, ci_retries);
    y << YAML::EndSeq;
    y << YAML::EndMap;
  }
  y << YAML::EndMap;
  return header(s) + y.c_str() + "\n";
}

}  // namespace

Result<std::string> export_ci(const std::vector<TaskSpec>& specs, const std::vector<std::string>& wanted,
                              CiSystem system, const CiSettings& settings) {
  auto jobs = ci_jobs(specs, wanted);
  if (!jobs) return jobs.error();
  return system == CiSystem::github ? github(*jobs, settings) : gitlab(*jobs, settings);
}

}  // namespace keel::pipeline
