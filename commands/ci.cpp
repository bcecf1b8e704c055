// keel ci: the task graph as a GitHub Actions workflow or a GitLab CI
// pipeline (src/pipeline/ci_export.hpp), and a check that the committed one
// is what export writes now.
#include <filesystem>

#include "commands/groups.hpp"
#include "commands/tasks.hpp"
#include "fs/fs.hpp"
#include "pipeline/ci_export.hpp"

namespace keel::cmd {

namespace {

struct CiOptions {
  std::string system;  // github, gitlab; empty for check: every exported one
  std::string output;  // empty: the system's usual path
};

pipeline::CiSystem system_named(const std::string& name) {
  return name == "github" ? pipeline::CiSystem::github : pipeline::CiSystem::gitlab;
}

std::string usual_path(const std::string& system) {
  return system == "github" ? ".github/workflows/keel.yml" : ".gitlab-ci.yml";
}

std::vector<pipeline::TaskSpec> tasks_to_export(const Context& ctx) {
  auto specs = configured_tasks(ctx);
  if (specs.empty()) throw usage_error("keel.toml has no [tasks.NAME] to export");
  return specs;
}

// What `keel ci export SYSTEM [--output PATH]` writes now.
std::string exported(const Context& ctx, const std::string& system, const std::string& output) {
  pipeline::CiSettings s;
  s.keel = ctx.config.get_string("ci.keel", "keel");
  s.setup = ctx.config.get_list("ci.setup");
  s.runs_on = ctx.config.get_string("ci.github.runs_on", "ubuntu-latest");
  // Standard output shows what the usual file holds.
  bool usual = output.empty() || output == "-";
  s.command = "keel ci export " + system + (usual ? "" : " --output " + output);
  return pipeline::export_ci(tasks_to_export(ctx), ctx.config.get_list("ci.tasks"), system_named(system), s)
      .value_or_throw();
}

std::filesystem::path place(const Context& ctx, const std::string& system, const std::string& output) {
  std::filesystem::path p = output.empty() ? usual_path(system) : output;
  return p.is_absolute() || !output.empty() ? p : ctx.project_root.value_or(ctx.cwd) / p;
}

int export_workflow(const CiOptions& o, Context& ctx) {
  std::string text = exported(ctx, o.system, o.output);
  if (o.output == "-") {
    ctx.out << text;
    return status(Exit::ok);
  }
  std::filesystem::path p = place(ctx, o.system, o.output);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  fs::write_file(p, text).value_or_throw();
  ctx.out << "wrote " << p.string() << '\n';
  return status(Exit::ok);
}

int check(const CiOptions& o, Context& ctx) {
  std::vector<std::string> systems;
  if (!o.system.empty()) {
    systems.push_back(o.system);
  } else {
    for (const char* s : {"github", "gitlab"})
      if (std::filesystem::exists(place(ctx, s, o.output))) systems.push_back(s);
    if (systems.empty())
      throw usage_error("no exported CI file: neither " + quote(usual_path("github")) + " nor " +
                            quote(usual_path("gitlab")) + " exists",
                        "write one with keel ci export github|gitlab");
  }
  bool stale = false;
  for (const auto& system : systems) {
    std::filesystem::path p = place(ctx, system, o.output);
    auto committed = fs::read_file(p, 16u << 20);
    if (!committed) throw Failure(committed.error());
    if (*committed == exported(ctx, system, o.output)) continue;
    stale = true;
    ctx.err << "keel: error: " << quote(p.string()) << " is not what keel ci export " << system
            << " writes now\nhint: run 'keel ci export " << system << (o.output.empty() ? "" : " --output " + o.output)
            << "' and commit the result\n";
  }
  return check_status(stale);
}

}  // namespace

void setup_ci(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(
      &app,
      "Runs keel's tasks on the CI engines teams already have: each task (each matrix job) becomes a CI job "
      "that runs `keel run --only JOB`, and the jobs share their results through the remote cache "
      "(cache.remote.*, see keel-run(1)). A job's deps are not run again in it: their outputs are restored from "
      "the cache.");
  auto o = std::make_shared<CiOptions>();
  auto* e = app.add_subcommand("export", "Write the tasks as a GitHub Actions workflow or a GitLab CI pipeline");
  set_long_description(
      e,
      "Writes .github/workflows/keel.yml (github) or .gitlab-ci.yml (gitlab), or --output, with one job per "
      "task of ci.tasks (default: every task) and their deps and finally tasks. deps become needs (and, on GitLab, "
      "stages by depth); a matrix task becomes the CI's own matrix, one entry per keel job with KEEL_JOB set to "
      "its name; timeout becomes timeout-minutes or timeout, a minute above keel's own; continue_on_error "
      "becomes continue-on-error or allow_failure; retries of 1 or 2 become GitLab's retry (keel then runs "
      "with --no-retry), otherwise keel retries inside the job; finally tasks become jobs that always run "
      "after the tasks naming them (on GitHub with KEEL_RUN_STATUS). The remote cache comes from the CI "
      "variable KEEL_CACHE_URL and the secret KEEL_CACHE_TOKEN, and pull requests only read it. ci.keel is the "
      "command that starts keel and ci.setup the commands run before it. The same tasks give the same bytes, "
      "under a header naming the command. An interactive task cannot be exported.");
  e->add_option("system", o->system, "github or gitlab")->required()->check(CLI::IsMember({"github", "gitlab"}));
  e->add_option("-o,--output", o->output, "Write here instead (- for standard output)")->type_name("FILE");
  e->parse_complete_callback([&chosen, o] { chosen = [o](Context& c) { return export_workflow(*o, c); }; });
  auto* c = app.add_subcommand("check", "Exit 1 when the exported CI file is not what export writes now");
  set_long_description(c, "Compares the exported file of each system (both, when none is named and both exist) "
                          "with what `keel ci export` writes now, and exits 1 naming each that differs: for a "
                          "pre-commit hook or a CI step.");
  c->add_option("system", o->system, "github or gitlab")->check(CLI::IsMember({"github", "gitlab"}));
  c->add_option("-o,--output", o->output, "The file export wrote, when not the usual one")->type_name("FILE");
  c->parse_complete_callback([&chosen, o] { chosen = [o](Context& ctx) { return check(*o, ctx); }; });
}

}  // namespace keel::cmd
