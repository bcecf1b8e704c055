#include "hooks/run.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <set>
#include <sstream>
#include <thread>

#include "core/parallel.hpp"
#include "fs/fs.hpp"
#include "git/files.hpp"
#include "git/refs.hpp"
#include "git/stage.hpp"
#include "hooks/backup.hpp"
#include "hooks/files.hpp"
#include "hooks/names.hpp"
#include "hooks/template.hpp"
#include "process/process.hpp"

namespace keel::hooks {

namespace stdfs = std::filesystem;

namespace {

enum class Verdict { passed, failed, skipped };

struct Planned {
  const CommandSettings* settings = nullptr;
  bool selected = true;                 // false: --command named another one; not run, not reported
  std::optional<std::string> skipped;   // why it does not run
  std::vector<process::Command> batches;
  std::vector<std::string> inputs;      // its files, relative to the work tree root (stage_fixed)
};

struct Finished {
  Verdict verdict = Verdict::skipped;
  std::string why;     // skip reason or failure detail
  std::string output;  // everything the command wrote
  process::Clock::duration duration{};
  int exit_code = 0;
};

// The lists of files, read once and only when some command asks.
class FileSource {
 public:
  FileSource(const git::Repository& repo, const std::string& hook, const RunRequest& request)
      : m_repo(repo), m_hook(hook), m_request(request) {}

  Result<const std::vector<std::string>*> get(FileSet set) {
    auto it = m_cache.find(set);
    if (it != m_cache.end()) return &it->second;
    auto files = load(set);
    if (!files) return files.error();
    return &(m_cache[set] = std::move(files).value());
  }

  // The set chosen on the command line replaces the hook's own files.
  bool overridden() const {
    return m_request.all_files || !m_request.files.empty() || !m_request.from_ref.empty();
  }

 private:
  Result<std::vector<std::string>> load(FileSet set) {
    if (set == FileSet::all) return all_files(m_repo);
    if (overridden()) return chosen();
    if (set == FileSet::push || (set == FileSet::files && m_hook == "pre-push"))
      return push_files(m_repo, m_request.stdin_text, m_request.args.empty() ? std::string() : m_request.args[0]);
    return staged_files(m_repo);
  }

  Result<std::vector<std::string>> chosen() {
    if (m_request.all_files) return all_files(m_repo);
    if (!m_request.files.empty()) return m_request.files;
    auto from = git::resolve_commit(m_repo, m_request.from_ref);
    if (!from) return from.error();
    auto to = git::resolve_commit(m_repo, m_request.to_ref);
    if (!to) return to.error();
    return git::changed_between(m_repo, *from, *to);
  }

