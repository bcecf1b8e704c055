#include "pipeline/runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/parallel.hpp"
#include "fs/fs.hpp"
#include "hooks/glob.hpp"
#include "pipeline/dotenv.hpp"
#include "pipeline/duration.hpp"
#include "process/process.hpp"

namespace keel::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_kept_bytes = 1 << 20;

// The last k_kept_bytes of a stream, for the report.
void keep(std::string& kept, std::string_view chunk) {
  kept.append(chunk);
  if (kept.size() > 2 * k_kept_bytes) kept.erase(0, kept.size() - k_kept_bytes);
}

// A workflow command's message: GitHub reads %, CR and LF as escapes.
std::string github_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

// GitLab section names allow letters, digits, '_', '.' and '-'.
std::string gitlab_section(std::size_t index, std::string_view name) {
  std::string out = "keel_" + std::to_string(index) + "_";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

// Where jobs' output goes; every write holds the one lock, so lines and
// whole outputs never interleave.
class Printer {
 public:
  enum class Style { plain, prefixed, grouped };

  Printer(std::ostream& out, std::ostream& err, Style style, CiMarkers ci, bool keep_output)
      : m_out(out), m_err(err), m_style(style), m_ci(ci), m_keep(keep_output) {}

  struct Stream {
    std::string pending;  // prefixed: the line not yet ended
  };

  struct JobOutput {
    std::size_t index = 0;
    std::string name;
    Stream out, err;
    std::string whole;  // grouped: both streams, in order
    std::string kept_out, kept_err;
  };

  // Markers are printed around the streamed output when one job runs at a
  // time; concurrent jobs are grouped anyway under CI (see choose_style).
  void begin(JobOutput& j) {
    if (m_style != Style::plain) return;
    std::lock_guard lock(m_lock);
    open_marker(j);
    m_out.flush();
  }

  process::Output stdout_for(JobOutput& j) {
    return process::Output::stream([this, &j](std::string_view chunk) { on_chunk(j, j.out, chunk, false); });
  }
  process::Output stderr_for(JobOutput& j) {
    if (m_style == Style::grouped) return process::Output::to_stdout();
    return process::Output::stream([this, &j](std::string_view chunk) { on_chunk(j, j.err, chunk, true); });
  }

  // A restored job's output, as it was printed when it ran.
  void replay(JobOutput& j, const std::string& out, const std::string& err) {
    if (!out.empty()) on_chunk(j, j.out, out, false);
    if (!err.empty()) on_chunk(j, j.err, err, m_style != Style::grouped);
  }

  // A line of keel's own about a job (a retry), in the job's output.
  void note(JobOutput& j, const std::string& line) {
    on_chunk(j, j.err, "keel: " + line + "\n", true);
  }

  void end(JobOutput& j, const JobResult& r) {
    std::lock_guard lock(m_lock);
    if (m_style == Style::prefixed) {
      flush_pending(j, j.out, m_out);
      flush_pending(j, j.err, m_err);
    }
    if (m_style == Style::grouped) {
      open_marker(j);
      if (m_ci == CiMarkers::none && !j.whole.empty()) m_out << "--- " << j.name << '\n';
      m_out << j.whole;
      if (!j.whole.empty() && j.whole.back() != '\n') m_out << '\n';
    }
    if (m_style != Style::prefixed) close_marker(j);
    if (m_ci == CiMarkers::github && (r.state == JobState::failed || r.state == JobState::timed_out))
      m_out << "::error title=keel run::" << github_escape("task " + j.name + " " + r.why) << '\n';
    m_out.flush();
    m_err.flush();
  }

 private:
  void open_marker(const JobOutput& j) {
    if (m_ci == CiMarkers::github) m_out << "::group::" << github_escape(j.name) << '\n';
    if (m_ci == CiMarkers::gitlab)
      m_out << "\x1b[0Ksection_start:" << std::time(nullptr) << ':' << gitlab_section(j.index, j.name)
            << "[collapsed=true]\r\x1b[0K" << j.name << '\n';
  }
  void close_marker(const JobOutput& j) {
    if (m_ci == CiMarkers::github) m_out << "::endgroup::\n";
    if (m_ci == CiMarkers::gitlab)
      m_out << "\x1b[0Ksection_end:" << std::time(nullptr) << ':' << gitlab_section(j.index, j.name) << "\r\x1b[0K\n";
  }

  void on_chunk(JobOutput& j, Stream& s, std::string_view chunk, bool is_err) {
    std::lock_guard lock(m_lock);
    if (m_keep) keep(is_err ? j.kept_err : j.kept_out, chunk);
    std::ostream& to = is_err ? m_err : m_out;
    switch (m_style) {
      case Style::plain:
        to << chunk;
        to.flush();
        break;
      case Style::grouped:
        j.whole.append(chunk);
        break;
      case Style::prefixed: {
        s.pending.append(chunk);
        std::size_t start = 0;
        for (std::size_t nl = s.pending.find('\n'); nl != std::string::npos; nl = s.pending.find('\n', start)) {
          to << '[' << j.name << "] ";
          to.write(s.pending.data() + start, static_cast<std::streamsize>(nl + 1 - start));
          start = nl + 1;
        }
        s.pending.erase(0, start);
        to.flush();
        break;
      }
    }
  }

  void flush_pending(const JobOutput& j, Stream& s, std::ostream& to) {
    if (s.pending.empty()) return;
    to << '[' << j.name << "] " << s.pending << '\n';
    s.pending.clear();
  }

  std::mutex m_lock;
  std::ostream& m_out;
  std::ostream& m_err;
  Style m_style;
  CiMarkers m_ci;
  bool m_keep;
};

Printer::Style choose_style(const std::vector<Job>& jobs, const RunOptions& o) {
  bool parallel = o.jobs > 1 && has_parallel_jobs(jobs);
  if (o.output == OutputMode::grouped) return Printer::Style::grouped;
  // CI markers cannot nest: concurrent jobs are printed whole.
  if (parallel && o.ci != CiMarkers::none) return Printer::Style::grouped;
  if (o.output == OutputMode::prefixed) return Printer::Style::prefixed;
  return parallel ? Printer::Style::prefixed : Printer::Style::plain;
}

bool holds(const std::string& c, const RunOptions& o) {
  if (c.rfind("env:", 0) == 0) {
    auto it = o.env.find(c.substr(4));
    return it != o.env.end() && !it->second.empty();
  }
  if (c.rfind("file:", 0) == 0) {
    std::error_code ec;
    return std::filesystem::exists(o.root / c.substr(5), ec);
  }
  if (c.rfind("branch:", 0) == 0) return !o.repo.branch.empty() && hooks::glob_match("/" + c.substr(7), o.repo.branch);
  if (c == "merge") return o.repo.merging;
  if (c == "rebase") return o.repo.rebasing;
  return false;
}

// Sleeps, waking early for a termination signal.
void pause_for(std::chrono::milliseconds delay) {
  auto until = Clock::now() + delay;
  while (Clock::now() < until && !process::interrupted())
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
}

struct JobRun {
  const TaskSpec& spec;
  const Job& job;
  const RunOptions& options;
  Printer& printer;
  std::string run_status;  // finally jobs: KEEL_RUN_STATUS
};

process::Environment environment(const JobRun& r, const Pairs& declared) {
  process::Environment env;
  env.set = r.options.command_env;
  env.set["KEEL_TASK"] = r.job.name;
  if (!r.run_status.empty()) env.set["KEEL_RUN_STATUS"] = r.run_status;
  for (const auto& [k, v] : declared) env.set[k] = v;
  return env;
}

JobResult failed_with(JobResult result, const Error& e, Printer& printer, Printer::JobOutput& output) {
  result.state = JobState::failed;
  result.exit_code = status(e.exit);
  result.why = e.message;
  printer.note(output, "error: " + e.message);
  return result;
}

JobResult run_job(const JobRun& r, Printer::JobOutput& output, const std::vector<std::string>& dep_keys) {
  JobResult result;
  result.name = r.job.name;
  auto started = Clock::now();
  if (std::string why = unmet_condition(r.spec.conditions, r.options); !why.empty()) {
    result.state = JobState::skipped;
    result.why = why;
    return result;
  }
  auto declared = declared_env(r.spec, r.job, r.options.root);
  if (!declared) return failed_with(result, declared.error(), r.printer, output);
  auto env = environment(r, *declared);
  const CacheSetup* cache = r.spec.inputs.empty() ? nullptr : r.options.cache;
  if (cache) {
    auto check = check_cache(*cache, r.spec, r.job, r.options.root, *declared, dep_keys);
    if (!check) return failed_with(result, check.error(), r.printer, output);
    for (const auto& n : check->notes) r.printer.note(output, n);
    result.key = check->key;
    if (check->outcome != CacheCheck::Outcome::miss) {
      r.printer.replay(output, check->out, check->err);
      result.state = check->outcome == CacheCheck::Outcome::up_to_date ? JobState::up_to_date : JobState::restored;
      result.duration = Clock::now() - started;
      return result;
    }
    if (!r.job.restore_only) result.cache_miss = true;
  }
  if (r.job.restore_only) {
    result.state = JobState::skipped;
    result.why = cache ? "--only: not in the cache" : "--only";
    return result;
  }
  const std::vector<std::string>& shell = r.spec.shell.empty() ? r.options.shell : r.spec.shell;
  std::filesystem::path cwd = r.options.root / r.job.dir;
  unsigned retries = r.options.no_retry ? 0 : r.spec.retries;
  for (unsigned attempt = 0; attempt <= retries; ++attempt) {
    result.attempts = attempt + 1;
    auto attempt_started = Clock::now();
    result.state = JobState::passed;
    for (const auto& call : r.job.commands) {
      auto c = process::Command::shell_command(call.script, call.args, shell, call.compact);
      c.cwd = cwd;
      c.env = env;
      c.grace_period = r.options.grace_period;
      if (r.spec.timeout) {
        auto left = *r.spec.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - attempt_started);
        c.timeout = std::max(left, std::chrono::milliseconds(1));
      }
      if (r.spec.interactive) {
        c.foreground = true;
        c.in = process::Input::inherit();
      } else {
        c.out = r.printer.stdout_for(output);
        c.err = r.printer.stderr_for(output);
      }
      process::Outcome o = process::run(c);
      if (o.ok()) continue;
      result.exit_code = o.exit_code;
      if (o.interrupted) {
        result.state = JobState::cancelled;
        result.why = "cancelled";
      } else if (o.timed_out) {
        result.state = JobState::timed_out;
        result.why = "timeout " + format_duration(*r.spec.timeout);
      } else {
        result.state = JobState::failed;
        result.why = o.start_error ? o.start_error->message : "exit " + std::to_string(o.exit_code);
        if (o.start_error) r.printer.note(output, "error: " + o.start_error->message);
      }
      break;
    }
    if (result.state == JobState::passed || result.state == JobState::cancelled || attempt == retries) break;
    auto delay = r.spec.retry_delay * (1u << std::min(attempt, 20u));
    r.printer.note(output, r.job.name + " " + result.why + ", retrying in " +
                               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()) +
                               "ms (attempt " + std::to_string(attempt + 2) + " of " +
                               std::to_string(retries + 1) + ")");
    pause_for(delay);
    if (process::interrupted()) {
      result.state = JobState::cancelled;
      result.why = "cancelled";
      break;
    }
  }
  if (cache && result.state == JobState::passed) {
    auto stored = store_outputs(*cache, r.spec, r.job, r.options.root, result.key, output.kept_out, output.kept_err);
    if (stored.missing_output) {
      result = failed_with(result, *stored.missing_output, r.printer, output);
    } else if (stored.store_error && !cache->store_failed.exchange(true)) {
      r.printer.note(output, "warning: " + stored.store_error->message + "; the run goes on without storing in the cache");
    }
  }
  if (result.state == JobState::failed || result.state == JobState::timed_out)
    result.allowed = r.spec.continue_on_error;
  result.duration = Clock::now() - started;
  return result;
}

