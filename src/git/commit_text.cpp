#include "git/commit_text.hpp"

#include <charconv>

namespace keel::git {

namespace {

// Takes one header line ("name value\n") off the front of text.
bool take_line(std::string_view& text, std::string_view name, std::string_view& value) {
  if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != ' ') return false;
  std::size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  value = text.substr(name.size() + 1, end - name.size() - 1);
  text.remove_prefix(end + 1);
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "Name <email> 1700000000 +0130": the time and the offset east of UTC.
bool parse_when(std::string_view signature, std::int64_t& time, int& offset_minutes) {
  std::size_t close = signature.rfind('>');
  if (close == std::string_view::npos) return false;
  std::string_view rest = signature.substr(close + 1);
  if (!rest.starts_with(' ')) return false;
  rest.remove_prefix(1);
  std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view seconds = rest.substr(0, space);
  std::string_view zone = rest.substr(space + 1);
  if (!all_digits(seconds) || zone.size() != 5 || (zone[0] != '+' && zone[0] != '-') || !all_digits(zone.substr(1)))
    return false;
  auto [end, ec] = std::from_chars(seconds.data(), seconds.data() + seconds.size(), time);
  if (ec != std::errc() || end != seconds.data() + seconds.size()) return false;
  int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
  int minutes = (zone[3] - '0') * 10 + (zone[4] - '0');
  offset_minutes = (zone[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
  return true;
}

}  // namespace

bool parse_commit_text(std::string_view raw, CommitBrief& out) {
  std::string_view text = raw;
  std::string_view value;
  if (!take_line(text, "tree", value) || !Oid::from_hex(value)) return false;
  out.parents.clear();
  while (take_line(text, "parent", value)) {
    auto id = Oid::from_hex(value);
    if (!id) return false;
    out.parents.push_back(*id);
  }
  if (!take_line(text, "author", value)) return false;
  if (!take_line(text, "committer", value) || !parse_when(value, out.time, out.offset_minutes)) return false;
  // Other headers (encoding, gpgsig and its continuation lines, mergetag)
  // up to the blank line that starts the message.
  while (!text.empty() && text.front() != '\n') {
    std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return false;
    text.remove_prefix(end + 1);
  }
  std::size_t start = text.find_first_not_of('\n');
  if (start == std::string_view::npos) start = text.size();
  out.message.assign(text.substr(start));
  out.parent_count = static_cast<unsigned>(out.parents.size());
  return true;
}

}  // namespace keel::git
