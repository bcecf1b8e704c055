// keel run: a repository's tasks from [tasks.NAME] tables, in dependency
// order and in parallel. The work is in src/pipeline/.
#include <set>
#include <sstream>
#include <thread>

#include "commands/groups.hpp"
#include "commands/tasks.hpp"
#include "core/exit_memory.hpp"
#include "crypto/sha256.hpp"
#include "fs/fs.hpp"
#include "git/git.hpp"
#include "git/refs.hpp"
#include "git/files.hpp"
#include "log/log.hpp"
#include "hooks/run.hpp"
#include "http/client.hpp"
#include "pipeline/affected.hpp"
#include "pipeline/cache_key.hpp"
#include "pipeline/describe.hpp"
#include "pipeline/duration.hpp"
#include "pipeline/remote_cache.hpp"
#include "pipeline/report.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/tasks.hpp"
#include "process/process.hpp"

namespace keel::cmd {

namespace {

struct RunOptions {
  std::vector<std::string> words;  // TASK… VAR=value…
  unsigned jobs = 0;
  bool keep_going = false;
  bool dry_run = false;
  bool only = false;
  bool no_retry = false;
  bool list = false;
  bool json = false;
  bool graph = false;
  std::string format = "dot";
  std::string output = "auto";
  std::string report;
  bool force = false;
  bool no_cache = false;
  bool affected = false;
  std::string affected_ref;  // empty: the merge base with the default branch
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

pipeline::CiMarkers ci_markers(const Context& ctx) {
  auto is = [&](const char* name, const char* value) {
    auto it = ctx.env.find(name);
    return it != ctx.env.end() && it->second == value;
  };
  if (is("GITHUB_ACTIONS", "true")) return pipeline::CiMarkers::github;
  if (is("GITLAB_CI", "true")) return pipeline::CiMarkers::gitlab;
  return pipeline::CiMarkers::none;
}

// What merge, rebase and branch: conditions look at; the repository is
// opened only when a planned task has such a condition.
hooks::RepoState repo_state(Context& ctx, const std::vector<pipeline::TaskSpec>& specs, const pipeline::JobPlan& plan) {
  hooks::RepoState s;
  bool needed = false;
  for (const auto* list : {&plan.jobs, &plan.finally})
    for (const auto& j : *list)
      for (const auto& c : specs[j.task].conditions) needed = needed || (c.rfind("env:", 0) != 0 && c.rfind("file:", 0) != 0);
  git::Repository* repo = needed ? repository(ctx) : nullptr;
  return repo ? hooks::repo_state(*repo) : s;
}

// The commit --affected compares with: REF's merge base with HEAD, REF
// being the default branch (origin/HEAD, else main, else master) unless given.
git::Oid affected_base(const RunOptions& o, Context& ctx) {
  if (!repository(ctx)) throw usage_error("--affected needs a git repository");
  std::string ref = o.affected_ref;
  if (ref.empty()) {
    for (const char* candidate : {"refs/remotes/origin/HEAD", "main", "master"})
      if (git::resolve_commit(*ctx.repo, candidate)) {
        ref = candidate;
        break;
      }
    if (ref.empty())
      throw usage_error("--affected finds no default branch (origin/HEAD, main or master)",
                        "name the commit to compare with: --affected=REF");
  }
  auto target = git::resolve_commit(*ctx.repo, ref).value_or_throw();
  auto head = git::resolve_commit(*ctx.repo, "HEAD").value_or_throw();
  return git::merge_base(*ctx.repo, target, head).value_or_throw();
}

// A config value's problem, at the value's file:line:col.
[[noreturn]] void bad_value(const Context& ctx, const char* key, const std::string& problem) {
  const config::Value* v = ctx.config.find(key);
  std::string where = v ? v->origin().describe() + ": " : std::string();
  throw Failure(Error{where + key + ": " + problem, {}, Exit::config});
}

// The remote cache of cache.remote.*, or nullptr without one. A URL that
// cannot be used is a warning: the run goes on with the local store.
std::unique_ptr<pipeline::RemoteCache> open_remote(const Context& ctx, const pipeline::Store& store) {
  std::string url = ctx.config.get_string("cache.remote.url");
  if (url.empty()) return nullptr;
  http::Options h;
  h.base_url = url;
  h.ca_file = ctx.config.get_string("cache.remote.ca_file");
  auto timeout = pipeline::parse_duration(ctx.config.get_string("cache.remote.timeout", "60s"));
  if (!timeout) bad_value(ctx, "cache.remote.timeout", timeout.error().message);
  h.timeout = *timeout;
  h.cancelled = [] { return process::interrupted(); };
  pipeline::RemoteOptions r;
  r.cancelled = h.cancelled;
  r.upload = ctx.config.get_bool("cache.remote.upload", true);
  auto max_blob = pipeline::parse_size(ctx.config.get_string("cache.remote.max_blob_size", "1G"));
  if (!max_blob) bad_value(ctx, "cache.remote.max_blob_size", max_blob.error().message);
  r.max_blob_size = *max_blob;
  if (std::string name = ctx.config.get_string("cache.remote.token_env"); !name.empty()) {
    auto it = ctx.env.find(name);
    if (it != ctx.env.end() && !it->second.empty())
      h.bearer_token = it->second;
    else
      log::warn("cache.remote.token_env: " + quote(name) + " is not set; the remote cache is asked without a token");
  }
  auto client = http::Client::open(std::move(h));
  if (!client) {
    log::warn("remote cache: " + client.error().message + "; the run goes on without it");
    return nullptr;
  }
  return std::make_unique<pipeline::RemoteCache>(std::move(client).value(), r, store);
}

// Everything the cache needs for this run; nullptr without it.
struct CacheState {
  std::unique_ptr<pipeline::Store> store;
  std::unique_ptr<pipeline::RemoteCache> remote;
  pipeline::TreeFacts facts;
  pipeline::StatCache stats;
  pipeline::CacheSetup setup;
  std::filesystem::path stat_file;
};

std::unique_ptr<CacheState> prepare_cache(const RunOptions& o, Context& ctx, const pipeline::RunOptions& options,
                                          const std::vector<pipeline::TaskSpec>& specs, const pipeline::JobPlan& plan) {
  bool any = false;
  for (const auto* list : {&plan.jobs, &plan.finally})
    for (const auto& j : *list) any = any || !specs[j.task].inputs.empty();
  if (!any || o.no_cache) return nullptr;
  auto state = std::make_unique<CacheState>();
  std::filesystem::path dir = cache_directory(ctx);
  state->stat_file = dir / "stat" / (crypto::hex(crypto::sha256(options.root.string())).substr(0, 16) + ".stat");
  // The index and the stat cache are read on other threads while the
  // inputs' walk begins.
  state->facts = pipeline::TreeFacts::start(repository(ctx));
  state->stats.start_loading(state->stat_file);
  state->store = std::make_unique<pipeline::Store>(dir);
  if (auto st = state->store->prepare(); !st) {
    log::warn(st.error().message + "; keel run goes on without the cache");
    state->store.reset();
  }
  if (state->store) state->remote = open_remote(ctx, *state->store);
  auto& s = state->setup;
  s.store = state->store.get();
  s.remote = state->remote.get();
  s.facts = &state->facts;
  s.stats = &state->stats;
  s.force = o.force;
  s.dry_run = o.dry_run;
  s.platform = pipeline::platform();
  for (const auto& name : ctx.config.get_list("cache.key_env")) {
    auto it = ctx.env.find(name);
    s.key_env.emplace_back(name, it == ctx.env.end() ? std::nullopt : std::optional<std::string>(it->second));
  }
  for (const auto& command : ctx.config.get_list("cache.key_commands")) {
    auto c = process::Command::shell_command(command, options.shell);
    c.cwd = options.root;
    c.out = process::Output::capture();
    c.err = process::Output::capture();
    auto outcome = process::run(c);
    if (!outcome.ok()) throw Failure(process::failure(outcome, "cache.key_commands: " + quote(command)));
    s.key_outputs.push_back(outcome.out);
  }
  return state;
}

// One line on what the remote cache did, when it did anything.
void print_remote_summary(const pipeline::RemoteSummary& r, const std::string& server, std::ostream& err) {
  if (r.hits + r.misses + r.blobs_up + r.results_up + r.failed == 0) return;
  err << "remote cache " << log::redact(server) << ": " << r.hits << (r.hits == 1 ? " hit" : " hits") << ", "
      << r.misses << (r.misses == 1 ? " miss" : " misses") << ", " << pipeline::format_size(r.bytes_down)
      << " downloaded; uploaded " << r.blobs_up << (r.blobs_up == 1 ? " blob" : " blobs") << " and " << r.results_up
      << (r.results_up == 1 ? " result" : " results") << " (" << pipeline::format_size(r.bytes_up) << "), "
      << r.skipped << " skipped, " << r.failed << " failed\n";
}

// Returns the remote cache's line, printed after the run's summary.
std::string finish_cache(CacheState& state, const pipeline::RunResult& result, const Context& ctx) {
  if (auto st = state.stats.save(state.stat_file); !st) log::debug("stat cache not saved: " + st.error().message);
  if (!state.store) return {};
  std::ostringstream remote_line;
  pipeline::RunCounts counts;
  for (const auto* list : {&result.jobs, &result.finally})
    for (const auto& r : *list) {
      if (r.state == pipeline::JobState::up_to_date || r.state == pipeline::JobState::restored) ++counts.hits;
      if (r.cache_miss) ++counts.misses;
    }
  if (state.remote) {
    auto r = state.remote->finish();
    counts.remote_hits = r.hits;
    counts.remote_misses = r.misses;
    counts.remote_bytes_down = r.bytes_down;
    counts.remote_bytes_up = r.bytes_up;
    if (!ctx.globals.quiet || r.failed) print_remote_summary(r, state.remote->shown(), remote_line);
  }
  state.store->note_run(counts);
  std::uint64_t misses = counts.misses;
  if (misses == 0) return remote_line.str();
  auto limit = pipeline::parse_size(ctx.config.get_string("cache.max_size", "5G"));
  if (!limit) {
    log::warn("cache.max_size: " + limit.error().message);
    return remote_line.str();
  }
  auto stats = state.store->stats();
  if (stats && stats->bytes > *limit) (void)state.store->gc({*limit, std::nullopt});
  return remote_line.str();
}

// The plan in order with each command as it would run, and what the cache
// would do: up to date, restored, or run. Nothing is run or changed.
void print_dry_run(const std::vector<pipeline::TaskSpec>& specs, const pipeline::JobPlan& plan,
                   const pipeline::RunOptions& options, const std::map<std::string, std::string>& why,
                   std::ostream& out) {
  std::map<std::string, std::string> keys;  // job name -> its cache key
  std::set<std::string> changing;           // jobs that run or restore: their outputs are not known yet
  auto cache_state = [&](const pipeline::Job& j, const std::vector<pipeline::Job>& jobs) -> std::string {
    const auto& spec = specs[j.task];
    if (!options.cache || spec.inputs.empty()) {
      changing.insert(j.name);
      return j.restore_only ? "not run: --only" : "";
    }
    for (std::size_t d : j.deps)
      if (changing.count(jobs[d].name)) {
        changing.insert(j.name);
        return "decided once its deps are done";
      }
    std::vector<std::string> dep_keys;
    for (std::size_t d : j.deps) {
      auto it = keys.find(jobs[d].name);
      dep_keys.push_back(it == keys.end() ? "uncached:" + jobs[d].name : it->second);
    }
    auto env = pipeline::declared_env(spec, j, options.root);
    if (!env) return "runs: " + env.error().message;
    auto check = pipeline::check_cache(*options.cache, spec, j, options.root, *env, dep_keys);
    if (!check) return "runs: " + check.error().message;
    keys[j.name] = check->key;
    if (check->outcome != pipeline::CacheCheck::Outcome::up_to_date) changing.insert(j.name);
    switch (check->outcome) {
      case pipeline::CacheCheck::Outcome::up_to_date: return "up to date";
      case pipeline::CacheCheck::Outcome::restored:
        return check->from_remote ? "restored from the remote cache" : "restored from the cache";
      case pipeline::CacheCheck::Outcome::miss: break;
    }
    return j.restore_only ? "not run: --only, not in the cache" : "runs";
  };
  auto print = [&](const pipeline::Job& j, const char* label, const std::vector<pipeline::Job>& jobs) {
    const auto& spec = specs[j.task];
    out << j.name << label;
    if (auto it = why.find(j.name); it != why.end()) out << " (" << it->second << ")";
    if (std::string why = pipeline::unmet_condition(spec.conditions, options); !why.empty())
      out << " (skipped, " << why << ")";
    else if (std::string state = cache_state(j, jobs); !state.empty())
      out << " (" << state << ")";
    out << '\n';
    if (!j.dir.empty()) out << "  in " << j.dir << '\n';
    if (!j.restore_only)
      for (const auto& c : j.shown) out << "  $ " << c << '\n';
  };
  for (const auto& j : plan.jobs) print(j, "", plan.jobs);
  for (const auto& j : plan.finally) print(j, " (finally)", plan.finally);
}

int run(const RunOptions& o, Context& ctx) {
  auto specs = configured_tasks(ctx);
  if (o.list) {
    ctx.out << (o.json ? pipeline::list_json(specs) : pipeline::list_text(specs));
    return status(Exit::ok);
  }
  auto call = invocation(o, ctx, ctx.config.get_list("run.default"));
  if (call.tasks.empty() && (o.graph || o.affected)) {
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
  std::map<std::string, std::string> why;
  if (o.affected) {
    git::Oid base = affected_base(o, ctx);  // opens the repository
    auto changed = git::changed_since(*ctx.repo, base).value_or_throw();
    auto chosen = pipeline::affected_jobs(specs, plan, changed);
    plan = std::move(chosen.plan);
    why = std::move(chosen.why);
  }
  if (o.graph) {
    ctx.out << (o.format == "json" ? pipeline::graph_json(plan.jobs) : pipeline::graph_dot(plan.jobs));
    return status(Exit::ok);
  }

  pipeline::RunOptions options;
  options.root = ctx.project_root.value_or(ctx.cwd);
  options.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  options.keep_going = o.keep_going;
  options.no_retry = o.no_retry;
  options.output = o.output == "prefixed"  ? pipeline::OutputMode::prefixed
                   : o.output == "grouped" ? pipeline::OutputMode::grouped
                                           : pipeline::OutputMode::automatic;
  options.ci = ci_markers(ctx);
  options.shell = ctx.config.get_list("process.shell");
  options.grace_period = std::chrono::seconds(ctx.config.get_int("process.grace_period", 5));
  options.repo = repo_state(ctx, specs, plan);
  options.env = ctx.env;
  options.command_env = command_environment(ctx);
  options.keep_output = !o.report.empty();
  if (!o.report.empty() && !o.dry_run)  // a report that cannot be written is known before anything runs
    fs::resolve_target(o.report, {}).value_or_throw();
  auto cache = prepare_cache(o, ctx, options, specs, plan);
  if (cache) options.cache = &cache->setup;
  if (o.dry_run) {
    print_dry_run(specs, plan, options, why, ctx.out);
    return status(Exit::ok);
  }
  auto result = pipeline::run_plan(specs, plan, options, ctx.out, ctx.err);
  std::string remote_line = cache ? finish_cache(*cache, result, ctx) : std::string();
  ctx.out.flush();
  // -q: the summary only when something went wrong.
  if (!ctx.globals.quiet || result.failed || result.cancelled) ctx.err << pipeline::summary(result);
  ctx.err << remote_line;
  if (!o.report.empty())
    fs::write_file(o.report, pipeline::junit_xml(result, "keel run"), {.mode = 0644}).value_or_throw();
  // The index and the stat cache are plain memory once read; a remote
  // cache may still hold connections, and is closed as usual.
  if (cache && !cache->remote && cache->facts.tracked_known()) leave_to_exit(std::move(cache));
  if (result.cancelled) return status(Exit::interrupted);
  return check_status(result.failed);
}

}  // namespace

int run_tasks(Context& ctx, const std::vector<std::string>& names) {
  RunOptions o;
  o.words = names;
  return run(o, ctx);
}

namespace {

const char* k_description =
    "Runs the tasks of keel.toml's [tasks.NAME] tables, each after the tasks in its deps, as many at once as -j "
    "allows (default: one per CPU); each task runs at most once. With no TASK, the tasks of run.default run; "
    "without it, the tasks are listed. A matrix job's name (\"build[target=x86_64]\") runs that job alone. "
    "VAR=value sets a variable declared under [tasks.NAME.vars]; the words after -- are the named tasks' "
    "{args}. --only runs the named tasks alone: not their finally tasks, and not their deps, whose outputs are "
    "restored from the cache (local or remote) when it has them: a CI job on a fresh machine (see keel-ci(1)).\n\n"
    "A task's keys: run (a shell command or a list, run in order up to the first failure), desc, deps, dir, "
    "env, env_file (NAME=value lines), shell, interactive (gets the terminal, never beside another task), vars, "
    "matrix (a table of lists: one job per combination, named task[key=value,...]), matrix_include and "
    "matrix_exclude (as in GitHub Actions), timeout (\"90s\", \"10m\"), retries and retry_delay (doubled each "
    "time), continue_on_error, if (conditions that must all hold: env:NAME, file:PATH, branch:GLOB, merge, "
    "rebase), finally (tasks run after everything, even after a failure or Ctrl-C, with KEEL_RUN_STATUS set "
    "to success, failure or cancelled), inputs and outputs (see below).\n\n"
    "Templates in run, {args}, {vars.NAME} and {matrix.KEY}, reach the shell as its arguments (\"${1}\"...), "
    "never as script text, however they are quoted; in dir and env they are replaced as text.\n\n"
    "A task with inputs (gitignore-style globs relative to its dir; !glob leaves files out; files git "
    "ignores only when named exactly) is cached. Its key is a SHA-256 over its expanded commands and shell, "
    "its dir, its env and env_file values, cache.key_env's variables, cache.key_commands' output, each input's "
    "path, mode and content, its deps' keys, the platform and the cache format. When the key is known and "
    "its outputs are in place, the task is up to date; when they are not, they are restored from the cache "
    "byte for byte with their modes, and its output is printed again. A task that succeeded without "
    "producing a declared output fails and is not cached. A stat cache (size, mtime, ctime, inode) spares "
    "reading unchanged files. The cache lives in cache.dir (default $XDG_CACHE_HOME/keel); one that cannot "
    "be written is left out with a warning. -f/--force runs tasks that are up to date; --no-cache leaves "
    "the cache alone. -n/--dry-run prints each job with its commands and what the cache would do (up to "
    "date, restored from the cache, runs, or decided once its deps are done); it runs no task, only "
    "cache.key_commands, and changes nothing. See keel-cache(1).\n\n"
    "With cache.remote.url (set in the user or system config, the environment or with -c, never in the "
    "project), a remote cache speaking Bazel's HTTP protocol (nginx WebDAV, bazel-remote) is looked in after "
    "the local store; a hit there fills the local store. After a task succeeded, its blobs are uploaded, then "
    "its action result (a Remote Execution API ActionResult), unless cache.remote.upload is false. Every "
    "downloaded blob is checked against its SHA-256. A server that cannot be reached, is slower than "
    "cache.remote.timeout, answers with an error or refuses access is left alone for the rest of the run "
    "after one warning: the build goes on with the local store. A bearer token comes from the variable "
    "cache.remote.token_env names; user:password in the URL and ~/.netrc work too, and never show in "
    "output. cache.remote.ca_file (or SSL_CERT_FILE) adds a private CA; http_proxy, https_proxy and "
    "no_proxy apply.\n\n"
    "--affected[=REF] runs only the tasks whose inputs hold a file that differs between REF's merge base "
    "with HEAD and the work tree (committed, staged, changed, deleted or untracked), and the tasks that "
    "depend on them; REF defaults to the default branch (origin/HEAD, main or master). With --dry-run it "
    "lists them and why.\n\n"
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
  app.add_flag("-n,--dry-run", o->dry_run,
               "Print the jobs in order with their commands and whether they are up to date; run nothing");
  app.add_flag("--only", o->only,
               "Run the named tasks alone: no finally tasks, and deps not run but restored when the cache has them");
  app.add_flag("--no-retry", o->no_retry, "Ignore the tasks' retries (the CI retries the job)");
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
  // A flag that takes a value only as --affected=REF: `--affected build`
  // keeps `build` a task.
  auto* affected = app.add_flag("--affected{}", o->affected_ref,
                                "Only tasks whose inputs changed since REF (default: the merge base with the default "
                                "branch), and the tasks that depend on them")
                       ->type_name("REF");
  auto* force = app.add_flag("-f,--force", o->force, "Run tasks even when they are up to date (and store the results)");
  app.add_flag("--no-cache", o->no_cache, "Neither read nor write the cache: every task runs")->excludes(force);
  app.parse_complete_callback([&chosen, o, affected] {
    o->affected = affected->count() > 0;
    chosen = [o](Context& c) { return run(*o, c); };
  });
}

}  // namespace keel::cmd