  const git::Repository& m_repo;
  std::string m_hook;
  const RunRequest& m_request;
  std::map<FileSet, std::vector<std::string>> m_cache;
};

bool listed(const CommandSettings& c, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (n == c.name || std::find(c.tags.begin(), c.tags.end(), n) != c.tags.end()) return true;
  return false;
}

std::string prefixed(const std::string& root, const std::string& rel) { return root.empty() ? rel : root + "/" + rel; }

// Only stage_fixed looks at a command's inputs; a thousand staged files
// would otherwise be copied once more into a set for nothing.
void add_inputs(std::set<std::string>& inputs, const std::string& root, const std::vector<std::string>& files) {
  for (const auto& f : files) inputs.insert(prefixed(root, f));
}

std::string none_match(FileSet set) {
  switch (set) {
    case FileSet::staged: return "no staged files match";
    case FileSet::all: return "no files match";
    case FileSet::push: return "no pushed files match";
    case FileSet::files: return "no files match";
  }
  return "no files match";
}

// lefthook's `files`: a shell command whose output lines are the files.
Result<std::vector<std::string>> files_from_command(const CommandSettings& c, const stdfs::path& cwd) {
  process::Command cmd = process::Command::shell_script(c.files_command);
  cmd.cwd = cwd;
  cmd.out = process::Output::capture();
  cmd.err = process::Output::capture();
  process::Outcome o = process::run(cmd);
  if (!o.ok()) return process::failure(o, "the files command of hook command " + quote(c.name) + " failed");
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < o.out.size()) {
    std::size_t end = o.out.find('\n', start);
    if (end == std::string::npos) end = o.out.size();
    std::string line = o.out.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

// A script command's file, passed to the shell as data like a file name.
constexpr const char* k_script_template = "keel_script_file";

// The shell text a command runs: its run, or for a script (lefthook's
// scripts) RUNNER FILE ARGS, the runner being shell text the user wrote.
std::string script_text(const CommandSettings& c) {
  if (c.script.empty()) return c.run;
  std::string text = "{" + std::string(k_script_template) + "} {0}";
  return c.runner.empty() ? text : c.runner + " " + text;
}

struct Planner {
  const git::Repository& repo;
  const HookSettings& hook;
  const RunRequest& request;
  const RunIo& io;
  FileSource& source;
  RepoState state;
  std::size_t limit;
  Backup* backup;  // set while unstaged changes are hidden: each command is noted in it

  Result<Planned> plan(const CommandSettings& c) {
    Planned p;
    p.settings = &c;
    if (listed(c, request.skip)) {
      p.skipped = "KEEL_SKIP";
      return p;
    }
    if (listed(c, hook.exclude_tags)) {
      p.skipped = "exclude_tags";
      return p;
    }
    if (auto why = skip_reason(c.skip, c.only, state)) {
      p.skipped = *why;
      return p;
    }
    stdfs::path workdir = repo.workdir();
    std::string run = script_text(c);
    auto sets = file_templates(run);
    Expansion values;
    values.args = request.args;
    for (const char* name : {"job_name", "lefthook_job_name"}) values.named[name] = {c.name};
    if (!c.script.empty()) values.named[k_script_template] = {(stdfs::path(repo.workdir()) / c.script).string()};
    std::set<std::string> inputs;
    bool any_files = false;
    std::optional<std::vector<std::string>> listed_files;
    if (!c.files_command.empty()) {
      auto listed = files_from_command(c, workdir.empty() ? repo.git_dir() : workdir);
      if (!listed) return listed.error();
      listed_files = std::move(listed).value();
    }
    for (FileSet set : sets) {
      const std::vector<std::string>* files_of_set = nullptr;
      if (set == FileSet::files && listed_files) {
        files_of_set = &*listed_files;
      } else {
        auto files = source.get(set);
        if (!files) return files.error();
        files_of_set = *files;
      }
      auto chosen = filter_files(*files_of_set, c, workdir);
      any_files = any_files || !chosen.empty();
      if (c.stage_fixed) add_inputs(inputs, c.root, chosen);
      values.files[set] = std::move(chosen);
    }
    if (!sets.empty() && !any_files) {
      p.skipped = none_match(sets.front());
      return p;
    }
    if (sets.empty() && (c.has_filters() || c.stage_fixed || listed_files)) {
      // No template: filters still decide whether the command runs, and the
      // hook's files are what stage_fixed looks at.
      const std::vector<std::string>* files_of_hook = listed_files ? &*listed_files : nullptr;
      if (!files_of_hook) {
        auto files = source.get(FileSet::files);
        if (!files) return files.error();
        files_of_hook = *files;
      }
      auto chosen = filter_files(*files_of_hook, c, workdir);
      if (chosen.empty() && c.has_filters()) {
        p.skipped = none_match(FileSet::files);
        return p;
      }
      if (c.stage_fixed) add_inputs(inputs, c.root, chosen);
    }
    p.inputs.assign(inputs.begin(), inputs.end());

    std::vector<ShellCall> calls;
    if (sets.empty()) {
      calls.push_back(expand(run, values));
    } else {
      auto batches = expand_batched(run, values, sets.front(), limit);
      if (!batches) return Error{"hook command " + quote(c.name) + " cannot fit one file name on a command line", {},
                                 Exit::failed};
      calls = std::move(batches).value();
    }
    stdfs::path cwd = workdir.empty() ? repo.git_dir() : workdir;
    if (!c.root.empty()) cwd /= c.root;
    for (auto& call : calls) {
      process::Command cmd = process::Command::shell_command(std::move(call.script), std::move(call.args), io.shell,
                                                             std::move(call.compact));
      cmd.cwd = cwd;
      cmd.env.set = io.command_env;
      for (const auto& [name, value] : c.env) cmd.env.set[name] = value;
      cmd.grace_period = io.grace_period;
      if (backup) {
        cmd.env.set[k_run_variable] = backup->token();
        bool own_group = !c.interactive;
        cmd.on_start = [b = backup, own_group](int pid) { (void)b->record_command(own_group ? -pid : pid); };
      }
      if (c.interactive) {
        cmd.foreground = true;
        cmd.in = process::Input::inherit();
        cmd.out = process::Output::inherit();
        cmd.err = process::Output::inherit();
      } else {
        if (!request.stdin_text.empty() && (reads_stdin(hook.name) || c.use_stdin))
          cmd.in = process::Input::data(request.stdin_text);
        cmd.out = process::Output::capture();
        cmd.err = process::Output::to_stdout();
      }
      p.batches.push_back(std::move(cmd));
    }
    return p;
  }
};

// Cheap identity of a file's bytes, to see which inputs a command changed.
std::optional<std::size_t> fingerprint(const stdfs::path& file) {
  auto bytes = fs::read_file(file, std::size_t(1) << 40);
  if (!bytes) return std::nullopt;
  return std::hash<std::string>{}(*bytes);
}

using Fingerprints = std::map<std::string, std::optional<std::size_t>>;

Fingerprints fingerprints(const stdfs::path& root, const std::vector<std::string>& files) {
  Fingerprints out;
  for (const auto& f : files) out[f] = fingerprint(root / f);
  return out;
}

// `follow`: the output goes to it as it comes instead of into f.output.
Finished execute(const Planned& p, const process::ChunkHandler& follow) {
  Finished f;
  f.verdict = Verdict::passed;
  for (const auto& planned : p.batches) {
    process::Outcome o;
    if (follow && planned.out.kind == process::Output::Kind::capture) {
      process::Command cmd = planned;
      cmd.out = process::Output::stream(follow);
      o = process::run(cmd);
    } else {
      o = process::run(planned);
    }
    f.duration += o.duration;
    f.output += o.out;
    if (o.start_error) {
      f.output += "keel: error: " + o.start_error->message + "\n";
      // The summary gives the PATH hint for exit 127 once for all commands.
      if (!o.start_error->hint.empty() && o.exit_code != 127) f.output += "hint: " + o.start_error->hint + "\n";
    }
    if (!o.ok() && f.verdict == Verdict::passed) {
      f.verdict = Verdict::failed;
      f.exit_code = o.exit_code;
      if (o.interrupted)
        f.why = "interrupted";
      else if (o.stopped_by_terminal)
        f.why = "stopped: it read from the terminal (set interactive = true for a command that prompts)";
      else if (o.signal)
        f.why = "killed by signal " + std::to_string(o.signal);
      else
        f.why = "exit " + std::to_string(o.exit_code);
      if (o.exit_code == 127) f.why += ", command not found";
    }
    if (o.interrupted) break;
  }
  return f;
}

std::string seconds(process::Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", std::chrono::duration<double>(d).count());
  return buf;
}

class Printer {
 public:
  Printer(RunIo& io, const HookSettings& hook) : m_io(io), m_hook(hook.name), m_parts(hook.output) {}

  // follow: the heading when the command starts, its output as it comes.
  void started(const CommandSettings& c) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_parts.execution_info && m_parts.execution_out) m_io.out << paint("--- " + c.name, "1") << '\n' << std::flush;
  }
  void chunk(std::string_view text) {
    if (!m_parts.execution_out) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_io.out << text << std::flush;
  }

