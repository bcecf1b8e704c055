#pragma once
// A compiled regular expression over paths (a command's exclude_regex), so
// that <regex> is compiled in one file only: GCC 12 warns falsely inside
// std::regex at -O2 with sanitizers (maybe-uninitialized in std::function),
// and the warning is silenced there alone.

#include <memory>
#include <string>

#include "core/error.hpp"

namespace keel::hooks {

class PathRegex {
 public:
  // ECMAScript syntax; an Error whose message is the library's reason.
  static Result<PathRegex> compile(const std::string& pattern);
  // True when the expression matches somewhere in `path`.
  bool finds(const std::string& path) const;

 private:
  struct Impl;
  explicit PathRegex(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
  std::shared_ptr<const Impl> m_impl;
};

}  // namespace keel::hooks
