#include "core/utf8.hpp"

namespace keel::utf8 {

std::size_t sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t len;
  unsigned min;
  unsigned cp;
  if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = c & 0x07; }
  else return 0;
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

Position position_of(std::string_view s, std::size_t offset) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  while (i < offset && i < s.size()) {
    std::size_t len = sequence_length(s.substr(i));
    if (len == 0) len = 1;
    if (s[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return Position{offset, line, column};
}

std::optional<Position> find_invalid(std::string_view s) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = sequence_length(s.substr(i));
    if (len == 0) return Position{i, line, column};
    if (s[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace keel::utf8
