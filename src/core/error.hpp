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

// Exit statuses, documented in keel(1).
enum class Exit : int {
  ok = 0,
  failed = 1,       // the checked thing failed (a lint, a validation, a hook)
  usage = 2,        // bad usage or bad configuration
  nothing_to_do = 3,
  interrupted = 130,
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
