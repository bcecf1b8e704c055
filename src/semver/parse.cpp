// SemVer 2.0.0 syntax: parse() and to_string().
#include <algorithm>
#include <charconv>

#include "semver/semver.hpp"

namespace keel::semver {

namespace {

// Every problem is a short phrase; an empty one means no problem.
using Problem = std::string;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_identifier_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

std::string at_column(std::size_t index) { return " at column " + std::to_string(index + 1); }

// Printable characters are shown as they are; anything else as its byte
// value, so that the message stays one readable line.
std::string describe_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return "invalid character " + quote(std::string_view(&c, 1));
  static constexpr char k_hex[] = "0123456789ABCDEF";
  return std::string("invalid byte 0x") + k_hex[byte >> 4] + k_hex[byte & 15];
}

// The first character that cannot appear in the text from `start` on. Checked
// before the structure so that "1.2.3 " names the space, not a bad patch.
// `plus_allowed`: whether one '+' may still start build metadata.
Problem bad_character(std::string_view text, std::size_t start, bool plus_allowed) {
  for (std::size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (is_identifier_char(c) || c == '.') continue;
    if (c == '+' && plus_allowed) {
      plus_allowed = false;
      continue;
    }
    return describe_char(c) + at_column(i);
  }
  return {};
}

// Splits on '.', refusing empty pieces. `base` is the index of `part` in the
// whole text, for columns.
Problem split_dots(std::string_view part, std::size_t base, std::string_view what,
                   std::vector<std::string_view>& out) {
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = part.find('.', start);
    std::string_view piece = part.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (piece.empty()) return "empty " + std::string(what) + at_column(base + start);
    out.push_back(piece);
    if (dot == std::string_view::npos) return {};
    start = dot + 1;
  }
}

Problem leading_zero(std::string_view number) {
  return "numeric identifier " + quote(number) + " has a leading zero";
}

Problem prerelease_identifiers(std::string_view part, std::size_t base, std::vector<Identifier>& out) {
  std::vector<std::string_view> pieces;
  if (Problem p = split_dots(part, base, "pre-release identifier", pieces); !p.empty()) return p;
  for (std::string_view piece : pieces) {
    bool numeric = all_digits(piece);
    if (numeric && piece.size() > 1 && piece[0] == '0') return leading_zero(piece);
    out.push_back({std::string(piece), numeric});
  }
  return {};
}

// Build identifiers may have leading zeros: the spec only forbids empty ones.
Problem build_identifiers(std::string_view part, std::size_t base, std::vector<std::string>& out) {
  std::vector<std::string_view> pieces;
  if (Problem p = split_dots(part, base, "build identifier", pieces); !p.empty()) return p;
  for (std::string_view piece : pieces) out.emplace_back(piece);
  return {};
}

Problem core_number(std::string_view digits, std::size_t base, std::string_view name, std::uint64_t& out) {
  std::string label = std::string(name) + " version";
  if (digits.empty()) return "empty " + label + at_column(base);
  if (!all_digits(digits)) return label + " " + quote(digits) + " is not a number";
  if (digits.size() > 1 && digits[0] == '0') return leading_zero(digits);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec == std::errc::result_out_of_range)
    return label + " " + quote(digits) + " is larger than " + std::to_string(UINT64_MAX);
  return {};
}

// MAJOR.MINOR.PATCH, starting at `base` in the whole text.
Problem core(std::string_view part, std::size_t base, Version& v) {
  if (std::count(part.begin(), part.end(), '.') != 2) return "expected MAJOR.MINOR.PATCH";
  std::size_t dot1 = part.find('.');
  std::size_t dot2 = part.find('.', dot1 + 1);
  if (Problem p = core_number(part.substr(0, dot1), base, "major", v.major); !p.empty()) return p;
  if (Problem p = core_number(part.substr(dot1 + 1, dot2 - dot1 - 1), base + dot1 + 1, "minor", v.minor); !p.empty())
    return p;
  return core_number(part.substr(dot2 + 1), base + dot2 + 1, "patch", v.patch);
}

Problem parse_into(std::string_view text, Version& v) {
  // One 'v', as in git tags; node-semver's strict mode accepts the same.
  std::size_t start = text.starts_with('v') ? 1 : 0;
  if (Problem p = bad_character(text, start, true); !p.empty()) return p;

  std::size_t plus = text.find('+', start);
  std::size_t main_end = plus == std::string_view::npos ? text.size() : plus;
  std::size_t dash = text.substr(0, main_end).find('-', start);
  std::size_t core_end = dash == std::string_view::npos ? main_end : dash;

  if (Problem p = core(text.substr(start, core_end - start), start, v); !p.empty()) return p;
  if (dash != std::string_view::npos) {
    Problem p = prerelease_identifiers(text.substr(dash + 1, main_end - dash - 1), dash + 1, v.prerelease);
    if (!p.empty()) return p;
  }
  if (plus != std::string_view::npos) return build_identifiers(text.substr(plus + 1), plus + 1, v.build);
  return {};
}

// "-a.b" or "+a.b"; nothing for no items.
template <class Items, class Text>
void join(std::string& out, const Items& items, char lead, Text text_of) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? lead : '.';
    out += text_of(items[i]);
  }
}

}  // namespace

Result<Version> parse(std::string_view text) {
  Version v;
  if (Problem p = parse_into(text, v); !p.empty()) return Error{"invalid version " + quote(text) + ": " + p, {}, Exit::usage};
  return v;
}

Result<std::vector<Identifier>> parse_prerelease(std::string_view text) {
  std::vector<Identifier> ids;
  Problem p = bad_character(text, 0, false);
  if (p.empty()) p = prerelease_identifiers(text, 0, ids);
  if (!p.empty()) return Error{"invalid pre-release identifier " + quote(text) + ": " + p, {}, Exit::usage};
  return ids;
}

std::string to_string(const Version& v) {
  std::string out = std::to_string(v.major) + '.' + std::to_string(v.minor) + '.' + std::to_string(v.patch);
  join(out, v.prerelease, '-', [](const Identifier& id) -> const std::string& { return id.text; });
  join(out, v.build, '+', [](const std::string& id) -> const std::string& { return id; });
  return out;
}

}  // namespace keel::semver
