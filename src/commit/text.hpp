#pragma once
// Small text helpers shared by the commit parser and the lint rules.

#include <string>
#include <string_view>
#include <vector>

namespace keel::commit {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// A character of \w: an ASCII letter, digit or '_'.
inline bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_blank(std::string_view s) { return trim(s).empty(); }

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The run of hex digits at the start of s.
inline std::string_view leading_hex(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
    ++i;
  return s.substr(0, i);
}

// Characters (code points) in UTF-8 text; other bytes count one each.
inline std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Text quoted back in a message, shortened to at most max characters so
// that a runaway header does not flood the terminal: "abc...".
inline std::string excerpt(std::string_view s, std::size_t max = 60) {
  if (char_count(s) <= max) return std::string(s);
  std::size_t keep = 0;
  for (std::size_t chars = 0; keep < s.size(); ++keep) {
    if ((static_cast<unsigned char>(s[keep]) & 0xC0) != 0x80 && chars++ == max - 3) break;
  }
  return std::string(s.substr(0, keep)) + "...";
}

// "a", "a or b", "a, b or c".
inline std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace keel::commit
