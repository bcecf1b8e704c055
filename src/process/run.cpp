// Waiting for a child: its pipes drained with poll() so that no stream can
// fill up and block it, its timeout kept, its process group stopped, its
// leader reaped.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <iterator>
#include <mutex>
#include <thread>

#include "core/parallel.hpp"
#include "process/internal.hpp"
#include "process/shell_words.hpp"

namespace keel::process {

namespace {

using detail::Fd;

// Without a pidfd (Linux before 5.3) nothing wakes poll() when the leader
// exits, so it is checked this often.
constexpr milliseconds k_reap_tick{20};

// How often a background child is checked for a stop by the terminal:
// nothing wakes poll() for it, and a prompt is seldom answered this fast.
constexpr milliseconds k_stop_tick{250};

constexpr std::size_t k_read_size = 64 * 1024;

// Reads left after the group was killed, so that what is already in a pipe is
// kept while a writer that escaped the group cannot keep keel reading.
constexpr int k_final_reads = 16;

enum class Read { data, nothing, closed };

// An output pipe and where what comes through it goes.
struct Sink {
  Fd fd;
  std::string* capture = nullptr;
  const ChunkHandler* handler = nullptr;

  // One read. A read error ends the stream like end of file does.
  Read read_some() {
    char buf[k_read_size];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n > 0) {
        deliver(std::string_view(buf, static_cast<std::size_t>(n)));
        return Read::data;
      }
      if (n < 0 && errno == EINTR) continue;
      return n < 0 && errno == EAGAIN ? Read::nothing : Read::closed;
    }
  }

  void deliver(std::string_view chunk) {
    if (capture) capture->append(chunk);
    if (handler && *handler) (*handler)(chunk);
  }
};

// Writing into a pipe whose reader has gone raises SIGPIPE, which would end
// keel. SIGPIPE is blocked in this thread for the write, and the one the
// write raised (the signal goes to the writing thread) is taken off again.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  sigset_t pending;
  ::sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = ::write(fd, data, size);
  int err = errno;
  if (n < 0 && err == EPIPE && !was_pending) {
    struct timespec no_wait {};
    ::sigtimedwait(&pipe_only, nullptr, &no_wait);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return n;
}

// The stdin pipe and the part of Input::bytes not written yet.
struct Feeder {
  Fd fd;
  std::string_view rest;

  // Writes what the pipe takes; false once all is written or the reader is gone.
  bool write_some() {
    while (!rest.empty()) {
      ssize_t n = write_without_sigpipe(fd.get(), rest.data(), std::min(rest.size(), k_read_size));
      if (n > 0) {
        rest.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      return n < 0 && errno == EAGAIN;
    }
    return false;
  }
};

Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));  // always close-on-exec
#else
  (void)pid;
  return Fd();
#endif
}

// Supervises one spawned child until it is reaped.
class Supervisor {
 public:
  Supervisor(const Command& command, detail::Spawned child, int slot, Outcome& outcome)
      : m_command(command), m_outcome(outcome), m_pid(child.pid), m_slot(slot), m_pidfd(open_pidfd(child.pid)) {
    m_input.fd = std::move(child.stdin_write);
    m_input.rest = command.in.bytes;
    if (m_input.fd.valid() && !m_input.write_some()) m_input.fd.reset();
    connect(m_out, std::move(child.stdout_read), command.out, outcome.out);
    connect(m_err, std::move(child.stderr_read), command.err, outcome.err);
    if (command.timeout.count() > 0) m_deadline = Clock::now() + command.timeout;
  }

  // Normally a no-op; when unwinding, the child must not outlive run().
  ~Supervisor() {
    if (m_reaped) return;
    kill_group();
    release_slot();
    reap();
  }

  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void wait() {
    for (;;) {
      enforce_deadlines(Clock::now());
      if (m_leader_exited && (outputs_closed() || m_killed)) break;
      poll_once();
      check_leader();
      check_stopped_by_terminal();
    }
    if (!m_killed) kill_group();  // leftovers that hold no pipe, or ignore SIGTERM
    drain_what_is_left();
    release_slot();
    reap();
  }

