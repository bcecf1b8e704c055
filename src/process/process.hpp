#pragma once
// Running other programs: linters from git hooks, release before/after
// commands, pipeline steps. One blocking call covers them all:
//
//   Command lint = Command::shell_script("cargo fmt --check");
//   lint.out = Output::capture();
//   lint.err = Output::to_stdout();  // one string, in the order written
//   lint.timeout = std::chrono::minutes(5);
//   Outcome o = run(lint);
//   if (o.start_error) print(*o.start_error);  // not found, not executable
//
// Concurrency: run() is thread-safe, so parallel callers use one thread per
// command. run_parallel() packages that: N commands, `jobs` at a time, a
// callback as each one finishes. Every pipe is close-on-exec, so children
// started at the same time never inherit each other's pipes.
//
// Process groups: every child leads its own group, and the runner always
// stops a whole group: SIGTERM (plus SIGCONT, for stopped members), then
// SIGKILL once the grace period has passed. That happens when
//   - the timeout passes (Outcome::timed_out);
//   - keel gets a termination signal: the handler forwards it to every
//     running group at once (Outcome::interrupted);
//   - the group leader (the process keel started) exits while other members
//     are left, such as `server &` in a script: nobody would ever wait for
//     them, so they get SIGTERM at once and SIGKILL as soon as the output
//     pipes close or the grace period ends, whichever comes first. A process
//     that left the group (setsid, a daemon) is not killed; if it still holds
//     an output pipe, run() stops reading at that point and returns.
// run() returns only after the leader has been reaped: no zombies.
//
// Terminals: children run in a background process group, so one that reads
// from the terminal is stopped by SIGTTIN. Nobody would ever continue it:
// when the child keel started is stopped that way (or by SIGTTOU), its
// group is stopped as on a timeout and Outcome::stopped_by_terminal is set.
// Interactive commands (prompts, editors) set Command::foreground: they stay
// in keel's own process group and so may use the terminal; the terminal's
// Ctrl-C reaches them directly, and keel signals only the child itself, not
// what it started. stdin is /dev/null unless asked otherwise.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace keel::process {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The default of the config key process.grace_period.
inline constexpr milliseconds k_default_grace_period{5000};

// The default of the config key process.shell.
inline const std::vector<std::string> k_default_shell{"/bin/sh", "-c"};

// Where the child's stdin comes from.
struct Input {
  enum class Kind { null, inherit, bytes };
  Kind kind = Kind::null;
  std::string bytes;

  static Input null() { return {}; }
  static Input inherit() { return {Kind::inherit, {}}; }
  // The child reads `bytes`, then end of file. A child that exits without
  // reading everything is not an error.
  static Input data(std::string bytes) { return {Kind::bytes, std::move(bytes)}; }
};

// Receives output as it arrives, on the thread that called run().
using ChunkHandler = std::function<void(std::string_view chunk)>;

// Where one of the child's output streams goes.
struct Output {
  enum class Kind { inherit, discard, capture, to_stdout, stream };
  Kind kind = Kind::inherit;
  ChunkHandler on_chunk;

  static Output inherit() { return {}; }
  static Output discard() { return {Kind::discard, {}}; }
  // Into Outcome::out or Outcome::err.
  static Output capture() { return {Kind::capture, {}}; }
  // For stderr only, like 2>&1: both streams share stdout's destination
  // through one pipe, so a capture or a stream keeps the order in which the
  // child wrote them.
  static Output to_stdout() { return {Kind::to_stdout, {}}; }
  static Output stream(ChunkHandler handler) { return {Kind::stream, std::move(handler)}; }
};

// The child's environment: keel's own (read at start time) or nothing, then
// `unset` removed, then `set` added or replaced.
struct Environment {
  bool inherit = true;
  std::map<std::string, std::string> set;
  std::vector<std::string> unset;
};

struct Command {
  // argv[0] is looked up in PATH (the child's PATH, after `env` is applied)
  // unless it contains a '/'; a relative path is relative to `cwd`.
  std::vector<std::string> argv;
  std::filesystem::path cwd;  // empty: keel's current directory
  Environment env;
  Input in;
  Output out;
  Output err;
  milliseconds timeout{0};  // zero: no timeout
  milliseconds grace_period = k_default_grace_period;
  bool foreground = false;  // stay in keel's process group (see Terminals above)
  // Called with the child's pid (its process group id unless foreground)
  // once it has started, on the thread that called run().
  std::function<void(int pid)> on_start;

