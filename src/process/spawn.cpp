// Starting a child: PATH lookup, environment, pipes and vfork.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "process/internal.hpp"

extern char** environ;

namespace keel::process {

namespace detail {

namespace {

namespace stdfs = std::filesystem;

// strerror() is not thread-safe, and keel's messages are lowercase.
std::string describe_errno(int err) {
  std::string text = std::system_category().message(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

StartFailure failure(int exit_code, std::string message, std::string hint = {}) {
  return StartFailure{exit_code, Error{std::move(message), std::move(hint), Exit::failed}};
}

bool name_matches(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry[name.size()] == '=' && entry.substr(0, name.size()) == name;
}

bool is_listed(std::string_view entry, const Environment& env) {
  for (const auto& name : env.unset)
    if (name_matches(entry, name)) return true;
  for (const auto& [name, value] : env.set)
    if (name_matches(entry, name)) return true;
  return false;
}

// "NAME=value" strings.
std::vector<std::string> build_environment(const Environment& env) {
  std::vector<std::string> entries;
  if (env.inherit) {
    for (char** e = environ; e && *e; ++e)
      if (!is_listed(*e, env)) entries.emplace_back(*e);
  }
  for (const auto& [name, value] : env.set) entries.push_back(name + "=" + value);
  return entries;
}

// The PATH the child would search, with execvp's default when it has none.
std::string search_path(const std::vector<std::string>& entries) {
  for (const auto& e : entries)
    if (name_matches(e, "PATH")) return e.substr(5);
  std::size_t size = ::confstr(_CS_PATH, nullptr, 0);
  std::string path(size, '\0');
  if (size > 0) ::confstr(_CS_PATH, path.data(), size);
  if (!path.empty() && path.back() == '\0') path.pop_back();
  return path;
}

struct Lookup {
  std::optional<stdfs::path> executable;
  std::optional<stdfs::path> not_executable;  // the first match without execute permission
};

// Searches PATH like execvp, except that a relative entry ("", ".", "bin")
// is taken relative to the child's directory, where execvp would apply it.
Lookup find_in_path(const std::string& name, const std::string& path, const stdfs::path& cwd) {
  Lookup found;
  std::string_view rest(path);
  for (;;) {
    std::size_t colon = rest.find(':');
    stdfs::path candidate = stdfs::path(rest.substr(0, colon)) / name;
    if (candidate.is_relative() && !cwd.empty()) candidate = cwd / candidate;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0) {
        found.executable = candidate;
        return found;
      }
      if (!found.not_executable) found.not_executable = candidate;
    }
    if (colon == std::string_view::npos) return found;
    rest.remove_prefix(colon + 1);
  }
}

StartFailure not_found(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return failure(127, "command not found: " + quote(name));
  return failure(127, "command not found: " + quote(name),
                 "install it, or add its directory to PATH (" + (path.empty() ? "empty" : path) + ")");
}

StartFailure not_executable(const std::string& program) {
  return failure(126, "permission denied: " + quote(program), "it needs execute permission (chmod +x)");
}

// Maps the child's error, most often one of the final execve. ENOENT
// for a file that exists means its '#!' interpreter is missing.
StartFailure exec_failure(const std::string& name, const std::string& program, int err, const std::string& path,
                          const stdfs::path& cwd) {
  stdfs::path on_disk = cwd.empty() ? stdfs::path(program) : cwd / program;
  if (err == ENOENT && ::access(on_disk.c_str(), F_OK) == 0)
    return failure(126, "bad interpreter: " + quote(program), "its '#!' line names a program that does not exist");
  if (err == ENOENT || err == ENOTDIR) return not_found(name, path);
  if (err == EACCES || err == EPERM) return not_executable(program);
  return failure(126, "cannot run " + quote(program) + ": " + describe_errno(err),
                 err == ENOEXEC ? "a script needs a '#!' line naming its interpreter" : "");
}

std::optional<StartFailure> check_directory(const stdfs::path& dir) {
  struct stat st {};
  int err = 0;
  if (::stat(dir.c_str(), &st) != 0)
    err = errno;
  else if (!S_ISDIR(st.st_mode))
    err = ENOTDIR;
  else if (::access(dir.c_str(), X_OK) != 0)
    err = errno;
  if (err == 0) return std::nullopt;
  return failure(125, "cannot change to directory " + quote(dir.string()) + ": " + describe_errno(err));
}

struct Pipe {
  Fd read;
  Fd write;
};

// Both ends close-on-exec; keel's end does not block. The child's end is
// dup2'ed onto 0, 1 or 2, which clears close-on-exec on that copy only.
std::optional<Pipe> make_pipe(bool keel_reads) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  Pipe p{Fd(fds[0]), Fd(fds[1])};
  int keel_end = keel_reads ? p.read.get() : p.write.get();
  ::fcntl(keel_end, F_SETFL, ::fcntl(keel_end, F_GETFL) | O_NONBLOCK);
  return p;
}

bool is_piped(const Output& o) { return o.kind == Output::Kind::capture || o.kind == Output::Kind::stream; }

// What the child does between vfork() and execve(), planned in full by the
// parent: the child shares keel's memory and may not allocate.
struct ChildPlan {
  bool new_group = true;
  const char* cwd = nullptr;
  int in = -1;           // dup2'ed onto 0; -1 with in_null false leaves 0 alone
  bool in_null = false;  // /dev/null onto 0
  Output::Kind out = Output::Kind::inherit;
  int out_pipe = -1;
  Output::Kind err = Output::Kind::inherit;
  int err_pipe = -1;
};

// Signals whose handler keel or its libraries may have set. A handler that
// ran in the vfork child would run on keel's memory; these go back to their
// default before the child unblocks signals (execve resets them anyway).
constexpr int k_maybe_caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2, SIGWINCH};

// Async-signal-safe. dup2 onto itself would keep close-on-exec, so that
// case clears the flag instead.
bool move_fd(int fd, int target) {
  if (fd == target) return ::fcntl(fd, F_SETFD, 0) == 0;
  return ::dup2(fd, target) == target;
}

bool open_null_onto(int target, int flags) {
  int fd = ::open("/dev/null", flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = move_fd(fd, target);
  if (fd != target) ::close(fd);
  return ok;
}

bool redirect_output(Output::Kind kind, int pipe_write, int target) {
  switch (kind) {
    case Output::Kind::inherit:
      return true;
    case Output::Kind::discard:
      return open_null_onto(target, O_WRONLY);
    case Output::Kind::capture:
    case Output::Kind::stream:
      return move_fd(pipe_write, target);
    case Output::Kind::to_stdout:
      return ::dup2(STDOUT_FILENO, target) == target;  // after stdout's own redirection: 2>&1
  }
  return false;
}

// The vfork child: only system calls from here to execve or _exit. The
// child leads a new process group (unless it is a foreground command) and
// starts with no blocked signals, whatever the spawning thread blocks, and
// with SIGPIPE at its default: keel's libraries may ignore it, and
// `producer | head` relies on it.
[[noreturn]] void become_child(const ChildPlan& plan, const char* file, char* const* argv, char* const* envp,
                               volatile int* exec_errno) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : k_maybe_caught) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN && old.sa_handler != SIG_DFL)
      ::sigaction(sig, &dfl, nullptr);
  }
  ::sigaction(SIGPIPE, &dfl, nullptr);
  bool ok = (!plan.new_group || ::setpgid(0, 0) == 0) && (!plan.cwd || ::chdir(plan.cwd) == 0) &&
            (!plan.in_null || open_null_onto(STDIN_FILENO, O_RDONLY)) &&
            (plan.in < 0 || move_fd(plan.in, STDIN_FILENO)) &&
            redirect_output(plan.out, plan.out_pipe, STDOUT_FILENO) &&
            redirect_output(plan.err, plan.err_pipe, STDERR_FILENO);
  if (ok) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(file, argv, envp);
  }
  *exec_errno = errno != 0 ? errno : EINVAL;
  ::_exit(127);
}