 private:
  static void connect(Sink& sink, Fd fd, const Output& output, std::string& captured) {
    sink.fd = std::move(fd);
    if (output.kind == Output::Kind::capture) sink.capture = &captured;
    if (output.kind == Output::Kind::stream) sink.handler = &output.on_chunk;
  }

  bool outputs_closed() const { return !m_out.fd.valid() && !m_err.fd.valid(); }

  void enforce_deadlines(Clock::time_point now) {
    if (!m_noticed_interrupt && interrupted()) {
      // The handler has already forwarded the signal itself.
      m_noticed_interrupt = true;
      m_outcome.interrupted = true;
      stop_group(now, false);
    }
    if (!m_leader_exited && m_deadline && now >= *m_deadline && !m_outcome.timed_out) {
      m_outcome.timed_out = true;
      stop_group(now, true);
    }
    // The orphan policy: once the leader is gone, what is left of its group
    // is stopped too.
    if (m_leader_exited) stop_group(now, true);
    if (m_term_at && now >= *m_term_at) terminate_group();
    if (m_kill_at && now >= *m_kill_at && !m_killed) kill_group();
    if (m_noticed_interrupt && !m_killed && hurried()) kill_group();
  }

  // Starts the grace period, once. After a forwarded signal (send_term
  // false) SIGTERM follows halfway through it, for what ignored the signal
  // (a shell's background job ignores SIGINT); SIGKILL ends it.
  void stop_group(Clock::time_point now, bool send_term) {
    if (send_term) terminate_group();
    if (m_kill_at) return;
    signal_group(SIGCONT);  // a stopped process acts on a signal only once continued
    m_kill_at = now + m_command.grace_period;
    if (!send_term) m_term_at = now + m_command.grace_period / 2;
  }

  void terminate_group() {
    if (m_sent_term || m_killed) return;
    m_sent_term = true;
    m_term_at.reset();
    signal_group(SIGTERM);
    signal_group(SIGCONT);
  }

  void kill_group() {
    signal_group(SIGKILL);
    m_killed = true;
  }

  // Safe while the leader is unreaped: its process group id cannot be reused.
  // A foreground child shares keel's group, so only the child is signalled.
  void signal_group(int sig) { ::kill(m_command.foreground ? m_pid : -m_pid, sig); }