  // A finished command's output, whole (with follow: only keel's own notes,
  // the command's output having been printed as it came).
  void output(const CommandSettings& c, const Finished& f, bool followed) {
    if (f.output.empty()) return;
    bool failed = f.verdict == Verdict::failed;
    if (!m_parts.execution_out && !(failed && m_parts.failed_out)) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!followed && (m_parts.execution_info || !m_parts.execution_out)) m_io.out << paint("--- " + c.name, "1") << '\n';
    m_io.out << f.output;
    if (f.output.back() != '\n') m_io.out << '\n';
    m_io.out.flush();
  }

  void skipped_hook(const std::string& why) {
    if (m_parts.skips) m_io.out << m_hook << ": skipped (" << why << ")\n";
  }

  void summary(const std::vector<Planned>& plans, const std::vector<Finished>& results) {
    std::ostringstream lines;
    bool not_found = false;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (!plans[i].selected) continue;
      const auto& c = *plans[i].settings;
      const auto& f = results[i];
      switch (f.verdict) {
        case Verdict::passed:
          if (!m_parts.summary || !m_parts.success) break;
          lines << "  " << paint("passed ", "32") << ' ' << c.name << " (" << seconds(f.duration) << ")\n";
          break;
        case Verdict::failed:
          if (!m_parts.failure) break;
          lines << "  " << paint("failed ", "31") << ' ' << c.name;
          if (f.duration.count()) lines << " (" << seconds(f.duration) << ")";
          lines << ": " << (c.fail_text.empty() ? f.why : c.fail_text + " (" + f.why + ")") << '\n';
          not_found = not_found || f.exit_code == 127;
          break;
        case Verdict::skipped:
          if (!m_parts.summary || !m_parts.skips) break;
          lines << "  " << paint("skipped", "33") << ' ' << c.name << ": " << f.why << '\n';
          break;
      }
    }
    std::string text = lines.str();
    if (m_parts.summary && (!text.empty() || m_parts.empty_summary)) m_io.out << m_hook << ":\n";
    m_io.out << text;
    if (not_found) {
      const char* path = std::getenv("PATH");
      m_io.out << "hint: exit 127 means the shell did not find a program; install it or add its directory to PATH ("
               << (path ? path : "") << ")\n";
    }
    m_io.out.flush();
  }

 private:
  std::string paint(const std::string& text, const char* code) const {
    return m_io.color ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
  }
  RunIo& m_io;
  std::string m_hook;
  OutputParts m_parts;
  std::mutex m_mutex;
};

