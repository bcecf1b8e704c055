#include "pipeline/affected.hpp"

#include <algorithm>

#include "hooks/glob.hpp"

namespace keel::pipeline {

namespace {

// The changed file as the job's inputs see it (relative to its dir), when
// an input glob takes it.
bool takes(const TaskSpec& spec, const Job& job, const std::string& from_root) {
  std::string rel = from_root;
  if (!job.dir.empty()) {
    if (from_root.rfind(job.dir + "/", 0) != 0) return false;
    rel = from_root.substr(job.dir.size() + 1);
  }
  bool in = false;
  for (const auto& g : spec.inputs) {
    if (!g.empty() && g.front() == '!') {
      if (hooks::glob_match(g.substr(1), rel)) return false;
      continue;
    }
    std::string_view glob = g;
    while (!glob.empty() && glob.front() == '/') glob.remove_prefix(1);
    in = in || hooks::glob_match(g, rel) || rel == glob;
  }
  return in;
}

}  // namespace

AffectedPlan affected_jobs(const std::vector<TaskSpec>& specs, const JobPlan& plan,
                           const std::vector<std::string>& changed) {
  const auto& jobs = plan.jobs;
  std::vector<bool> chosen(jobs.size(), false);
  AffectedPlan out;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const TaskSpec& spec = specs[jobs[i].task];
    if (spec.inputs.empty()) continue;
    for (const auto& f : changed)
      if (takes(spec, jobs[i], f)) {
        chosen[i] = true;
        out.why[jobs[i].name] = "input " + f + " changed";
        break;
      }
  }
  // Deps come before the jobs that wait for them: one pass finds every dependent.
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (chosen[i]) continue;
    for (std::size_t d : jobs[i].deps)
      if (chosen[d]) {
        chosen[i] = true;
        out.why[jobs[i].name] = "depends on " + jobs[d].name;
        break;
      }
  }
  std::vector<std::size_t> index(jobs.size(), SIZE_MAX);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!chosen[i]) continue;
    Job j = jobs[i];
    j.deps.clear();
    for (std::size_t d : jobs[i].deps)
      if (chosen[d]) j.deps.push_back(index[d]);
    index[i] = out.plan.jobs.size();
    out.plan.jobs.push_back(std::move(j));
  }
  out.plan.finally = plan.finally;
  return out;
}

}  // namespace keel::pipeline
