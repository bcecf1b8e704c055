#include "commit/cleanup.hpp"

#include <vector>

#include "commit/text.hpp"

namespace keel::commit {

namespace {

constexpr std::string_view k_scissors = " ------------------------ >8 ------------------------";

std::string_view rtrim(std::string_view line) {
  while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
  return line;
}

// The lines of s without their '\n'; a last line without one counts too.
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool is_scissors(std::string_view line, std::string_view prefix) {
  // git matches the line exactly; a CR left by an editor on Windows is allowed.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.size() == prefix.size() + k_scissors.size() && line.substr(0, prefix.size()) == prefix &&
         line.substr(prefix.size()) == k_scissors;
}

}  // namespace

std::string cleanup(std::string_view raw, std::string_view comment_prefix) {
  std::string out;
  bool pending_blank = false;
  for (std::string_view line : split_lines(raw)) {
    if (!comment_prefix.empty()) {
      if (is_scissors(line, comment_prefix)) break;
      if (line.substr(0, comment_prefix.size()) == comment_prefix) continue;
    }
    line = rtrim(line);
    if (line.empty()) {
      pending_blank = !out.empty();  // leading blank lines are dropped
      continue;
    }
    if (pending_blank) out += '\n';
    pending_blank = false;
    out += line;
    out += '\n';
  }
  return out;
}

std::string comment_prefix(const std::optional<std::string>& configured) {
  if (!configured || configured->empty() || *configured == "auto") return "#";
  if (configured->find_first_of("\r\n") != std::string::npos) return "#";
  return *configured;
}

}  // namespace keel::commit
