#include "commit/rules.hpp"

#include <algorithm>

#include "commit/text.hpp"
#include "commit/text_case.hpp"
#include "core/error.hpp"
#include "core/spell.hpp"

namespace keel::commit::rules {

namespace {

// "a, b, c" for the allowed words of an enum rule.
std::string comma_list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

bool contains(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// A scope may name several parts: "api/auth", "api\auth", "api,ui", "api, ui".
std::vector<std::string_view> scope_parts(std::string_view scope) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= scope.size(); ++i) {
    if (i < scope.size() && scope[i] != '/' && scope[i] != '\\' && scope[i] != ',') continue;
    parts.push_back(scope.substr(start, i - start));
    if (i < scope.size() && scope[i] == ',' && i + 1 < scope.size() && scope[i + 1] == ' ') ++i;
    start = i + 1;
  }
  return parts;
}

bool fits(const std::vector<std::string_view>& parts, Case c) {
  return std::all_of(parts.begin(), parts.end(), [c](std::string_view p) { return is_case(p, c); });
}

// The shared logic of the *-case rules: `always` needs one of the cases,
// `never` refuses each of them. Unknown names (refused by settings.cpp)
// match nothing.
Problem case_rule(std::string_view what, std::string_view shown, const std::vector<std::string_view>& parts,
                  const Rule& r) {
  if (r.words.empty()) return std::nullopt;
  std::vector<std::string> matched;
  for (const auto& name : r.words) {
    auto c = parse_case(name);
    if (c && fits(parts, *c)) matched.push_back(name);
  }
  std::string found = "; found " + quote(excerpt(shown));
  if (r.when == When::always && matched.empty())
    return std::string(what) + " must be " + join_or(r.words) + found;
  if (r.when == When::never && !matched.empty()) return std::string(what) + " must not be " + join_or(matched) + found;
  return std::nullopt;
}

bool has_url(std::string_view line) {
  for (std::string_view scheme : {"http://", "https://"}) {
    std::size_t at = line.find(scheme);
    if (at != std::string_view::npos && at + scheme.size() < line.size() && !is_space(line[at + scheme.size()]))
      return true;
  }
  return false;
}

// The first line longer than the limit, lines with a URL exempt.
Problem line_lengths(std::string_view what, std::string_view text, int first_line, const Rule& r) {
  std::size_t start = 0;
  for (int number = first_line; start <= text.size(); ++number) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    std::size_t length = char_count(line);
    if (static_cast<std::int64_t>(length) > r.limit && !has_url(line))
      return std::string(what) + " lines must not be longer than " + std::to_string(r.limit) + " characters; line " +
             std::to_string(number) + " has " + std::to_string(length);
    start = nl + 1;
  }
  return std::nullopt;
}

}  // namespace

Problem header_trim(const Message& m, const Rule&) {
  if (m.header.empty()) return std::nullopt;
  bool leading = is_space(m.header.front());
  bool trailing = is_space(m.header.back());
  if (leading && trailing) return "header must not be surrounded by whitespace";
  if (leading) return "header must not start with whitespace";
  if (trailing) return "header must not end with whitespace";
  return std::nullopt;
}

Problem header_max_length(const Message& m, const Rule& r) {
  std::size_t length = char_count(m.header);
  if (static_cast<std::int64_t>(length) <= r.limit) return std::nullopt;
  return "header must not be longer than " + std::to_string(r.limit) + " characters; found " + std::to_string(length);
}

Problem type_empty(const Message& m, const Rule&) {
  if (m.conventional || m.header.empty()) return std::nullopt;  // an empty message: subject-empty says so
  return "header is not 'type(scope): description': " + m.problem;
}

Problem type_case(const Message& m, const Rule& r) {
  if (m.type.empty()) return std::nullopt;
  return case_rule("type", m.type, {m.type}, r);
}

Problem type_enum(const Message& m, const Rule& r) {
  if (m.type.empty() || r.words.empty() || contains(r.words, m.type)) return std::nullopt;
  std::string problem = "type must be one of " + comma_list(r.words) + "; found " + quote(excerpt(m.type));
  std::string guess = closest_match(lower_ascii(m.type), r.words);
  if (!guess.empty()) problem += "; did you mean " + quote(guess) + "?";
  return problem;
}

Problem scope_enum(const Message& m, const Rule& r) {
  if (m.scope.empty() || r.words.empty() || contains(r.words, m.scope)) return std::nullopt;
  for (std::string_view part : scope_parts(m.scope))
    if (!contains(r.words, part))
      return "scope must be one of " + comma_list(r.words) + "; found " + quote(excerpt(part));
  return std::nullopt;
}

Problem scope_empty(const Message& m, const Rule& r) {
  if (!m.conventional) return std::nullopt;
  if (r.when == When::never && m.scope.empty()) return "scope may not be empty";
  if (r.when == When::always && !m.scope.empty()) return "scope must be empty";
  return std::nullopt;
}

Problem scope_case(const Message& m, const Rule& r) {
  if (m.scope.empty()) return std::nullopt;
  return case_rule("scope", m.scope, scope_parts(m.scope), r);
}

Problem subject_empty(const Message& m, const Rule&) {
  if (m.header.empty()) return "message is empty";
  if (m.description.empty()) return "subject may not be empty";
  return std::nullopt;
}

Problem subject_case(const Message& m, const Rule& r) {
  // Like commitlint, only a subject that starts with an ASCII letter is
  // checked: "1.2 release" and "`Foo` bar" pass.
  const std::string& s = m.description;
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return std::nullopt;
  return case_rule("subject", s, {s}, r);
}

Problem subject_full_stop(const Message& m, const Rule& r) {
  const std::string& s = m.description;
  if (r.text.empty() || !s.ends_with(r.text) || s.ends_with("...")) return std::nullopt;
  return "subject may not end with " + quote(r.text);
}

Problem body_leading_blank(const Message& m, const Rule&) {
  if (m.body.empty() || m.body_leading_blank) return std::nullopt;
  return "body must have a leading blank line";
}

Problem body_max_line_length(const Message& m, const Rule& r) {
  if (m.body.empty()) return std::nullopt;
  return line_lengths("body", m.body, m.body_line, r);
}

Problem footer_leading_blank(const Message& m, const Rule&) {
  if (m.footer_text.empty() || m.footer_leading_blank) return std::nullopt;
  return "footer must have a leading blank line";
}

Problem footer_max_line_length(const Message& m, const Rule& r) {
  if (m.footer_text.empty()) return std::nullopt;
  return line_lengths("footer", m.footer_text, m.footer_line, r);
}

}  // namespace keel::commit::rules
