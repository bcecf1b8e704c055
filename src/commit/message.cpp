#include "commit/message.hpp"

#include <optional>

#include "commit/text.hpp"
#include "core/error.hpp"
#include "semver/semver.hpp"

namespace keel::commit {

namespace {

struct Line {
  std::string_view text;
  int number;  // 1-based
};

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  int number = 1;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, number++});
    start = nl + 1;
  }
  return lines;
}

bool is_token_char(char c) { return c == '-' || (c != '_' && is_word(c)); }

// `type(scope)!: description`, filled into m; false with m.problem set when
// the header does not have that shape. An empty scope, `feat(): x`, is no
// scope, as conventional-commits-parser (and so commitlint) reads it.
bool parse_header(std::string_view h, Message& m) {
  std::size_t i = 0;
  while (i < h.size() && is_word(h[i])) ++i;
  if (i == 0) return m.problem = "header does not start with a type", false;
  std::size_t type_end = i;
  std::string_view expected = "'(scope)', '!' or ': '";
  std::string_view scope;
  if (i < h.size() && h[i] == '(') {
    std::size_t close = h.find_first_of("()", i + 1);
    if (close == std::string_view::npos) return m.problem = "scope is not closed with ')'", false;
    if (h[close] == '(') return m.problem = "scope may not contain '('", false;
    scope = h.substr(i + 1, close - i - 1);
    i = close + 1;
    expected = "'!' or ': '";
  }
  bool bang = i < h.size() && h[i] == '!';
  if (bang) {
    ++i;
    expected = "': '";
  }
  if (i == h.size() || h[i] != ':')
    return m.problem = "expected " + std::string(expected) + " after " + quote(excerpt(h.substr(0, i))), false;
  ++i;
  if (i == h.size()) return m.problem = "description is empty", false;
  if (h[i] != ' ') return m.problem = "expected a space after ':'", false;
  std::string_view description = trim(h.substr(i));
  if (description.empty()) return m.problem = "description is empty", false;
  m.type = std::string(h.substr(0, type_end));
  m.scope = std::string(scope);
  m.bang = bang;
  m.description = std::string(description);
  return true;
}

bool is_breaking_token(std::string_view token) { return token == "BREAKING CHANGE" || token == "BREAKING-CHANGE"; }

// "Token: value", "Token #value" or "BREAKING CHANGE: value" as a footer.
std::optional<Footer> token_line(std::string_view line, int number) {
  std::size_t i = 0;
  if (line.starts_with("BREAKING CHANGE:")) {
    i = std::string_view("BREAKING CHANGE").size();
  } else {
    while (i < line.size() && is_token_char(line[i])) ++i;
    if (i == 0 || line[0] == '-') return std::nullopt;
  }
  std::string_view token = line.substr(0, i);
  std::string_view rest = line.substr(i);
  // A breaking footer's text may start on the next line; other tokens need
  // a value, so that a body's "Example:" line is not taken for a footer.
  if (is_breaking_token(token) && rest == ":") return Footer{std::string(token), ": ", "", number};
  if (rest.starts_with(": ") && !trim(rest.substr(2)).empty())
    return Footer{std::string(token), ": ", std::string(trim(rest.substr(2))), number};
  if (rest.starts_with(" #") && rest.size() > 2 && rest[2] != ' ')
    return Footer{std::string(token), " #", std::string(rest.substr(2)), number};
  return std::nullopt;
}

struct Paragraph {
  std::size_t first;  // index into the lines
  std::size_t end;    // one past the last line
};

std::vector<Paragraph> paragraphs(const std::vector<Line>& lines, std::size_t from) {
  std::vector<Paragraph> out;
  for (std::size_t i = from; i < lines.size();) {
    if (is_blank(lines[i].text)) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < lines.size() && !is_blank(lines[i].text)) ++i;
    out.push_back({start, i});
  }
  return out;
}

std::string join_lines(const std::vector<Line>& lines, std::size_t first, std::size_t end) {
  std::string out;
  for (std::size_t i = first; i < end; ++i) {
    if (i > first) out += '\n';
    out += lines[i].text;
  }
  return out;
}

void parse_footers(const std::vector<Line>& lines, std::size_t first, std::size_t end, Message& m) {
  for (std::size_t i = first; i < end; ++i) {
    if (auto footer = token_line(lines[i].text, lines[i].number)) {
      m.footers.push_back(std::move(*footer));
    } else if (!m.footers.empty()) {
      // A continuation line. Blank lines inside the block only separate
      // paragraphs that each start with a token, so they end a value.
      if (is_blank(lines[i].text)) continue;
      std::string& value = m.footers.back().value;
      if (!value.empty()) value += '\n';
      value += lines[i].text;
    }
  }
}