// Done well enough for dependents to run.
bool satisfied(const JobResult& r) {
  return r.state == JobState::passed || r.state == JobState::skipped || r.state == JobState::up_to_date ||
         r.state == JobState::restored || r.allowed;
}

class Scheduler {
 public:
  Scheduler(const std::vector<TaskSpec>& specs, const std::vector<Job>& jobs, const RunOptions& options,
            Printer& printer, std::string run_status, bool stop_on_failure)
      : m_specs(specs),
        m_jobs(jobs),
        m_options(options),
        m_printer(printer),
        m_run_status(std::move(run_status)),
        m_stop_on_failure(stop_on_failure),
        m_state(jobs.size(), State::waiting),
        m_results(jobs.size()),
        m_outputs(jobs.size()) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      m_results[i].name = jobs[i].name;
      m_outputs[i].index = i;
      m_outputs[i].name = jobs[i].name;
    }
  }

  std::vector<JobResult> run() {
    std::size_t threads = std::max<std::size_t>(1, std::min<std::size_t>(m_options.jobs, m_jobs.size()));
    for_each_index_on(threads, threads, [&](std::size_t) { work(); });
    for (std::size_t i = 0; i < m_jobs.size(); ++i) {
      if (m_state[i] != State::waiting) continue;
      m_results[i].state = process::interrupted() ? JobState::cancelled : JobState::not_run;
      m_results[i].why = process::interrupted() ? "cancelled" : "not started: " + m_stop_reason;
    }
    return std::move(m_results);
  }

  bool failed() const { return m_failed; }

 private:
  enum class State { waiting, running, done };

  void work() {
    std::unique_lock lock(m_lock);
    for (;;) {
      if (m_stopped || process::interrupted()) break;
      std::optional<std::size_t> next = pick();
      if (!next) {
        if (m_running == 0) break;  // nothing runs, nothing can start: all done
        m_wake.wait(lock);
        continue;
      }
      std::size_t i = *next;
      m_state[i] = State::running;
      ++m_running;
      bool alone = m_specs[m_jobs[i].task].interactive;
      if (alone) m_exclusive = true;
      std::vector<std::string> dep_keys;
      for (std::size_t d : m_jobs[i].deps)
        dep_keys.push_back(m_results[d].key.empty() ? "uncached:" + m_results[d].name : m_results[d].key);
      lock.unlock();
      JobRun r{m_specs[m_jobs[i].task], m_jobs[i], m_options, m_printer, m_run_status};
      m_printer.begin(m_outputs[i]);
      JobResult result = run_job(r, m_outputs[i], dep_keys);
      result.out = std::move(m_outputs[i].kept_out);
      result.err = std::move(m_outputs[i].kept_err);
      m_printer.end(m_outputs[i], result);
      lock.lock();
      m_results[i] = std::move(result);
      m_state[i] = State::done;
      --m_running;
      if (alone) m_exclusive = false;
      const JobResult& done = m_results[i];
      if ((done.state == JobState::failed || done.state == JobState::timed_out) && !done.allowed) {
        m_failed = true;
        if (m_stop_on_failure && !m_stopped) {
          m_stopped = true;
          m_stop_reason = "task " + quote(done.name) + " failed";
        }
      }
      m_wake.notify_all();
    }
    m_wake.notify_all();
  }

  // The first waiting job whose deps are done; jobs whose deps failed are
  // marked not run on the way.
  std::optional<std::size_t> pick() {
    if (m_exclusive) return std::nullopt;
    for (std::size_t i = 0; i < m_jobs.size(); ++i) {
      if (m_state[i] != State::waiting) continue;
      bool ready = true;
      const JobResult* blocked = nullptr;
      for (std::size_t d : m_jobs[i].deps) {
        if (m_state[d] != State::done) ready = false;
        else if (!satisfied(m_results[d])) blocked = &m_results[d];
      }
      if (blocked) {
        m_state[i] = State::done;
        m_results[i].state = JobState::not_run;
        m_results[i].why = "dependency " + quote(blocked->name) + " " +
                           (blocked->state == JobState::timed_out ? "timed out" : "failed");
        continue;  // its dependents come later in the order and see it done
      }
      if (!ready) continue;
      if (m_specs[m_jobs[i].task].interactive && m_running > 0) return std::nullopt;
      return i;
    }
    return std::nullopt;
  }

  const std::vector<TaskSpec>& m_specs;
  const std::vector<Job>& m_jobs;
  const RunOptions& m_options;
  Printer& m_printer;
  std::string m_run_status;
  bool m_stop_on_failure;
  std::mutex m_lock;
  std::condition_variable m_wake;
  std::vector<State> m_state;
  std::vector<JobResult> m_results;
  std::vector<Printer::JobOutput> m_outputs;
  std::size_t m_running = 0;
  bool m_exclusive = false;
  bool m_stopped = false;
  bool m_failed = false;
  std::string m_stop_reason;
};

}  // namespace

