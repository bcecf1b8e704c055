// Starting a child: PATH lookup, environment, pipes and posix_spawn.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
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

// Maps a posix_spawn error, which is an error of the final execve. ENOENT
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

// RAII for the posix_spawn descriptions.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// The child leads a new process group (unless it is a foreground command)
// and starts with no blocked signals, whatever the spawning thread blocks,
// and with SIGPIPE at its default: keel's libraries may ignore it, and
// `producer | head` relies on it.
void set_attributes(posix_spawnattr_t& attr, bool foreground) {
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (!foreground) flags |= POSIX_SPAWN_SETPGROUP;
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
}

void redirect_output(posix_spawn_file_actions_t& actions, const Output& o, int target, int pipe_write) {
  switch (o.kind) {
    case Output::Kind::inherit:
      break;
    case Output::Kind::discard:
      posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0);
      break;
    case Output::Kind::capture:
    case Output::Kind::stream:
      posix_spawn_file_actions_adddup2(&actions, pipe_write, target);
      break;
    case Output::Kind::to_stdout:
      // Runs after stdout's own redirection, so this is 2>&1.
      posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, target);
      break;
  }
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

void plan_file_actions(posix_spawn_file_actions_t& actions, const Command& command, const Pipes& pipes,
                       const stdfs::path& cwd) {
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  if (command.in.kind == Input::Kind::null)
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  else if (pipes.in)
    posix_spawn_file_actions_adddup2(&actions, pipes.in->read.get(), STDIN_FILENO);
  redirect_output(actions, command.out, STDOUT_FILENO, pipes.out ? pipes.out->write.get() : -1);
  redirect_output(actions, command.err, STDERR_FILENO, pipes.err ? pipes.err->write.get() : -1);
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

  SpawnSetup setup;
  set_attributes(setup.attr, command.foreground);
  plan_file_actions(setup.actions, command, std::get<Pipes>(pipes), cwd);
  std::vector<std::string> argv = command.argv;
  std::vector<char*> argv_ptrs = c_strings(argv);
  std::vector<char*> env_ptrs = c_strings(env);
  const std::string& file = std::get<std::string>(program);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, file.c_str(), &setup.actions, &setup.attr, argv_ptrs.data(), env_ptrs.data());
  if (rc != 0) return exec_failure(name, file, rc, path, cwd);

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
