#include "pipeline/jobs.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/spell.hpp"

namespace keel::pipeline {

namespace {

Error at(const TaskSpec& t, std::string message, std::string hint = {}, Exit exit = Exit::config) {
  return Error{t.origin.describe() + ": " + std::move(message), std::move(hint), exit};
}

// Every template a task's text may use, with its values for one job.
hooks::Expansion expansion_for(const Pairs& vars, const Combination& values, const std::vector<std::string>& args) {
  hooks::Expansion e;
  e.hook_templates = false;
  e.named["args"] = args;
  for (const auto& [k, v] : vars) e.named["vars." + k] = {v};
  for (const auto& [k, v] : values) e.named["matrix." + k] = {v};
  return e;
}

// The matrix keys a task's jobs can have: its axes and what includes add.
Combination any_combination(const TaskSpec& t) {
  Combination c;
  for (const auto& [k, list] : t.matrix.axes) c.emplace_back(k, list.empty() ? std::string() : list.front());
  for (const auto& inc : t.matrix.include)
    for (const auto& pair : inc) {
      const std::string& key = pair.first;  // a named variable: clang 14 cannot capture a structured binding
      if (std::none_of(c.begin(), c.end(), [&](const auto& p) { return p.first == key; })) c.emplace_back(pair);
    }
  return c;
}

// A name in braces that is meant as one of keel run's templates: {args},
// {vars.X}, {matrix.X}, or a bare word such as a mistyped {arg}. Shell
// brace expansions ({a,b}, {1..3}) never match.
bool meant_as_template(const std::string& name) {
  if (name.rfind("vars.", 0) == 0 || name.rfind("matrix.", 0) == 0) return true;
  return name.find('.') == std::string::npos && name.find('-') == std::string::npos;
}

// Replaces {vars.X}, {matrix.X} and {args} in plain text (dir, env); with
// `quoted`, each value shell-quoted, for showing a command (--dry-run).
std::string fill_text(const std::string& text, const hooks::Expansion& e, bool quoted = false) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find('{', i);
    if (open == std::string::npos) break;
    std::size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    auto it = e.named.find(text.substr(open + 1, close - open - 1));
    if (it == e.named.end() || (open > 0 && text[open - 1] == '$')) {
      out.append(text, i, open + 1 - i);
      i = open + 1;
      continue;
    }
    out.append(text, i, open - i);
    for (std::size_t k = 0; k < it->second.size(); ++k)
      out += (k ? " " : "") + (quoted ? hooks::shell_quote(it->second[k]) : it->second[k]);
    i = close + 1;
  }
  out.append(text, i, std::string::npos);
  return out;
}

// Unknown templates in plain text: {vars.X} and {matrix.X} that name nothing.
std::vector<std::string> unknown_in_text(const std::string& text, const hooks::Expansion& e) {
  std::vector<std::string> out;
  for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    std::size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    std::string name = text.substr(open + 1, close - open - 1);
    if ((name.rfind("vars.", 0) == 0 || name.rfind("matrix.", 0) == 0) && !e.named.count(name)) out.push_back(name);
  }
  return out;
}

Status check_templates(const TaskSpec& t) {
  hooks::Expansion e = expansion_for(t.vars, any_combination(t), {});
  std::vector<std::string> names;
  for (const auto& [name, _] : e.named) names.push_back(name);
  auto complain = [&](const std::string& name, const std::string& where) {
    std::string near = closest_match(name, names);
    return at(t, "unknown template " + quote("{" + name + "}") + " in " + where + " of task " + quote(t.name),
              near.empty() ? "templates are {args}, {vars.NAME} for a declared var and {matrix.KEY}"
                           : "did you mean " + quote("{" + near + "}") + "?");
  };
  for (const auto& run : t.run)
    for (const auto& name : hooks::unknown_templates(run, e))
      if (meant_as_template(name)) return complain(name, "'run'");
  for (const auto& name : unknown_in_text(t.dir, e)) return complain(name, "'dir'");
  for (const auto& [k, v] : t.env)
    for (const auto& name : unknown_in_text(v, e)) return complain(name, "env." + k);
  return ok_status();
}

