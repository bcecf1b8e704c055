#pragma once
// UTF-8 validation, for refusing config files and messages that are not text.

#include <cstddef>
#include <optional>
#include <string_view>

namespace keel::utf8 {

// Length of the valid UTF-8 sequence at the start of s, or 0 if invalid.
std::size_t sequence_length(std::string_view s);

struct Position {
  std::size_t offset;
  int line;    // 1-based
  int column;  // 1-based, in characters
};

// Line and column of a byte offset in valid UTF-8 text.
Position position_of(std::string_view s, std::size_t offset);

// The first invalid byte, if any.
std::optional<Position> find_invalid(std::string_view s);

}  // namespace keel::utf8
