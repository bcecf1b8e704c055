#pragma once
// keel's error model.
//
// Expected failures at I/O boundaries return Result<T>; callers either handle
// the Error or turn it into an exception with value_or_throw(). One catch in
// commands/main.cpp prints "keel: error: ..." and maps the exit status.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace keel {

// Exit statuses: the one table. keel(1) and the README print k_exit_statuses.
// I/O and configuration errors take sysexits.h's numbers (EX_IOERR,
// EX_CONFIG), so that a script can tell them from a usage error.
enum class Exit : int {
  ok = 0,
  failed = 1,
  usage = 2,
  nothing_to_do = 3,
  io = 74,
  config = 78,
  interrupted = 130,
};

constexpr int status(Exit e) { return static_cast<int>(e); }
// A check's status: Exit::failed when it found a problem, else Exit::ok.
constexpr int check_status(bool failed) { return status(failed ? Exit::failed : Exit::ok); }

struct ExitStatus {
  Exit exit;
  const char* meaning;  // one sentence, for keel(1)
};

inline constexpr ExitStatus k_exit_statuses[] = {
    {Exit::ok, "Success."},
    {Exit::failed,
     "The checked thing failed: a validation, a lint, a hook command; or a looked-up value is not set."},
    {Exit::usage,
     "Usage error: an unknown command or option, a bad argument (a version, a revision, a key), a missing "
     "directory or repository."},
    {Exit::nothing_to_do, "Nothing to do (for example no release is due, or no hooks are configured)."},
    {Exit::io, "A file or directory could not be read or written (it is missing, unreadable, a directory)."},
    {Exit::config,
     "Configuration error: a malformed or mistyped config file, an unknown config key, an invalid value "
     "(a template, a pattern, a hook command), each named with its file:line:col."},
    {Exit::interrupted,
     "Interrupted by SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGPIPE; running child processes were stopped, and "
     "changes a hook run had hidden were put back first."},
};

struct Error {
  std::string message;  // "problem: 'subject'", lowercase, no trailing period
  std::string hint;     // optional second line, printed as "hint: ..."
  Exit exit = Exit::usage;
};

// Thrown to unwind to the top-level handler.
class Failure : public std::runtime_error {
 public:
  explicit Failure(Error e) : std::runtime_error(e.message), m_error(std::move(e)) {}
  Failure(std::string message, Exit exit, std::string hint = {})
      : Failure(Error{std::move(message), std::move(hint), exit}) {}
  const Error& error() const { return m_error; }

 private:
  Error m_error;
};

// Shorthands for the two common kinds.
inline Failure usage_error(std::string message, std::string hint = {}) {
  return Failure(std::move(message), Exit::usage, std::move(hint));
}
inline Failure check_failed(std::string message, std::string hint = {}) {
  return Failure(std::move(message), Exit::failed, std::move(hint));
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}
  Result(Error error) : m_v(std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  const T& value() const& { return std::get<0>(m_v); }
  const Error& error() const { return std::get<1>(m_v); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  T value_or_throw() && {
    if (!ok()) throw Failure(std::get<1>(std::move(m_v)));
    return std::get<0>(std::move(m_v));
  }

 private:
  std::variant<T, Error> m_v;
};

// Result for operations that return nothing.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

// Quote a subject for an error message: 'like this'.
inline std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

}  // namespace keel