  int poll_timeout(Clock::time_point now) const {
    std::optional<Clock::time_point> next;
    auto consider = [&](std::optional<Clock::time_point> t) {
      if (t && (!next || *t < *next)) next = t;
    };
    if (!m_leader_exited && !m_outcome.timed_out) consider(m_deadline);
    if (!m_killed) consider(m_kill_at);
    if (!m_killed) consider(m_term_at);
    // The wake pipe is not watched after the first signal: look for a second.
    if (m_noticed_interrupt && !m_killed) consider(now + k_stop_tick);
    if (!m_pidfd.valid() && !m_leader_exited) consider(now + k_reap_tick);
    if (watches_for_terminal_stop()) consider(now + k_stop_tick);
    if (!next) return -1;
    auto ms = std::chrono::ceil<milliseconds>(*next - now).count();
    return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, INT_MAX));
  }

  void poll_once() {
    pollfd fds[5];
    int count = 0;
    auto watch = [&](const Fd& fd, short events) {
      if (!fd.valid()) return -1;
      fds[count] = pollfd{fd.get(), events, 0};
      return count++;
    };
    int input = watch(m_input.fd, POLLOUT);
    int out = watch(m_out.fd, POLLIN);
    int err = watch(m_err.fd, POLLIN);
    if (!m_leader_exited) watch(m_pidfd, POLLIN);
    // Once noticed, the interruption is not waited for again: the self-pipe
    // stays readable.
    int wake = m_noticed_interrupt ? -1 : detail::interrupt_fd();
    if (wake >= 0) fds[count++] = pollfd{wake, POLLIN, 0};

    if (::poll(fds, static_cast<nfds_t>(count), poll_timeout(Clock::now())) <= 0) return;
    auto ready = [&](int index) { return index >= 0 && fds[index].revents != 0; };
    if (ready(input) && !m_input.write_some()) m_input.fd.reset();
    if (ready(out) && m_out.read_some() == Read::closed) m_out.fd.reset();
    if (ready(err) && m_err.read_some() == Read::closed) m_err.fd.reset();
  }

  // Notices the leader's exit without reaping it, so that its process group
  // id stays reserved while the rest of the group is dealt with.
  void check_leader() {
    if (m_leader_exited) return;
    siginfo_t info{};
    int rc = ::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if ((rc == 0 && info.si_pid == m_pid) || (rc < 0 && errno == ECHILD)) {
      m_leader_exited = true;
      m_pidfd.reset();
      m_input.fd.reset();
    }
  }

  bool watches_for_terminal_stop() const {
    return !m_command.foreground && !m_leader_exited && !m_kill_at && !m_outcome.stopped_by_terminal;
  }

  // A background child that read from the terminal waits for a SIGCONT
  // that would never come; keel would wait for it forever, with its output
  // (a prompt, say) still in the pipe. It is stopped as on a timeout.
  // Once a tick: a quick command is never asked, so the hook path pays no
  // system call for it.
  void check_stopped_by_terminal() {
    if (!watches_for_terminal_stop()) return;
    auto now = Clock::now();
    if (now < m_next_stop_check) return;
    m_next_stop_check = now + k_stop_tick;
    siginfo_t info{};
    int rc = ::waitid(P_PID, static_cast<id_t>(m_pid), &info, WSTOPPED | WNOHANG | WNOWAIT);
    if (rc != 0 || info.si_pid != m_pid || info.si_code != CLD_STOPPED) return;
    if (info.si_status != SIGTTIN && info.si_status != SIGTTOU) return;
    m_outcome.stopped_by_terminal = true;
    stop_group(now, true);
  }

  void drain_what_is_left() {
    for (Sink* sink : {&m_out, &m_err}) {
      for (int i = 0; i < k_final_reads && sink->fd.valid(); ++i)
        if (sink->read_some() != Read::data) break;
      sink->fd.reset();
    }
    m_input.fd.reset();
  }

  void release_slot() {
    if (m_slot >= 0) detail::release_group_slot(std::exchange(m_slot, -1));
  }

  void reap() {
    int status = 0;
    pid_t rc;
    do rc = ::waitpid(m_pid, &status, 0);
    while (rc < 0 && errno == EINTR);
    m_reaped = true;
    if (rc != m_pid) {
      m_outcome.exit_code = 125;  // reaped behind keel's back: the status is lost
    } else if (WIFEXITED(status)) {
      m_outcome.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      m_outcome.signal = WTERMSIG(status);
      m_outcome.exit_code = 128 + m_outcome.signal;
    }
  }

  const Command& m_command;
  Outcome& m_outcome;
  pid_t m_pid;
  int m_slot;
  Fd m_pidfd;
  Feeder m_input;
  Sink m_out;
  Sink m_err;
  std::optional<Clock::time_point> m_deadline;
  std::optional<Clock::time_point> m_kill_at;  // set once the group is being stopped
  std::optional<Clock::time_point> m_term_at;  // SIGTERM after a forwarded signal
  bool m_sent_term = false;
  Clock::time_point m_next_stop_check = Clock::now() + k_stop_tick;
  bool m_leader_exited = false;
  bool m_noticed_interrupt = false;
  bool m_killed = false;
  bool m_reaped = false;
};

