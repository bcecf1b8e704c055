// Setting one value in a TOML document's text. toml++ (through parse_toml)
// checks the document and answers what the key's parents are; a small
// scanner here finds where headers, keys and values sit in the text. The
// scanner only ever sees documents toml++ accepted, so it need not diagnose.
#include <string>

#include "config/edit.hpp"
#include "config/edit_common.hpp"

namespace keel::config::edit_detail {

namespace {

using Path = std::vector<std::string>;

struct Header {
  Path path;
  bool array = false;     // [[array.of.tables]]
  bool in_array = false;  // the table is (inside) an element of an array of tables
  std::size_t begin = 0;  // the '['
  std::size_t end = 0;    // just past the header's line
};

struct Entry {
  Path path;                // full path from the root
  int section = -1;         // index into headers, -1 for the root table
  int inline_parent = -1;   // index of the entry whose inline table holds this one
  bool in_array = false;    // under [[...]] or inside an array value
  bool inline_table = false;
  std::size_t line = 0;     // start of the line holding the key
  std::size_t key_begin = 0;
  std::size_t value_begin = 0;
  std::size_t value_end = 0;
};

bool same_path(const Path& a, const Path& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_key(a[i], b[i])) return false;
  return true;
}

// True when `prefix` is a prefix of `path` (equal paths included).
bool starts_with(const Path& path, const Path& prefix) {
  if (prefix.size() > path.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (!same_key(path[i], prefix[i])) return false;
  return true;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  // Fills headers and entries; false (with the offset in failed_at) when
  // the text has something this scanner does not understand.
  bool scan() {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") m_pos = 3;
    while (m_pos < m_text.size()) {
      std::size_t before = m_pos;
      std::size_t line = m_pos;
      skip_blanks();
      if (eof()) break;
      char c = peek();
      if (c == '\n' || c == '\r') {
        if (!newline()) return fail();
        continue;
      }
      if (c == '#') {
        skip_comment();
      } else if (c == '[') {
        if (!header()) return fail();
      } else {
        if (!key_value(line, {}, m_section, -1, m_section_in_array)) return fail();
      }
      skip_blanks();
      skip_comment();
      if (!eof() && !newline()) return fail();
      if (m_pos == before) return fail();
    }
    return true;
  }

  std::vector<Header> headers;
  std::vector<Entry> entries;
  std::size_t failed_at = 0;

 private:
  bool eof() const { return m_pos >= m_text.size(); }
  char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }
  bool fail() {
    failed_at = m_pos;
    return false;
  }
  bool at(std::string_view s) const { return m_text.substr(m_pos, s.size()) == s; }

  void skip_blanks() {
    while (!eof() && (peek() == ' ' || peek() == '\t')) ++m_pos;
  }
  void skip_comment() {
    if (peek() != '#') return;
    while (!eof() && peek() != '\n') ++m_pos;
    // A CRLF's '\r' was taken into the comment: step back onto it.
    if (m_pos > 0 && m_text[m_pos - 1] == '\r') --m_pos;
  }
  bool newline() {
    if (at("\r\n")) {
      m_pos += 2;
      return true;
    }
    if (peek() == '\n') {
      ++m_pos;
      return true;
    }
    return false;
  }
  // Whitespace, newlines and comments, as allowed between array items.
  void skip_space_in_array() {
    for (;;) {
      skip_blanks();
      if (peek() == '#') skip_comment();
      if (!newline()) return;
    }
  }

  static bool bare_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  // A basic string's content with escapes decoded; m_pos on the opening '"'.
  bool basic_string(std::string& out) {
    ++m_pos;
    while (!eof() && peek() != '"') {
      char c = peek();
      if (c != '\\') {
        out += c;
        ++m_pos;
        continue;
      }
      char e = peek(1);
      m_pos += 2;
      switch (e) {
        case 'b': out += '\b'; break;
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case 'e': out += '\x1b'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u':
        case 'U': {
          std::size_t digits = e == 'u' ? 4 : 8;
          if (m_pos + digits > m_text.size()) return false;
          unsigned long cp = std::stoul(std::string(m_text.substr(m_pos, digits)), nullptr, 16);
          append_utf8(out, cp);
          m_pos += digits;
          break;
        }
        default: return false;
      }
    }
    if (eof()) return false;
    ++m_pos;
    return true;
  }

  bool key_segment(std::string& out) {
    if (peek() == '"') return basic_string(out);
    if (peek() == '\'') {
      std::size_t close = m_text.find('\'', m_pos + 1);
      if (close == std::string_view::npos) return false;
      out = std::string(m_text.substr(m_pos + 1, close - m_pos - 1));
      m_pos = close + 1;
      return true;
    }
    std::size_t start = m_pos;
    while (!eof() && bare_char(peek())) ++m_pos;
    out = std::string(m_text.substr(start, m_pos - start));
    return m_pos > start;
  }

  bool key(Path& out) {
    for (;;) {
      skip_blanks();
      std::string segment;
      if (!key_segment(segment)) return false;
      out.push_back(std::move(segment));
      skip_blanks();
      if (peek() != '.') return true;
      ++m_pos;
    }
  }

  bool header() {
    Header h;
    h.begin = m_pos;
    h.array = at("[[");
    m_pos += h.array ? 2 : 1;
    if (!key(h.path)) return false;
    skip_blanks();
    if (!at(h.array ? "]]" : "]")) return false;
    m_pos += h.array ? 2 : 1;
    // Inside an array of tables when this or an earlier [[...]] is a prefix.
    h.in_array = h.array;
    for (const auto& other : headers)
      if (other.array && starts_with(h.path, other.path)) h.in_array = true;
    std::size_t save = m_pos;
    skip_blanks();
    skip_comment();
    h.end = eof() ? m_pos : m_pos + (peek() == '\r' ? 2 : 1);
    m_pos = save;
    m_section = static_cast<int>(headers.size());
    m_section_in_array = h.in_array;
    headers.push_back(std::move(h));
    return true;
  }

  // key = value, where `base` is the path of the table the key is in.
  bool key_value(std::size_t line, const Path& base, int section, int inline_parent, bool in_array) {
    Entry e;
    e.line = line;
    e.key_begin = m_pos;
    e.section = section;
    e.inline_parent = inline_parent;
    e.in_array = in_array;
    e.path = base;
    if (section >= 0 && inline_parent < 0) e.path = headers[static_cast<std::size_t>(section)].path;
    if (!key(e.path)) return false;
    skip_blanks();
    if (peek() != '=') return false;
    ++m_pos;
    skip_blanks();
    e.value_begin = m_pos;
    e.inline_table = peek() == '{';
    std::size_t index = entries.size();
    entries.push_back(e);
    bool ok = e.inline_table ? inline_table(entries[index].path, static_cast<int>(index), in_array) : value(in_array);
    if (!ok) return false;
    entries[index].value_end = m_pos;
    return true;
  }

  bool inline_table(Path base, int owner, bool in_array) {
    ++m_pos;  // '{'
    for (;;) {
      skip_space_in_array();
      if (eof()) return false;
      if (peek() == '}') {
        ++m_pos;
        return true;
      }
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      std::size_t before = m_pos;
      if (!key_value(line_begin(m_text, m_pos), base, -1, owner, in_array)) return false;
      if (m_pos == before) return false;
    }
  }

  bool array() {
    ++m_pos;  // '['
    for (;;) {
      skip_space_in_array();
      if (eof()) return false;
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      std::size_t before = m_pos;
      if (!value(true)) return false;
      if (m_pos == before) return false;
    }
  }

  // Multi-line strings end at the last quote of the closing run: up to two
  // quotes just before the delimiter belong to the content.
  bool multiline_string(char quote_char) {
    m_pos += 3;
    while (!eof()) {
      char c = peek();
      if (c == '\\' && quote_char == '"') {
        m_pos += 2;
        continue;
      }
      if (c == quote_char && peek(1) == quote_char && peek(2) == quote_char) {
        while (peek() == quote_char) ++m_pos;
        return true;
      }
      ++m_pos;
    }
    return false;
  }

  bool token() {
    std::size_t start = m_pos;
    while (!eof()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}' || c == '#') break;
      ++m_pos;
    }
    return m_pos > start;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool value(bool in_array) {
    if (at("\"\"\"")) return multiline_string('"');
    if (at("'''")) return multiline_string('\'');
    if (peek() == '"') {
      std::string ignored;
      return basic_string(ignored);
    }
    if (peek() == '\'') {
      std::size_t close = m_text.find('\'', m_pos + 1);
      if (close == std::string_view::npos) return false;
      m_pos = close + 1;
      return true;
    }
    if (peek() == '[') return array();
    if (peek() == '{') return inline_table({}, -1, in_array);
    std::size_t start = m_pos;
    if (!token()) return false;
    // "1979-05-27 07:32:00": a date and a time separated by one space.
    std::string_view word = m_text.substr(start, m_pos - start);
    if (word.size() == 10 && word[4] == '-' && word[7] == '-' && peek() == ' ' && is_digit(peek(1)) &&
        is_digit(peek(2)) && peek(3) == ':') {
      ++m_pos;
      token();
    }
    return true;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  int m_section = -1;
  bool m_section_in_array = false;
};

std::string indent_of(std::string_view text, std::size_t line) {
  std::size_t end = line;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  return std::string(text.substr(line, end - line));
}

bool has_content(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return true;
  return false;
}

std::string replace(std::string_view text, std::size_t begin, std::size_t end, std::string_view with) {
  std::string out(text.substr(0, begin));
  out.append(with);
  out.append(text.substr(end));
  return out;
}

// [a.b] with `key = value` under it, at the end of the document.
std::string append_table(std::string_view text, const Path& table, const std::string& line, const std::string& eol) {
  std::string block = "[" + toml_dotted_key(table) + "]" + eol + line + eol;
  if (!has_content(text)) return std::string(text) + block;
  bool no_final_newline = text.back() != '\n';
  std::string out(text);
  if (no_final_newline) out += eol;
  bool blank_before = out.size() >= 2 * eol.size() && out.ends_with(eol + eol);
  if (!blank_before) out += eol;
  out += block;
  if (no_final_newline) out.resize(out.size() - eol.size());
  return out;
}

// The first line of the comment lines directly above `line` (none: `line`).
std::size_t attached_comments_start(std::string_view text, std::size_t line) {
  while (line > 0) {
    std::size_t prev = line_begin(text, line - 1);
    std::size_t first = prev;
    while (first < line && (text[first] == ' ' || text[first] == '\t')) ++first;
    if (first >= line || text[first] != '#') break;
    line = prev;
  }
  return line;
}

}  // namespace

Result<std::string> set_in_toml(std::string_view text, const Path& path, const Value& value,
                                const std::string& display_path) {
  auto parsed = parse_toml(text, display_path, Origin::Kind::project);
  if (!parsed) return parsed.error();
  const Value& root = parsed.value();
  const std::size_t n = path.size();

  // How much of the parent path exists, and is it all tables?
  const Value* node = &root;
  std::size_t existing = 0;
  for (; existing + 1 < n; ++existing) {
    const Value* child = node->find(path[existing]);
    if (!child) break;
    Path prefix(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(existing + 1));
    if (!child->is_table())
      return at(display_path, child->origin().line, child->origin().column,
                cannot_set(path) + ": " + quote(join_key(prefix)) + " is " + describe(*child) +
                    ", not a table");
    node = child;
  }
  const Value* leaf = existing + 1 == n ? node->find(path.back()) : nullptr;
  if (leaf && leaf->is_table())
    return at(display_path, leaf->origin().line, leaf->origin().column,
              cannot_set(path) + ": it is a table", "set one of its keys instead");

  Scanner scanner(text);
  if (!scanner.scan()) {
    std::size_t line_start = line_begin(text, scanner.failed_at);
    int line = 1;
    for (std::size_t i = 0; i < line_start; ++i) line += text[i] == '\n';
    return at(display_path, line, static_cast<int>(scanner.failed_at - line_start) + 1,
              cannot_set(path) + ": this TOML is beyond what keel can edit", "edit the file by hand");
  }
  const auto& headers = scanner.headers;
  const auto& entries = scanner.entries;
  const std::string eol = line_ending(text);

  auto last_entry = [&](auto&& pred) -> const Entry* {
    const Entry* found = nullptr;
    for (const auto& e : entries)
      if (!e.in_array && pred(e)) found = &e;
    return found;
  };

  if (leaf) {
    const Entry* e = last_entry([&](const Entry& x) { return same_path(x.path, path); });
    if (!e)
      return at(display_path, leaf->origin().line, leaf->origin().column,
                cannot_set(path) + ": it is an array of tables", "edit the file by hand");
    std::string_view old = text.substr(e->value_begin, e->value_end - e->value_begin);
    StringStyle style = old.starts_with("'") && !old.starts_with("'''") ? StringStyle::single_quoted
                                                                         : StringStyle::double_quoted;
    return replace(text, e->value_begin, e->value_end, render_toml(value, style));
  }

  const Path parent(path.begin(), path.end() - 1);
  const Path table(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(existing));  // deepest existing
  const std::string rendered = render_toml(value);

  // Inside an inline table: add `rest = value` between its braces.
  const Entry* holder = nullptr;
  for (const auto& e : entries)
    if (!e.in_array && e.inline_table && e.path.size() <= parent.size() && starts_with(parent, e.path) &&
        (!holder || e.path.size() > holder->path.size()))
      holder = &e;
  if (holder) {
    int index = static_cast<int>(holder - entries.data());
    std::string item = toml_dotted_key(path, holder->path.size()) + " = " + rendered;
    const Entry* last = last_entry([&](const Entry& x) { return x.inline_parent == index; });
    if (last) return replace(text, last->value_end, last->value_end, ", " + item);
    // "{}" or "{ }" becomes "{ item }".
    return replace(text, holder->value_begin + 1, holder->value_end - 1, " " + item + " ");
  }

  // Inserts `key = value` (key relative to its section) after entry `e`.
  auto insert_after = [&](std::size_t pos, const std::string& indent, std::size_t from) {
    std::string line = indent + toml_dotted_key(path, from) + " = " + rendered + eol;
    return insert_lines(text, after_line(text, pos), line, eol);
  };

  // The parent was opened with a [header]: add the key to that section.
  if (existing == parent.size() && !parent.empty()) {
    for (std::size_t h = 0; h < headers.size(); ++h) {
      if (headers[h].in_array || !same_path(headers[h].path, parent)) continue;
      int section = static_cast<int>(h);
      const Entry* last = last_entry([&](const Entry& x) { return x.section == section && x.inline_parent < 0; });
      if (last) return insert_after(last->value_end, indent_of(text, last->line), parent.size());
      std::string line = toml_key(path.back()) + " = " + rendered + eol;
      return insert_lines(text, headers[h].end, line, eol);
    }
  }

  // The deepest existing table was made by dotted keys (`log.level = ...`)
  // in some section: add another dotted key beside the last of them.
  if (!table.empty()) {
    const Entry* last = last_entry([&](const Entry& x) {
      if (x.inline_parent >= 0 || x.path.size() <= table.size() || !starts_with(x.path, table)) return false;
      std::size_t base = x.section < 0 ? 0 : headers[static_cast<std::size_t>(x.section)].path.size();
      return base < table.size();
    });
    if (last) {
      std::size_t base = last->section < 0 ? 0 : headers[static_cast<std::size_t>(last->section)].path.size();
      return insert_after(last->value_end, indent_of(text, last->line), base);
    }
  }

  if (n > 1) return append_table(text, parent, toml_key(path.back()) + " = " + rendered, eol);

  // A key of the root table: after the last root key, or above the first
  // header (and the comments that introduce it), or at the end.
  std::string line = toml_key(path.back()) + " = " + rendered + eol;
  const Entry* last_root = last_entry([](const Entry& x) { return x.section < 0 && x.inline_parent < 0; });
  if (last_root) return insert_after(last_root->value_end, indent_of(text, last_root->line), 0);
  if (!headers.empty()) {
    std::size_t at_line = attached_comments_start(text, line_begin(text, headers.front().begin));
    if (at_line == 0 && text.starts_with("\xEF\xBB\xBF")) at_line = 3;
    return insert_lines(text, at_line, line + eol, eol);
  }
  return insert_lines(text, text.size(), line, eol);
}

}  // namespace keel::config::edit_detail