class Executor {
 public:
  Executor(const git::Repository& repo, const HookSettings& hook, std::vector<Planned>& plans, Printer& printer,
           const RepoState& state)
      : m_repo(repo), m_hook(hook), m_plans(plans), m_printer(printer), m_state(state), m_results(plans.size()) {}

  // plans[i] is hook.commands[i]; hook.tree says how they run.
  std::vector<Finished> run(unsigned jobs) {
    m_jobs = jobs;
    m_slots = std::make_unique<std::counting_semaphore<>>(std::max(1u, jobs));
    for (std::size_t i = 0; i < m_plans.size(); ++i)
      if (m_plans[i].skipped) m_results[i].why = *m_plans[i].skipped;
    run_node(m_hook.tree, true);
    for (std::size_t i : m_interactive) one(i);  // alone, with the terminal
    return std::move(m_results);
  }

  bool stage_failed() const { return m_stage_failed; }
  // Paths stage_fixed staged.
  const std::set<std::string>& staged() const { return m_staged; }

 private:
  bool runs(std::size_t i) const { return m_plans[i].selected && !m_plans[i].skipped; }

  // A group runs its children at once (parallel) or in order; a piped
  // group starts none after one has failed. Interactive commands wait until
  // the end, to run alone. However groups nest, at most `jobs` commands run
  // at once (m_slots).
  void run_node(const JobNode& node, bool top) {
    if (node.leaf()) {
      if (!runs(node.command)) return;
      if (m_plans[node.command].settings->interactive) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_interactive.push_back(node.command);  // at any depth: it needs the terminal to itself
        return;
      }
      one(node.command);
      return;
    }
    if (!top) {
      if (auto why = skip_reason(node.skip, node.only, m_state)) {
        mark(node, "group " + quote(node.name) + ": " + *why);
        return;
      }
    }
    std::vector<const JobNode*> children;
    for (const auto& child : node.children)
      if (!child.leaf() || runs(child.command)) children.push_back(&child);
    if (node.parallel) {
      unsigned threads = std::max(1u, std::min<unsigned>(m_jobs, static_cast<unsigned>(children.size())));
      for_each_index_on(threads, children.size(), [&](std::size_t k) { run_node(*children[k], false); });
      return;
    }
    bool failed = false;
    for (const JobNode* child : children) {
      if (failed) {
        mark(*child, "an earlier job of group " + quote(node.name) + " failed (piped)");
        continue;
      }
      run_node(*child, false);
      if (node.piped && !top) {
        std::lock_guard<std::mutex> lock(m_mutex);
        failed = any_failed(*child);
      }
    }
  }

  // Why each command under `node` did not run.
  void mark(const JobNode& node, const std::string& why) {
    if (node.leaf()) {
      if (m_plans[node.command].selected) m_results[node.command].why = why;
      return;
    }
    for (const auto& child : node.children) mark(child, why);
  }

  bool any_failed(const JobNode& node) const {
    if (node.leaf()) return m_results[node.command].verdict == Verdict::failed;
    return std::any_of(node.children.begin(), node.children.end(), [&](const JobNode& c) { return any_failed(c); });
  }

  void one(std::size_t i) {
    const Planned& p = m_plans[i];
    Finished& f = m_results[i];
    if (m_stop || process::interrupted()) {
      f.why = m_stop ? "an earlier command failed (fail_fast)" : "interrupted";
      return;
    }
    Fingerprints before;
    if (p.settings->stage_fixed) before = fingerprints(m_repo.workdir(), p.inputs);
    // Streamed only when it is printed: output = false keeps a failure's whole.
    bool follow = m_hook.follow && m_hook.output.execution_out && !p.settings->interactive;
    if (follow) m_printer.started(*p.settings);
    m_slots->acquire();
    f = execute(p, follow ? process::ChunkHandler([this](std::string_view text) { m_printer.chunk(text); })
                          : process::ChunkHandler());
    m_slots->release();
    std::lock_guard<std::mutex> lock(m_mutex);
    if (f.verdict == Verdict::passed && p.settings->stage_fixed) stage_changed(before, f);
    if (f.verdict == Verdict::failed && m_hook.fail_fast) m_stop = true;
    m_printer.output(*p.settings, f, follow);
  }

  // stage_fixed: exactly the inputs whose bytes the command changed.
  void stage_changed(const Fingerprints& before, Finished& f) {
    std::vector<std::string> changed;
    for (const auto& [path, print] : before) {
      auto now = fingerprint(m_repo.workdir() / path);
      if (now && now != print) changed.push_back(path);
    }
    if (changed.empty()) return;
    auto st = git::stage_content(m_repo, changed);
    if (!st) {
      f.verdict = Verdict::failed;
      f.why = st.error().message;
      m_stage_failed = true;
      return;
    }
    for (const auto& path : st->type_changed)
      f.output += "keel: warning: not staging " + quote(path) +
                  ": the work tree has another kind of file there than the index (a symlink for a file, say)\n";
    if (st->staged.empty()) return;
    m_staged.insert(st->staged.begin(), st->staged.end());
    f.output += "keel: staged " + std::to_string(st->staged.size()) + (st->staged.size() == 1 ? " file" : " files") +
                " the command changed\n";
  }

  const git::Repository& m_repo;
  const HookSettings& m_hook;
  std::vector<Planned>& m_plans;
  Printer& m_printer;
  const RepoState& m_state;
  std::vector<Finished> m_results;
  std::vector<std::size_t> m_interactive;
  unsigned m_jobs = 1;
  std::unique_ptr<std::counting_semaphore<>> m_slots;
  std::mutex m_mutex;
  std::atomic<bool> m_stop{false};
  bool m_stage_failed = false;
  std::set<std::string> m_staged;
};