// Starts `file` as planned; the child's errno when it could not get as far
// as running it, or 0. vfork, not fork or posix_spawn: no page tables to
// copy, no stack to map and no reset of every signal's handler, which on a
// hook's one quick command is a measurable share of keel's time. All
// signals are blocked from vfork until the child has reset its handlers.
std::pair<pid_t, int> launch(const ChildPlan& plan, const char* file, char* const* argv, char* const* envp) {
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  volatile int exec_errno = 0;
  pid_t pid = ::vfork();
  if (pid == 0) become_child(plan, file, argv, envp, &exec_errno);
  int spawn_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return {-1, spawn_errno};
  if (exec_errno != 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {-1, exec_errno};
  }
  return {pid, 0};
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The file to execute for argv[0], or why there is none.
std::variant<std::string, StartFailure> resolve_program(const std::string& name, const std::string& path,
                                                        const stdfs::path& cwd) {
  if (name.find('/') != std::string::npos) return name;
  Lookup found = find_in_path(name, path, cwd);
  if (found.executable) return found.executable->string();
  if (found.not_executable) return not_executable(found.not_executable->string());
  return not_found(name, path);
}

struct Pipes {
  std::optional<Pipe> in, out, err;
};

std::variant<Pipes, StartFailure> open_pipes(const Command& command) {
  Pipes p;
  bool ok = (command.in.kind != Input::Kind::bytes || (p.in = make_pipe(false))) &&
            (!is_piped(command.out) || (p.out = make_pipe(true))) &&
            (!is_piped(command.err) || (p.err = make_pipe(true)));
  if (ok) return p;
  return failure(125, "cannot create a pipe for " + quote(command.argv[0]) + ": " + describe_errno(errno));
}

ChildPlan plan_child(const Command& command, const Pipes& pipes, const stdfs::path& cwd) {
  ChildPlan plan;
  plan.new_group = !command.foreground;
  if (!cwd.empty()) plan.cwd = cwd.c_str();
  plan.in_null = command.in.kind == Input::Kind::null;
  if (pipes.in) plan.in = pipes.in->read.get();
  plan.out = command.out.kind;
  plan.out_pipe = pipes.out ? pipes.out->write.get() : -1;
  plan.err = command.err.kind;
  plan.err_pipe = pipes.err ? pipes.err->write.get() : -1;
  return plan;
}

}  // namespace