const TaskSpec* find_spec(const std::vector<TaskSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

// The jobs of the tasks of one plan, their deps mapped onto job indexes.
// `skip` names tasks left out (already run in the main graph).
// picked: task name -> the job names asked for (a matrix task named by one
// of its jobs); a task not in it has all its jobs.
using Picked = std::map<std::string, std::set<std::string>>;

Result<std::vector<Job>> jobs_of(const std::vector<TaskSpec>& specs, const Plan& plan, const Invocation& call,
                                 const std::set<std::string>& skip, const Picked& picked = {}) {
  std::map<std::string, std::size_t> spec_index;
  for (std::size_t i = 0; i < specs.size(); ++i) spec_index[specs[i].name] = i;
  std::vector<Job> jobs;
  std::vector<std::vector<std::size_t>> jobs_of_task(plan.tasks.size());
  for (std::size_t p = 0; p < plan.tasks.size(); ++p) {
    if (skip.count(plan.tasks[p])) continue;
    std::size_t si = spec_index.at(plan.tasks[p]);
    const TaskSpec& t = specs[si];
    Pairs vars = t.vars;
    for (auto& [k, v] : vars)
      for (const auto& [ck, cv] : call.vars)
        if (ck == k) v = cv;
    bool named = std::find(call.tasks.begin(), call.tasks.end(), t.name) != call.tasks.end();
    auto combos = expand(t.matrix, t.name);
    if (!combos) return at(t, combos.error().message, combos.error().hint);
    auto pick = picked.find(t.name);
    std::set<std::string> unmatched;
    if (pick != picked.end()) unmatched = pick->second;
    for (const auto& combo : *combos) {
      std::string name = job_name(t.name, combo);
      if (pick != picked.end() && !unmatched.erase(name)) continue;
      hooks::Expansion e = expansion_for(vars, combo, named ? call.args : std::vector<std::string>{});
      Job j;
      j.name = std::move(name);
      j.restore_only = call.only && !named;
      j.task = si;
      j.values = combo;
      for (const auto& run : t.run) {
        j.commands.push_back(hooks::expand(run, e));
        j.shown.push_back(fill_text(run, e, true));
      }
      j.dir = fill_text(t.dir, e);
      for (const auto& [k, v] : t.env) j.env.emplace_back(k, fill_text(v, e));
      for (std::size_t d : plan.deps[p])
        for (std::size_t dj : jobs_of_task[d]) j.deps.push_back(dj);
      jobs_of_task[p].push_back(jobs.size());
      jobs.push_back(std::move(j));
    }
    if (!unmatched.empty()) {
      std::vector<std::string> names;
      for (const auto& combo : *combos) names.push_back(job_name(t.name, combo));
      std::string near = closest_match(*unmatched.begin(), names);
      return Error{"task " + quote(t.name) + " has no job " + quote(*unmatched.begin()),
                   near.empty() ? "its jobs: keel run --list" : "did you mean " + quote(near) + "?", Exit::usage};
    }
  }
  return jobs;
}

}  // namespace

std::vector<TaskNode> task_nodes(const std::vector<TaskSpec>& specs) {
  std::vector<TaskNode> out;
  for (const auto& s : specs) out.push_back({s.name, s.deps});
  return out;
}

Status check_tasks(const std::vector<TaskSpec>& specs) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& s : specs) {
    if (auto st = check_templates(s); !st) return st;
    for (const auto& f : s.finally)
      if (!find_spec(specs, f)) {
        std::string near = closest_match(f, names);
        return at(s, "task " + quote(s.name) + " names " + quote(f) + " in 'finally', which does not exist",
                  near.empty() ? std::string() : "did you mean " + quote(near) + "?");
      }
  }
  auto all = plan(task_nodes(specs), names);
  if (!all) {
    Error e = all.error();
    // Where the offending task is, when the message names one.
    for (const auto& s : specs)
      if (e.message.find("task " + quote(s.name)) != std::string::npos ||
          e.message.find("cycle: " + s.name + " ") != std::string::npos) {
        e.message = s.origin.describe() + ": " + e.message;
        break;
      }
    return e;
  }
  return ok_status();
}

// A matrix job's name, "task[k=v,...]", stands for its task in the graph
// and picks that job.
Invocation picking_jobs(const std::vector<TaskSpec>& specs, const Invocation& call, Picked& picked) {
  Invocation out = call;
  out.tasks.clear();
  for (const auto& name : call.tasks) {
    std::size_t open = name.find('[');
    std::string task = name;
    if (open != std::string::npos && name.back() == ']' && find_spec(specs, name.substr(0, open))) {
      task = name.substr(0, open);
      picked[task].insert(name);
    }
    if (std::find(out.tasks.begin(), out.tasks.end(), task) == out.tasks.end()) out.tasks.push_back(task);
  }
  // A task named whole as well as by a job runs whole.
  for (const auto& name : call.tasks) picked.erase(name);
  return out;
}

Result<JobPlan> plan_jobs(const std::vector<TaskSpec>& specs, const Invocation& asked) {
  Picked picked;
  Invocation call = picking_jobs(specs, asked, picked);
  // With --only the deps are planned too, to be restored, not run.
  auto p = plan(task_nodes(specs), call.tasks, false);
  if (!p) return p.error();
  // Every VAR=value must mean something to a task that runs.
  std::set<std::string> declared;
  for (const auto& name : p->tasks)
    for (const auto& [k, _] : find_spec(specs, name)->vars) declared.insert(k);
  for (const auto& [k, _] : call.vars)
    if (!declared.count(k)) {
      std::vector<std::string> known(declared.begin(), declared.end());
      std::string near = closest_match(k, known);
      return Error{"no task that runs declares the variable " + quote(k),
                   near.empty() ? "declare it under [tasks.NAME.vars]" : "did you mean " + quote(near) + "?",
                   Exit::usage};
    }
  JobPlan out;
  auto jobs = jobs_of(specs, *p, call, {}, picked);
  if (!jobs) return jobs.error();
  out.jobs = std::move(jobs).value();

  std::vector<std::string> finals;
  for (const auto& name : p->tasks) {
    // --only runs the named tasks and nothing else: no finally tasks (a CI
    // export makes them jobs of their own).
    if (call.only) break;
    for (const auto& f : find_spec(specs, name)->finally)
      if (std::find(finals.begin(), finals.end(), f) == finals.end()) finals.push_back(f);
  }
  if (!finals.empty()) {
    std::set<std::string> ran(p->tasks.begin(), p->tasks.end());
    auto fp = plan(task_nodes(specs), finals);
    if (!fp) return fp.error();
    Invocation none;
    none.vars = call.vars;
    auto fj = jobs_of(specs, *fp, none, ran);
    if (!fj) return fj.error();
    // Deps on jobs of the main graph are already met: keep only those among
    // the finally jobs themselves.
    out.finally = std::move(fj).value();
  }
  return out;
}

}  // namespace keel::pipeline