// What the index holds for a conflicted path, in the user's words.
std::string index_state(const std::string& path, const std::set<std::string>& fixed_and_staged) {
  return fixed_and_staged.count(path) ? "the index holds the command's version (stage_fixed staged it)"
                                      : "the index holds what you staged";
}

void report_restore(const RestoreReport& r, const std::set<std::string>& fixed_and_staged, const stdfs::path& root,
                    std::ostream& err) {
  for (const auto& path : r.merged)
    err << "keel: note: kept a command's changes to " << quote(path) << " together with your unstaged changes\n";
  for (const auto& path : r.conflicted) {
    err << "keel: error: a command's changes to " << quote(path)
        << " conflict with your unstaged changes: the work tree has your version back, "
        << index_state(path, fixed_and_staged);
    auto saved = r.saved.find(path);
    if (saved == r.saved.end()) {
      err << ", and the command had deleted the file\n";
      continue;
    }
    err << ", and the command's version is saved in " << quote(saved->second.string()) << '\n';
    err << "hint: to take the command's version: cp " << shell_quote(saved->second.string()) << ' '
        << shell_quote((root / path).string()) << '\n';
  }
}

// The unstaged changes of partially staged files, hidden so that commands
// see what will be committed, and put back on every way out of run_hook:
// by restore(), which reports, or by the destructor when an error or an
// exception leaves early. While they are hidden, a termination signal
// (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE) stops the commands but never
// ends keel before they are back; the run lock is held throughout.
class HiddenChanges {
 public:
  // Returns nullopt when no file is partially staged.
  static Result<std::unique_ptr<HiddenChanges>> hide(const git::Repository& repo, FileSource& source) {
    auto staged = source.get(FileSet::staged);
    if (!staged) return staged.error();
    auto partial = git::differing_from_index(repo, **staged);
    if (!partial) return partial.error();
    if (partial->empty()) return std::unique_ptr<HiddenChanges>();
    auto hidden = std::make_unique<HiddenChanges>();
    auto lock = RunLock::acquire(repo);
    if (!lock) return lock.error();
    hidden->m_lock.emplace(std::move(lock).value());
    auto backup = Backup::hide(repo, *partial);
    if (!backup) return backup.error();
    if (!*backup) return std::unique_ptr<HiddenChanges>();
    hidden->m_backup.emplace(std::move(**backup));
    return hidden;
  }

