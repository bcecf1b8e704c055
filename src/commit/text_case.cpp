#include "commit/text_case.hpp"

#include <array>
#include <utility>

#include "commit/text.hpp"

namespace keel::commit {

namespace {

constexpr std::array<std::pair<Case, std::string_view>, 8> k_names{{
    {Case::lower, "lower-case"},
    {Case::upper, "upper-case"},
    {Case::camel, "camel-case"},
    {Case::kebab, "kebab-case"},
    {Case::pascal, "pascal-case"},
    {Case::sentence, "sentence-case"},
    {Case::snake, "snake-case"},
    {Case::start, "start-case"},
}};

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Bytes of non-ASCII characters count as uncased letters.
bool is_lowerish(char c) { return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80; }
bool is_word_char(char c) { return is_upper(c) || is_lowerish(c) || is_digit(c); }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string upper_first(std::string s) {
  if (!s.empty()) s[0] = upper(s[0]);
  return s;
}

std::string upper_all(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

// Removes `...`, "..." and '...' spans, leftmost first, like commitlint.
std::string without_quoted(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '`' || c == '"' || c == '\'') {
      std::size_t close = s.find(c, i + 1);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

// Apostrophes (ASCII and U+2019) vanish before words are split: "I'm" -> "Im".
std::string without_apostrophes(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\'') continue;
    if (s.substr(i, 3) == "\xE2\x80\x99") {
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

// A word boundary between two word characters: "fooBar", "XMLHttp", "v2".
bool boundary(std::string_view s, std::size_t i) {
  char a = s[i - 1], b = s[i];
  if (is_digit(a) != is_digit(b)) return true;
  if (is_lowerish(a) && is_upper(b)) return true;
  return is_upper(a) && is_upper(b) && i + 1 < s.size() && is_lowerish(s[i + 1]) && !is_digit(s[i + 1]);
}

std::vector<std::string> words(std::string_view text) {
  std::string s = without_apostrophes(text);
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_word_char(s[i])) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty() && boundary(s, i)) {
      out.push_back(std::move(current));
      current.clear();
    }
    current += s[i];
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string joined(const std::vector<std::string>& ws, std::string_view sep, bool lower) {
  std::string out;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    if (i > 0) out += sep;
    out += lower ? lower_ascii(ws[i]) : ws[i];
  }
  return out;
}

std::string camel(std::string_view text) {
  std::string out;
  for (const auto& w : words(text)) out += out.empty() ? lower_ascii(w) : upper_first(lower_ascii(w));
  return out;
}

std::string start(std::string_view text) {
  std::string out;
  for (const auto& w : words(text)) {
    if (!out.empty()) out += ' ';
    out += upper_first(w);
  }
  return out;
}

}  // namespace

std::optional<Case> parse_case(std::string_view name) {
  for (const auto& [c, n] : k_names)
    if (n == name) return c;
  return std::nullopt;
}

std::string_view case_name(Case c) {
  for (const auto& [k, n] : k_names)
    if (k == c) return n;
  return "?";
}

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& entry : k_names) out.emplace_back(entry.second);
  return out;
}

std::string to_case(std::string_view text, Case c) {
  switch (c) {
    case Case::lower: return lower_ascii(text);
    case Case::upper: return upper_all(text);
    case Case::camel: return camel(text);
    case Case::kebab: return joined(words(text), "-", true);
    case Case::snake: return joined(words(text), "_", true);
    case Case::pascal: return upper_first(camel(text));
    case Case::sentence: return upper_first(std::string(text));
    case Case::start: return start(text);
  }
  return std::string(text);
}

bool is_case(std::string_view text, Case c) {
  std::string input(trim(without_quoted(text)));
  std::string converted = to_case(input, c);
  if (converted.empty() || is_digit(converted.front())) return true;
  return converted == input;
}

}  // namespace keel::commit