Outcome not_started(int exit_code, Error error) {
  Outcome o;
  o.exit_code = exit_code;
  o.start_error = std::move(error);
  return o;
}

}  // namespace

Command Command::program(std::vector<std::string> argv) {
  Command c;
  c.argv = std::move(argv);
  return c;
}

Command Command::shell_script(std::string script, std::vector<std::string> shell) {
  Command c;
  c.argv = std::move(shell);
  c.argv.push_back(std::move(script));
  return c;
}

Command Command::shell_command(std::string script, std::vector<std::string> shell) {
  return shell_command(std::move(script), {}, std::move(shell));
}

Command Command::shell_command(std::string script, std::vector<std::string> args, std::vector<std::string> shell,
                               std::string shell_text) {
  if (shell == k_default_shell) {
    if (auto words = simple_command_words(script, args)) return program(std::move(*words));
  }
  Command c = shell_script(shell_text.empty() ? std::move(script) : std::move(shell_text), std::move(shell));
  if (!args.empty()) {
    c.argv.push_back("sh");
    std::move(args.begin(), args.end(), std::back_inserter(c.argv));
  }
  return c;
}

Error failure(const Outcome& outcome, const std::string& what) {
  if (outcome.start_error) return Error{what + ": " + outcome.start_error->message, outcome.start_error->hint, Exit::failed};
  std::string_view text = outcome.err.empty() ? outcome.out : outcome.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (auto nl = text.rfind('\n'); nl != std::string_view::npos) text.remove_prefix(nl + 1);
  std::string message = what + " (exit " + std::to_string(outcome.exit_code) + ")";
  if (!text.empty()) message += ": " + std::string(text);
  return Error{message, {}, Exit::failed};
}

Outcome run(const Command& command) {
  const auto started = Clock::now();
  const std::string name = command.argv.empty() ? std::string() : command.argv[0];
  int slot = detail::reserve_group_slot();
  if (slot < 0) return not_started(125, Error{"too many commands running at once: " + quote(name), {}, Exit::failed});
  // Checked after reserving: a signal that came earlier finds this flag set,
  // one that comes later finds the slot.
  if (interrupted()) {
    detail::release_group_slot(slot);
    Outcome o = not_started(static_cast<int>(Exit::interrupted),
                            Error{"interrupted before start: " + quote(name), {}, Exit::interrupted});
    o.interrupted = true;
    return o;
  }

  auto spawned = detail::spawn(command);
  if (auto* failure = std::get_if<detail::StartFailure>(&spawned)) {
    detail::release_group_slot(slot);
    Outcome o = not_started(failure->exit_code, std::move(failure->error));
    o.duration = Clock::now() - started;
    return o;
  }

  auto& child = std::get<detail::Spawned>(spawned);
  detail::publish_group(slot, child.pid);
  if (command.on_start) {
    // The child runs already: whatever the callback meets, it must still be
    // supervised and reaped below.
    try {
      command.on_start(child.pid);
    } catch (...) {
    }
  }
  Outcome outcome;
  {
    Supervisor supervisor(command, std::move(child), slot, outcome);
    supervisor.wait();
  }
  outcome.duration = Clock::now() - started;
  return outcome;
}

std::vector<Outcome> run_parallel(const std::vector<Command>& commands, unsigned jobs, const DoneHandler& on_done) {
  std::vector<Outcome> outcomes(commands.size());
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, commands.size()));

  std::mutex done_mutex;
  bool failed = false;  // after a failure, on_done hears of nothing more
  for_each_index_on(jobs, commands.size(), [&](std::size_t i) {
    try {
      outcomes[i] = run(commands[i]);
    } catch (...) {
      std::lock_guard lock(done_mutex);
      failed = true;
      throw;
    }
    std::lock_guard lock(done_mutex);
    if (on_done && !failed) on_done(i, outcomes[i]);
  });
  return outcomes;
}

}  // namespace keel::process