// Body and footers: the footer block is the trailing run of paragraphs that
// each start with a token line.
void parse_rest(const std::vector<Line>& lines, std::size_t header, Message& m) {
  auto paras = paragraphs(lines, header + 1);
  if (paras.empty()) return;
  std::size_t footer_para = paras.size();
  while (footer_para > 0 && token_line(lines[paras[footer_para - 1].first].text, 0)) --footer_para;
  std::size_t end = paras.back().end;
  bool blank_after_header = paras.front().first > header + 1;
  if (footer_para > 0) {
    std::size_t first = paras.front().first;
    std::size_t last = paras[footer_para - 1].end;
    m.body = join_lines(lines, first, last);
    m.body_line = lines[first].number;
    m.body_leading_blank = blank_after_header;
  }
  if (footer_para < paras.size()) {
    std::size_t first = paras[footer_para].first;
    m.footer_text = join_lines(lines, first, end);
    m.footer_line = lines[first].number;
    m.footer_leading_blank = footer_para > 0 || blank_after_header;
    parse_footers(lines, first, end, m);
  }
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}

// `^(?:\*\s+)?(BREAKING CHANGE|BREAKING-CHANGE):\s*(.*)`, case-insensitive:
// the note's first text, or nullopt when the line opens no note.
std::optional<std::string_view> note_opening(std::string_view line) {
  if (line.starts_with('*')) {
    std::size_t i = 1;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i > 1) line.remove_prefix(i);
  }
  for (std::string_view keyword : {"BREAKING CHANGE:", "BREAKING-CHANGE:"}) {
    if (!starts_with_nocase(line, keyword)) continue;
    std::string_view rest = line.substr(keyword.size());
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    return rest;
  }
  return std::nullopt;
}

// The parser's footer token line, `^(?:BREAKING CHANGE|[\w-]+)(?::\s+|\s+#).+`
// (case-insensitive): it ends a note.
bool is_footer_token_line(std::string_view line) {
  auto separator_then_text = [&](std::size_t j) {
    if (j < line.size() && line[j] == ':') return j + 2 < line.size() && is_space(line[j + 1]);
    std::size_t k = j;
    while (k < line.size() && is_space(line[k])) ++k;
    return k > j && k + 1 < line.size() && line[k] == '#';
  };
  constexpr std::string_view breaking = "BREAKING CHANGE";
  if (starts_with_nocase(line, breaking) && separator_then_text(breaking.size())) return true;
  // No character of [\w-] can start a separator, so the token is the whole run.
  std::size_t i = 0;
  while (i < line.size() && (is_word(line[i]) || line[i] == '-')) ++i;
  return i > 0 && separator_then_text(i);
}

// The parser's field line, `^-(?=.*\w)(.*?)-$`: everything after one is a
// field's value, never a note.
bool is_field_line(std::string_view line) {
  if (line.size() < 2 || line.front() != '-' || line.back() != '-') return false;
  for (char c : line.substr(1))
    if (is_word(c)) return true;
  return false;
}

std::string trim_newlines(std::string s) {
  std::size_t first = s.find_first_not_of("\r\n");
  if (first == std::string::npos) return {};
  std::size_t last = s.find_last_not_of("\r\n");
  return s.substr(first, last - first + 1);
}

void find_notes(const std::vector<Line>& lines, std::size_t header, Message& m) {
  bool open = false;
  for (std::size_t i = header + 1; i < lines.size(); ++i) {
    std::string_view line = lines[i].text;
    if (is_field_line(line)) break;
    if (auto text = note_opening(line)) {
      m.notes.emplace_back(*text);
      open = true;
    } else if (open && is_footer_token_line(line)) {
      open = false;
    } else if (open) {
      m.notes.back() += '\n';
      m.notes.back() += line;
    }
  }
  for (auto& n : m.notes) n = trim_newlines(std::move(n));
}

void find_breaking(Message& m) {
  if (!m.notes.empty()) {
    m.breaking = true;
    m.breaking_description = m.notes.front();
    return;
  }
  if (m.bang) {
    m.breaking = true;
    m.breaking_description = m.description;
  }
}