std::variant<Spawned, StartFailure> spawn(const Command& command) {
  if (command.argv.empty()) return failure(125, "cannot run an empty command");
  if (command.out.kind == Output::Kind::to_stdout)
    return failure(125, "cannot send stdout to itself: " + quote(command.argv[0]));

  stdfs::path cwd;
  if (!command.cwd.empty()) {
    cwd = stdfs::absolute(command.cwd);
    if (auto bad = check_directory(cwd)) return *bad;
  }
  std::vector<std::string> env = build_environment(command.env);
  const std::string& name = command.argv[0];
  std::string path = search_path(env);
  auto program = resolve_program(name, path, cwd);
  if (auto* bad = std::get_if<StartFailure>(&program)) return std::move(*bad);
  auto pipes = open_pipes(command);
  if (auto* bad = std::get_if<StartFailure>(&pipes)) return std::move(*bad);

  ChildPlan plan = plan_child(command, std::get<Pipes>(pipes), cwd);
  std::vector<std::string> argv = command.argv;
  std::vector<char*> argv_ptrs = c_strings(argv);
  std::vector<char*> env_ptrs = c_strings(env);
  const std::string& file = std::get<std::string>(program);
  auto [pid, err] = launch(plan, file.c_str(), argv_ptrs.data(), env_ptrs.data());
  if (pid < 0) return exec_failure(name, file, err, path, cwd);

  Pipes& p = std::get<Pipes>(pipes);
  Spawned child;
  child.pid = pid;
  if (p.in) child.stdin_write = std::move(p.in->write);
  if (p.out) child.stdout_read = std::move(p.out->read);
  if (p.err) child.stderr_read = std::move(p.err->read);
  return child;  // the child's ends of the pipes close here
}

}  // namespace detail

}  // namespace keel::process