  static Command program(std::vector<std::string> argv);
  // argv = shell + [script]. Arguments appended to argv afterwards become
  // $0, $1, ... of the script with the usual {"/bin/sh", "-c"}.
  static Command shell_script(std::string script, std::vector<std::string> shell = k_default_shell);
  // The same as shell_script for a script that only runs one program with
  // literal words (see shell_words.hpp), which then starts directly: no
  // shell process. Only with the default shell, since another one (a
  // wrapper such as `nix-shell --run`) may do more than run the words.
  static Command shell_command(std::string script, std::vector<std::string> shell = k_default_shell);
  // The same with values for the script's positional parameters: the shell
  // gets {script, "sh", args...}, so args[0] is $1. The values are never
  // part of the script's text, so no byte of them is read as shell code.
  // `shell_text`, when not empty, is what the shell runs instead of
  // `script`: the same command in a form the shell expands faster.
  static Command shell_command(std::string script, std::vector<std::string> args, std::vector<std::string> shell,
                               std::string shell_text = {});
};

struct Outcome {
  // The exit status; 128 + signal when a signal ended the child; and when
  // the command could not be started: 127 not found, 126 found but not
  // executable, 125 anything else (bad cwd, no file descriptors left, ...).
  int exit_code = 0;
  int signal = 0;  // the signal that ended the child, 0 when it exited
  bool timed_out = false;
  bool interrupted = false;  // keel got a termination signal while it ran, or before
  bool stopped_by_terminal = false;  // it tried to use the terminal from the background
  Clock::duration duration{};
  std::string out;  // captured stdout (and stderr with Output::to_stdout)
  std::string err;  // captured stderr
  // Set when no child ran; exit_code is then 125-127 (130 if interrupted).
  // The message names the program, e.g. "command not found: 'eslint'", and
  // the hint, when there is one, says where it was looked for. Starting a
  // command is the command's own failure, not keel's, so it is reported
  // here like an exit status rather than as a Result error: a hooks runner
  // prints it with that hook's output and carries on with the others.
  std::optional<Error> start_error;

  bool ok() const { return exit_code == 0 && !timed_out && !interrupted && !stopped_by_terminal && !start_error; }
};

// The error for a command that did not succeed, for callers that take
// another program's failure as their own: "WHAT (exit N): LAST LINE", the
// last line from its stderr (or stdout when stderr is empty), where
// programs say what went wrong; "WHAT: NOT STARTED" with the start error's
// hint when it never ran.
Error failure(const Outcome& outcome, const std::string& what);

// Runs a command to completion. Never throws for a failing or missing
// command (see Outcome); throws only what allocation or an Output handler
// throws, and then kills and reaps the child before unwinding.
// Once keel has been interrupted (see below), run() starts nothing and
// returns an interrupted Outcome at once.
Outcome run(const Command& command);

// Called once per command as it finishes, never two calls at a time, so a
// handler can print a whole output without interleaving.
using DoneHandler = std::function<void(std::size_t index, const Outcome& outcome)>;

// Runs commands on `jobs` threads (0: one per core), each started as a
// thread frees up, in order. Returns the outcomes in the commands' order.
std::vector<Outcome> run_parallel(const std::vector<Command>& commands, unsigned jobs,
                                  const DoneHandler& on_done = {});

// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE (once;
// a signal keel inherited as ignored stays ignored). While children run, a
// signal is forwarded to each of their process groups (SIGPIPE as SIGTERM)
// and recorded for interrupted(); each runner then sends SIGKILL to its
// group after the grace period. With no child running and no
// DeferTermination alive, the signal kills keel as it would have without a
// handler: there is nothing to wait for.
void install_signal_forwarding();

// While one is alive, a termination signal never ends keel at once: it is
// recorded (interrupted()) and forwarded to running children, and keel
// finishes what it must not leave half done (putting hidden changes back)
// before it exits. Nests; any thread.
class DeferTermination {
 public:
  DeferTermination();
  ~DeferTermination();
  DeferTermination(const DeferTermination&) = delete;
  DeferTermination& operator=(const DeferTermination&) = delete;
};

// True once a forwarded signal arrived; the top level then exits 130.
bool interrupted();

// True once a second signal arrived: runners then kill their groups at
// once instead of waiting out the grace period (a second Ctrl-C).
bool hurried();

// Forgets an interruption. For tests.
void clear_interrupted();

}  // namespace keel::process
