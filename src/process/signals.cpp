// SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE forwarding. The handler may run on any thread, at any
// moment, so everything it touches is a lock-free atomic in a fixed array,
// and it calls only async-signal-safe functions (kill, write, sigaction,
// raise).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>

#include "process/internal.hpp"

namespace keel::process {

namespace {

// pgid is 0 when the slot is free, k_spawning while its child is being
// spawned, else the child's process group id. A signal that finds a slot
// spawning is parked in pending_signal; the handler and publish_group() both
// try to take it back with exchange(), so exactly one of them delivers it.
constexpr pid_t k_spawning = -1;

struct GroupSlot {
  std::atomic<pid_t> pgid{0};
  std::atomic<int> pending_signal{0};
};

// More children than this at once is refused (see run()); a hooks runner
// starts one per core.
constexpr std::size_t k_max_groups = 256;

std::array<GroupSlot, k_max_groups> g_slots;
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signals{0};  // since the last clear_interrupted()
std::atomic<bool> g_installed{false};
// Above zero while keel holds state that a signal must not abandon.
std::atomic<int> g_deferring{0};
// A self-pipe: the handler writes a byte to wake every runner's poll().
// Runners never read it (a reset does), so it stays readable for all.
std::atomic<int> g_wake_read{-1};
std::atomic<int> g_wake_write{-1};

static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
              std::atomic<bool>::is_always_lock_free);

void deliver_pending(GroupSlot& slot, pid_t pgid) {
  int sig = slot.pending_signal.exchange(0);
  if (sig != 0) ::kill(-pgid, sig);
}

// Returns whether any child is running or being spawned.
bool forward_to_groups(int sig) {
  bool any = false;
  for (auto& slot : g_slots) {
    pid_t pgid = slot.pgid.load();
    if (pgid == 0) continue;
    any = true;
    if (pgid > 0) {
      ::kill(-pgid, sig);
      continue;
    }
    slot.pending_signal.store(sig);
    pgid = slot.pgid.load();
    if (pgid > 0) deliver_pending(slot, pgid);
  }
  return any;
}

// Restores the default action and lets the signal end keel when the handler
// returns (the signal is blocked while the handler runs).
void die_by(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

void on_termination_signal(int sig) {
  int saved_errno = errno;
  g_interrupted.store(true);
  g_signals.fetch_add(1);
  // A broken pipe ends the run; the children are asked to stop as by kill.
  bool any = forward_to_groups(sig == SIGPIPE ? SIGTERM : sig);
  if (any || g_deferring.load() > 0) {
    char byte = 1;
    int wake = g_wake_write.load();
    // A full pipe fails with EAGAIN, and is just as readable.
    if (wake >= 0 && ::write(wake, &byte, 1) < 0) {
    }
  } else {
    die_by(sig);
  }
  errno = saved_errno;
}

constexpr int k_termination_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

void handle(int sig) {
  struct sigaction old {};
  if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) return;
  struct sigaction sa {};
  sa.sa_handler = on_termination_signal;
  sigemptyset(&sa.sa_mask);
  for (int other : k_termination_signals) sigaddset(&sa.sa_mask, other);
  sa.sa_flags = SA_RESTART;
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

void install_signal_forwarding() {
  if (g_installed.exchange(true)) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    g_wake_read.store(fds[0]);
    g_wake_write.store(fds[1]);
  }
  for (int sig : k_termination_signals) handle(sig);
}

DeferTermination::DeferTermination() { g_deferring.fetch_add(1); }
DeferTermination::~DeferTermination() { g_deferring.fetch_sub(1); }

bool interrupted() { return g_interrupted.load(); }

bool hurried() { return g_signals.load() >= 2; }

void clear_interrupted() {
  g_interrupted.store(false);
  g_signals.store(0);
  int wake = g_wake_read.load();
  if (wake < 0) return;
  char buf[64];
  while (::read(wake, buf, sizeof buf) > 0) {
  }
}

namespace detail {

int reserve_group_slot() {
  for (std::size_t i = 0; i < g_slots.size(); ++i) {
    pid_t expected = 0;
    if (g_slots[i].pgid.compare_exchange_strong(expected, k_spawning)) {
      // A signal parked here for an earlier child that failed to start.
      g_slots[i].pending_signal.store(0);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void publish_group(int slot, pid_t pgid) {
  g_slots[static_cast<std::size_t>(slot)].pgid.store(pgid);
  deliver_pending(g_slots[static_cast<std::size_t>(slot)], pgid);
}

void release_group_slot(int slot) { g_slots[static_cast<std::size_t>(slot)].pgid.store(0); }

int interrupt_fd() { return g_wake_read.load(); }

}  // namespace detail

}  // namespace keel::process