  ~HiddenChanges() {
    if (!m_backup || m_restored) return;
    // Runs while an error or exception leaves run_hook; nothing may escape a
    // destructor. Whatever fails here, the backup stays for recover().
    try {
      (void)m_backup->restore();
    } catch (...) {
    }
  }

  Result<RestoreReport> restore() {
    m_restored = true;
    return m_backup->restore();
  }

  Backup& backup() { return *m_backup; }

  HiddenChanges() = default;
  HiddenChanges(const HiddenChanges&) = delete;
  HiddenChanges& operator=(const HiddenChanges&) = delete;

 private:
  // Destroyed in reverse: the backup is restored, then the lock released,
  // then signals may end keel again.
  process::DeferTermination m_defer;
  std::optional<RunLock> m_lock;
  std::optional<Backup> m_backup;
  bool m_restored = false;
};

// hooks.rc: the file sourced by the user's shell, and what it exported
// that keel's own environment lacks or holds otherwise, for every command.
// The path reaches the shell as "$1", never as script text.
Status apply_rc(const git::Repository& repo, const std::string& rc, RunIo& io) {
  stdfs::path file = rc;
  if (rc.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    file = stdfs::path(home ? home : "") / rc.substr(2);
  } else if (file.is_relative()) {
    file = (repo.is_bare() ? repo.git_dir() : repo.workdir()) / file;
  }
  std::error_code ec;
  if (!stdfs::is_regular_file(file, ec)) return ok_status();  // as lefthook: [ -f rc ] && . rc
  // As lefthook's hook script: set -a exports plain assignments too, and the
  // rc's last status does not count (nvm's snippet ends in a test that may
  // fail); a syntax error still ends the shell.
  auto cmd = process::Command::shell_command("set -a; . \"$1\" >&2; exec env -0", {file.string()}, io.shell);
  cmd.cwd = repo.is_bare() ? repo.git_dir() : repo.workdir();
  cmd.env.set = io.command_env;
  cmd.out = process::Output::capture();
  cmd.err = process::Output::capture();
  process::Outcome o = process::run(cmd);
  if (!o.ok()) return process::failure(o, "hooks.rc " + quote(file.string()) + " failed");
  // What the commands would get without the rc.
  std::set<std::string> own;
  for (const auto& entry : io.environment)
    if (!io.command_env.count(entry.substr(0, entry.find('=')))) own.insert(entry);
  for (const auto& [name, value] : io.command_env) own.insert(name + "=" + value);
  std::size_t start = 0;
  while (start < o.out.size()) {
    std::size_t end = o.out.find('\0', start);
    if (end == std::string::npos) end = o.out.size();
    std::string entry = o.out.substr(start, end - start);
    start = end + 1;
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || own.count(entry)) continue;
    std::string name = entry.substr(0, eq);
    if (name == "PWD" || name == "OLDPWD" || name == "SHLVL" || name == "_") continue;  // the shell's own
    io.command_env[name] = entry.substr(eq + 1);
  }
  return ok_status();
}