// `^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w{7,40})\b`,
// case-insensitive, over the whole message: semantic-release's angular
// preset's revert pattern.
void find_revert(std::string_view text, Message& m) {
  std::size_t start;
  if (starts_with_nocase(text, "revert:")) start = 7;
  else if (starts_with_nocase(text, "revert")) start = 6;
  else return;
  if (start >= text.size() || !is_space(text[start])) return;
  ++start;
  constexpr std::string_view marker = "this reverts commit ";
  auto hash_at = [&](std::size_t q) -> std::optional<std::string_view> {
    if (q < text.size() && text[q] == '"') ++q;
    while (q < text.size() && is_space(text[q])) ++q;
    if (!starts_with_nocase(text.substr(q), marker)) return std::nullopt;
    std::size_t h = q + marker.size(), e = h;
    while (e < text.size() && is_word(text[e])) ++e;
    if (e - h < 7 || e - h > 40) return std::nullopt;
    return text.substr(h, e - h);
  };
  for (std::size_t open_quote : {std::size_t(1), std::size_t(0)}) {
    std::size_t first = start;
    if (open_quote) {
      if (first >= text.size() || text[first] != '"') continue;
      ++first;
    }
    // The lazy capture: the shortest header (one character at least) after
    // which the rest matches.
    for (std::size_t q = first + 1; q <= text.size(); ++q) {
      if (auto hash = hash_at(q)) {
        m.revert_header = std::string(text.substr(first, q - first));
        m.revert_hash = std::string(*hash);
        return;
      }
    }
  }
}

// The id after "This reverts commit " (git revert's body), else a revert's
// first `Refs:` value when it looks like a commit id.
std::string reverted_id(const Message& m) {
  constexpr std::string_view marker = "This reverts commit ";
  for (std::string_view text : {std::string_view(m.body), std::string_view(m.footer_text)}) {
    std::size_t at = text.find(marker);
    if (at == std::string_view::npos) continue;
    std::string_view hex = leading_hex(text.substr(at + marker.size()));
    if (hex.size() >= 4) return std::string(hex);
  }
  if (!m.conventional || lower_ascii(m.type) != "revert") return {};
  for (const auto& f : m.footers) {
    if (lower_ascii(f.token) != "refs") continue;
    std::string_view hex = leading_hex(f.value);
    if (hex.size() >= 7 && (hex.size() == f.value.size() || f.value[hex.size()] == ',')) return std::string(hex);
  }
  return {};
}

void set_kinds(std::string_view header, Message& m) {
  m.is_merge = is_merge_header(header);
  m.is_fixup = header.starts_with("fixup! ");
  m.is_squash = header.starts_with("squash! ");
  m.is_amend = header.starts_with("amend! ");
  // commitlint's default ignores take either case of the first letter.
  m.is_revert = header.starts_with("Revert ") || header.starts_with("revert ") || header.starts_with("Reapply ") ||
                header.starts_with("reapply ") ||
                (m.conventional && lower_ascii(m.type) == "revert");
  m.is_version = is_version_header(header);
  m.reverted = reverted_id(m);
}

}  // namespace

bool is_merge_header(std::string_view h) {
  for (std::string_view p : {"Merge branch ", "Merge branches ", "Merge remote-tracking branch ",
                             "Merge remote-tracking branches ", "Merge tag ", "Merge tags ", "Merge commit ",
                             "Merge pull request ", "Merged PR ", "Automatic merge"})
    if (h.starts_with(p)) return true;
  // Forges: "Merge x into y", "Merged in x (pull request #1)", "Auto-merged x into y".
  if (h.starts_with("Merge ") || h.starts_with("Auto-merged ")) return h.find(" into ") != std::string_view::npos;
  if (h.starts_with("Merged ")) {
    std::string_view rest = h.substr(7);
    return rest.starts_with("in ") || rest.find(" in ") != std::string_view::npos ||
           rest.find(" into ") != std::string_view::npos;
  }
  return false;
}

bool is_version_header(std::string_view h) {
  if (h.starts_with("chore")) {
    std::string_view rest = h.substr(5);
    if (rest.starts_with("(")) {
      std::size_t close = rest.find(')');
      if (close == std::string_view::npos) return false;
      rest.remove_prefix(close + 1);
    }
    if (!rest.starts_with(":")) return false;
    h = rest.substr(1);
  }
  while (h.starts_with(' ')) h.remove_prefix(1);
  std::string_view word = h.substr(0, h.find(' '));
  // Most headers fail here, before the parser builds its error message.
  std::size_t first = word.starts_with('v') ? 1 : 0;
  if (word.size() <= first || word[first] < '0' || word[first] > '9') return false;
  return semver::parse(word).ok();
}

Message parse(std::string_view text) {
  Message m;
  auto lines = lines_of(text);
  std::size_t header = 0;
  while (header < lines.size() && is_blank(lines[header].text)) ++header;
  if (header == lines.size()) {
    m.problem = "message is empty";
    return m;
  }
  m.header = std::string(lines[header].text);
  m.header_line = lines[header].number;
  std::string_view trimmed = trim(m.header);
  m.conventional = parse_header(trimmed, m);
  parse_rest(lines, header, m);
  find_notes(lines, header, m);
  find_breaking(m);
  find_revert(text, m);
  set_kinds(trimmed, m);
  return m;
}

}  // namespace keel::commit
