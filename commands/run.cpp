// keel run: a repository's tasks from [tasks.NAME] tables, in dependency
// order and in parallel. The work is in src/pipeline/.
#include <thread>

#include "commands/groups.hpp"
#include "fs/fs.hpp"
#include "git/git.hpp"
#include "git/refs.hpp"
#include "git/files.hpp"
#include "log/log.hpp"
#include "pipeline/describe.hpp"
#include "pipeline/report.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/tasks.hpp"

namespace keel::cmd {

namespace {

struct RunOptions {
  std::vector<std::string> words;  // TASK… VAR=value…
  unsigned jobs = 0;
  bool keep_going = false;
  bool dry_run = false;
  bool only = false;
  bool list = false;
  bool json = false;
  bool graph = false;
  std::string format = "dot";
  std::string output = "auto";
  std::string report;
};

bool is_assignment(const std::string& word) {
  std::size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (std::size_t i = 0; i < eq; ++i) {
    char c = word[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

pipeline::Invocation invocation(const RunOptions& o, const Context& ctx, const std::vector<std::string>& defaults) {
  pipeline::Invocation call;
  for (const auto& w : o.words) {
    if (is_assignment(w)) {
      std::size_t eq = w.find('=');
      call.vars.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    } else {
      call.tasks.push_back(w);
    }
  }
  call.args = ctx.after_separator;
  if (call.tasks.empty()) call.tasks = defaults;
  call.only = o.only;
  return call;
}

std::vector<pipeline::TaskSpec> configured(const Context& ctx) {
  std::vector<pipeline::TaskSpec> specs;
  if (const config::Value* tasks = ctx.config.find("tasks")) specs = pipeline::tasks_from(*tasks).value_or_throw();
  pipeline::check_tasks(specs).value_or_throw();
  return specs;
}

pipeline::CiMarkers ci_markers(const Context& ctx) {
  auto is = [&](const char* name, const char* value) {
    auto it = ctx.env.find(name);
    return it != ctx.env.end() && it->second == value;
  };
  if (is("GITHUB_ACTIONS", "true")) return pipeline::CiMarkers::github;
  if (is("GITLAB_CI", "true")) return pipeline::CiMarkers::gitlab;
  return pipeline::CiMarkers::none;
}

hooks::RepoState repo_state(const Context& ctx) {
  hooks::RepoState s;
  if (!ctx.repo) return s;
  s.merging = git::merge_in_progress(*ctx.repo);
  s.rebasing = git::rebase_in_progress(*ctx.repo);
  if (auto head = git::head(*ctx.repo); head && !head->detached) s.branch = head->branch;
  return s;
}

void print_dry_run(const std::vector<pipeline::TaskSpec>& specs, const pipeline::JobPlan& plan,
                   const pipeline::RunOptions& options, std::ostream& out) {
  auto print = [&](const pipeline::Job& j, const char* label) {
    const auto& spec = specs[j.task];
    out << j.name << label;
    if (std::string why = pipeline::unmet_condition(spec.conditions, options); !why.empty()) out << " (skipped, " << why << ")";
    out << '\n';
    if (!j.dir.empty()) out << "  in " << j.dir << '\n';
    for (const auto& c : j.shown) out << "  $ " << c << '\n';
  };
  for (const auto& j : plan.jobs) print(j, "");
  for (const auto& j : plan.finally) print(j, " (finally)");
}

int run(const RunOptions& o, Context& ctx) {
  auto specs = configured(ctx);
  if (o.list) {
    ctx.out << (o.json ? pipeline::list_json(specs) : pipeline::list_text(specs));
    return status(Exit::ok);
  }
  auto call = invocation(o, ctx, ctx.config.get_list("run.default"));
  if (call.tasks.empty() && o.graph) {
    for (const auto& s : specs) call.tasks.push_back(s.name);
  }
  if (call.tasks.empty()) {
    if (specs.empty())
      throw Failure("no tasks are configured", Exit::nothing_to_do,
                    "add a [tasks.NAME] table with run = \"...\" to keel.toml");
    ctx.out << pipeline::list_text(specs);
    return status(Exit::ok);
  }
  auto plan = pipeline::plan_jobs(specs, call).value_or_throw();
  if (o.graph) {
    ctx.out << (o.format == "json" ? pipeline::graph_json(plan.jobs) : pipeline::graph_dot(plan.jobs));
    return status(Exit::ok);
  }

  pipeline::RunOptions options;
  options.root = ctx.repo ? ctx.repo->workdir() : ctx.cwd;
  options.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  options.keep_going = o.keep_going;
  options.output = o.output == "prefixed"  ? pipeline::OutputMode::prefixed
                   : o.output == "grouped" ? pipeline::OutputMode::grouped
                                           : pipeline::OutputMode::automatic;
  options.ci = ci_markers(ctx);
  options.shell = ctx.config.get_list("process.shell");
  options.grace_period = std::chrono::seconds(ctx.config.get_int("process.grace_period", 5));
  options.repo = repo_state(ctx);
  options.env = ctx.env;
  options.command_env = command_environment(ctx);
  options.keep_output = !o.report.empty();
  if (o.dry_run) {
    print_dry_run(specs, plan, options, ctx.out);
    return status(Exit::ok);
  }
  if (!o.report.empty())  // a report that cannot be written is known before anything runs
    fs::resolve_target(o.report, {}).value_or_throw();
  for (const auto& j : plan.jobs)
    if (!specs[j.task].inputs.empty() || !specs[j.task].outputs.empty()) {
      log::warn("task " + quote(specs[j.task].name) +
                " declares inputs or outputs, which this keel does not use yet: it has no up-to-date check or cache");
      break;
    }
  auto result = pipeline::run_plan(specs, plan, options, ctx.out, ctx.err);
  ctx.out.flush();
  ctx.err << pipeline::summary(result);
  if (!o.report.empty())
    fs::write_file(o.report, pipeline::junit_xml(result, "keel run"), {.mode = 0644}).value_or_throw();
  if (result.cancelled) return status(Exit::interrupted);
  return check_status(result.failed);
}

const char* k_description =
    "Runs the tasks of keel.toml's [tasks.NAME] tables, each after the tasks in its deps, as many at once as -j "
    "allows (default: one per CPU); each task runs at most once. With no TASK, the tasks of run.default run; "
    "without it, the tasks are listed. VAR=value sets a variable declared under [tasks.NAME.vars]; the words "
    "after -- are the named tasks' {args}.\n\n"
    "A task's keys: run (a shell command or a list, run in order up to the first failure), desc, deps, dir, "
    "env, env_file (NAME=value lines), shell, interactive (gets the terminal, never beside another task), vars, "
    "matrix (a table of lists: one job per combination, named task[key=value,...]), matrix_include and "
    "matrix_exclude (as in GitHub Actions), timeout (\"90s\", \"10m\"), retries and retry_delay (doubled each "
    "time), continue_on_error, if (conditions that must all hold: env:NAME, file:PATH, branch:GLOB, merge, "
    "rebase), finally (tasks run after everything, even after a failure or Ctrl-C, with KEEL_RUN_STATUS set "
    "to success, failure or cancelled), inputs and outputs.\n\n"
    "Templates in run, {args}, {vars.NAME} and {matrix.KEY}, reach the shell as its arguments (\"${1}\"...), "
    "never as script text, however they are quoted; in dir and env they are replaced as text.\n\n"
    "Output: when two tasks can run at once, each line comes with a [task] prefix; otherwise it is passed "
    "through. --output grouped prints each task's output whole when it ends. Under GitHub Actions "
    "(GITHUB_ACTIONS=true) each task is a ::group:: and a failure an ::error:: annotation; under GitLab CI "
    "(GITLAB_CI=true) each task is a collapsed section. A summary, one line per task, goes to stderr at the "
    "end. --report FILE writes a JUnit XML report.\n\n"
    "After a failure no new task starts (those running finish) unless --keep-going, which only leaves out "
    "the tasks that depend on the failed one. Ctrl-C or SIGTERM reaches every running task's process group, "
    "followed by SIGTERM and, after process.grace_period, SIGKILL; a second Ctrl-C kills at once. The "
    "finally tasks then run, and keel exits 130. Exit status: 0 when every task passed or was skipped, 1 "
    "when one failed, 2 for a usage error, 78 for a bad task table.";

}  // namespace

void setup_run(CLI::App& app, Runner& chosen) {
  set_long_description(&app, k_description);
  auto o = std::make_shared<RunOptions>();
  app.add_option("words", o->words, "Tasks and VAR=value settings; after --, the named tasks' {args}")
      ->type_name("TASK|VAR=VALUE");
  app.add_option("-j,--jobs", o->jobs, "Jobs run at once (default: one per CPU)")
      ->type_name("N")
      ->check(CLI::Range(1u, 256u));
  app.add_flag("-k,--keep-going", o->keep_going, "After a failure, go on with the tasks that do not depend on it");
  app.add_flag("-n,--dry-run", o->dry_run, "Print the jobs in order with their commands; run nothing");
  app.add_flag("--only", o->only, "Run the named tasks without their deps");
  auto* list = app.add_flag("-l,--list", o->list, "List the tasks with their descriptions");
  app.add_flag("--json", o->json, "With --list: JSON")->needs(list);
  auto* graph = app.add_flag("--graph", o->graph, "Print the task graph");
  app.add_option("--format", o->format, "With --graph: dot or json")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"dot", "json"}))
      ->needs(graph);
  app.add_option("--output", o->output, "Task output: auto, prefixed or grouped")
      ->type_name("MODE")
      ->check(CLI::IsMember({"auto", "prefixed", "grouped"}));
  app.add_option("--report", o->report, "Write a JUnit XML report to FILE")->type_name("FILE");
  app.parse_complete_callback([&chosen, o] { chosen = [o](Context& c) { return run(*o, c); }; });
}

}  // namespace keel::cmd