unsigned job_count(const HookSettings& hook, const RunRequest& request) {
  if (request.jobs) return request.jobs;
  if (hook.jobs) return hook.jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Result<bool> restore_backup(const git::Repository& repo, std::ostream& err, const RecoverOptions& options) {
  if (repo.is_bare()) return false;
  std::error_code ec;
  if (!stdfs::exists(Backup::directory(repo), ec)) return false;
  process::DeferTermination defer;
  auto lock = RunLock::acquire(repo);
  if (!lock) return lock.error();
  auto report = recover(repo, options);
  if (!report) return report.error();
  if (!*report) return false;
  const RestoreReport& r = **report;
  for (pid_t target : r.stopped)
    err << "keel: stopped " << (target < 0 ? "process group " + std::to_string(-target) : "process " + std::to_string(target))
        << ", left running by an interrupted hook run\n";
  if (!r.merged.empty() || r.conflicted.empty()) {
    err << "keel: restored the unstaged changes an interrupted hook run had hidden";
    if (!r.merged.empty()) err << " (" << r.merged.size() << (r.merged.size() == 1 ? " file" : " files") << ")";
    err << '\n';
  }
  for (const auto& path : r.conflicted) {
    err << "keel: warning: " << quote(path) << " changed after the interrupted run; it stays as it is now";
    auto saved = r.saved.find(path);
    if (saved == r.saved.end()) {
      err << " (it was deleted in your work tree before the run)\n";
      continue;
    }
    err << ", and your version from before the run is saved in " << quote(saved->second.string()) << '\n';
    err << "hint: compare them with: git diff --no-index -- " << shell_quote(saved->second.string()) << ' '
        << shell_quote((repo.workdir() / path).string()) << '\n';
  }
  return true;
}

Result<int> run_hook(git::Repository& repo, const HookSettings& hook, const RunRequest& request, RunIo& io) {
  if (!hook.rc.empty())
    if (auto st = apply_rc(repo, hook.rc, io); !st) return st.error();
  RepoState state = repo_state(repo);
  // run:COMMAND conditions: the user's shell, in the work tree, output
  // dropped; data from the repository never reaches it as script text.
  state.succeeds = [&repo, &io](const std::string& command) {
    auto c = process::Command::shell_command(command, io.shell);
    c.cwd = repo.is_bare() ? repo.git_dir() : repo.workdir();
    for (const auto& [k, v] : io.command_env) c.env.set[k] = v;
    c.out = process::Output::capture();
    c.err = process::Output::capture();
    return process::run(c).ok();
  };
  Printer printer(io, hook);
  if (auto why = skip_reason(hook.skip, hook.only, state)) {
    printer.skipped_hook(*why);
    return 0;
  }
  if (auto restored = restore_backup(repo, io.err); !restored) return restored.error();

  FileSource source(repo, hook.name, request);
  std::unique_ptr<HiddenChanges> hidden;
  if (hook.name == "pre-commit" && !request.no_stash && !source.overridden() && !repo.is_bare()) {
    auto h = HiddenChanges::hide(repo, source);
    if (!h) return h.error();
    hidden = std::move(h).value();
  }

  // From here on `hidden` puts the changes back on every way out.
  std::vector<std::string> environment = io.environment;  // what a command's exec carries, the rc's included
  for (const auto& [k, v] : io.command_env) environment.push_back(k + "=" + v);
  Planner planner{repo, hook, request, io, source, state, command_line_limit(environment_size(environment)),
                  hidden ? &hidden->backup() : nullptr};
  std::vector<Planned> plans;
  std::optional<Error> problem;
  for (const auto& c : hook.commands) {
    if (!request.only_command.empty() && c.name != request.only_command) {
      plans.push_back(Planned{&c, false, {}, {}, {}});
      continue;
    }
    auto p = planner.plan(c);
    if (!p) {
      problem = p.error();
      break;
    }
    plans.push_back(std::move(p).value());
  }

  std::vector<Finished> results;
  std::set<std::string> fixed_and_staged;
  if (!problem) {
    Executor executor(repo, hook, plans, printer, state);
    results = executor.run(job_count(hook, request));
    fixed_and_staged = executor.staged();
  }

  bool restore_failed = false;
  if (hidden) {
    auto report = hidden->restore();
    if (!report) return report.error();
    report_restore(*report, fixed_and_staged, repo.workdir(), io.err);
    restore_failed = !report->conflicted.empty();
  }
  if (problem) return *problem;

  printer.summary(plans, results);
  bool failed = std::any_of(results.begin(), results.end(), [](const Finished& f) { return f.verdict == Verdict::failed; });
  return failed || restore_failed ? 1 : 0;
}

RepoState repo_state(const git::Repository& repo) {
  RepoState s;
  s.merging = git::merge_in_progress(repo);
  s.rebasing = git::rebase_in_progress(repo);
  if (auto head = git::head(repo); head && !head->detached) s.branch = head->branch;
  return s;
}

}  // namespace keel::hooks
