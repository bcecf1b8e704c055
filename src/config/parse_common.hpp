#pragma once
// Shared by the TOML and YAML readers.

#include <optional>
#include <string>

#include "core/error.hpp"

namespace keel::config::detail {

inline Error position_error(const std::string& path, int line, int column, std::string problem) {
  std::string where = path;
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
  return Error{where + ": " + std::move(problem), {}, Exit::config};
}

// Refuses text that is not UTF-8, naming the first bad byte's position.
std::optional<Error> check_utf8(std::string_view text, const std::string& path);

}  // namespace keel::config::detail