Result<Pairs> declared_env(const TaskSpec& spec, const Job& job, const std::filesystem::path& root) {
  Pairs env;
  if (!spec.env_file.empty()) {
    auto text = fs::read_file(root / job.dir / spec.env_file);
    if (!text)
      return Error{"cannot read env_file " + quote(spec.env_file) + " of task " + quote(spec.name) + ": " +
                       text.error().message,
                   {}, Exit::config};
    auto vars = parse_dotenv(*text, spec.env_file);
    if (!vars) return vars.error();
    env = std::move(vars).value();
  }
  env.insert(env.end(), job.env.begin(), job.env.end());
  return env;
}

std::string unmet_condition(const std::vector<std::string>& conditions, const RunOptions& options) {
  for (const auto& c : conditions)
    if (!holds(c, options)) return "if: " + c;
  return {};
}

bool has_parallel_jobs(const std::vector<Job>& jobs) {
  // Depth by longest path: two jobs at one depth are unordered, and when
  // every depth has one job, each depends on the one before: a chain.
  std::vector<std::size_t> depth(jobs.size(), 0);
  std::vector<std::size_t> per_depth;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    for (std::size_t d : jobs[i].deps) depth[i] = std::max(depth[i], depth[d] + 1);
    if (per_depth.size() <= depth[i]) per_depth.resize(depth[i] + 1, 0);
    if (++per_depth[depth[i]] > 1) return true;
  }
  return false;
}

RunResult run_plan(const std::vector<TaskSpec>& specs, const JobPlan& plan, const RunOptions& options,
                   std::ostream& out, std::ostream& err) {
  RunResult result;
  auto started = Clock::now();
  // Ctrl-C between two jobs must not end keel before the finally jobs.
  process::DeferTermination defer;
  {
    Printer printer(out, err, choose_style(plan.jobs, options), options.ci, options.keep_output || options.cache);
    Scheduler main(specs, plan.jobs, options, printer, {}, !options.keep_going);
    result.jobs = main.run();
    result.failed = main.failed();
  }
  result.cancelled = process::interrupted();
  if (!plan.finally.empty()) {
    std::string status = result.cancelled ? "cancelled" : result.failed ? "failure" : "success";
    // The run's own signal is over; finally jobs start, and a new signal
    // stops them as any other.
    process::clear_interrupted();
    Printer printer(out, err, choose_style(plan.finally, options), options.ci, options.keep_output);
    Scheduler finally(specs, plan.finally, options, printer, status, false);
    result.finally = finally.run();
    if (finally.failed()) result.failed = true;
    if (process::interrupted()) result.cancelled = true;
  }
  result.duration = Clock::now() - started;
  return result;
}

}  // namespace keel::pipeline
