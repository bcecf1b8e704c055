#pragma once
// Pieces shared by the files of src/process; not for other callers.

#include <sys/types.h>
#include <unistd.h>

#include <utility>
#include <variant>

#include "process/process.hpp"

namespace keel::process::detail {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

// --- spawn.cpp ---

// A started child and keel's ends of its pipes (invalid where not piped).
struct Spawned {
  pid_t pid = -1;
  Fd stdin_write;
  Fd stdout_read;
  Fd stderr_read;
};

struct StartFailure {
  int exit_code;  // 125, 126 or 127, as documented on Outcome
  Error error;
};

// Starts the command as the leader of a new process group.
std::variant<Spawned, StartFailure> spawn(const Command& command);

// --- signals.cpp: the live process groups the signal handler forwards to ---

// Claims a slot for a child about to be spawned; -1 when all are taken.
int reserve_group_slot();
// Records the spawned child's group, delivering a signal that arrived while
// it was being spawned.
void publish_group(int slot, pid_t pgid);
// Must be called before the leader is reaped, so that the handler never
// signals a recycled process group id.
void release_group_slot(int slot);
// Readable once a signal was forwarded; -1 without signal forwarding.
int interrupt_fd();

}  // namespace keel::process::detail
