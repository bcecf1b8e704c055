// Setting one value in a YAML document's text. yaml-cpp checks the document
// and gives each mapping key's position; an entry's text runs from its key
// to the next sibling's key, and the value is found inside that stretch.
// Only block mappings are edited: flow mappings are refused.
#include <yaml-cpp/yaml.h>

#include <optional>

#include "config/edit.hpp"
#include "config/edit_common.hpp"

namespace keel::config::edit_detail {

namespace {

using Path = std::vector<std::string>;

struct Entry {
  YAML::Node key;
  YAML::Node value;
  std::size_t key_pos = 0;  // offset of the key's first character
  int line = 0;             // 0-based, as in YAML::Mark
  int column = 0;           // 0-based, in bytes
  std::size_t region_end = 0;  // start of the next sibling's line, or the parent's end
};

// Where an entry's value sits in the text.
struct Span {
  std::size_t colon = 0;
  std::size_t begin = 0;   // first character of the value
  std::size_t end = 0;     // just past it
  bool below = false;      // starts on a line after the key's
  bool empty = false;      // no value at all (`key:` alone)
};

class Editor {
 public:
  Editor(std::string_view text, const Value& tree, const Path& path, const std::string& display_path)
      : m_text(text), m_tree(tree), m_path(path), m_display(display_path), m_eol(line_ending(text)) {
    m_bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    m_line_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') m_line_starts.push_back(i + 1);
  }

  Result<std::string> set(const Value& value) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(m_text));
    } catch (const YAML::Exception& e) {
      return at(m_display, e.mark.line + 1, e.mark.column + 1, "malformed YAML: " + e.msg);
    }
    m_unit = find_unit(root);
    if (m_unit <= 0) m_unit = 2;
    const std::size_t n = m_path.size();

    if (!root.IsMap()) {  // an empty document: parse_yaml accepted nothing else
      return insert_lines(m_text, m_text.size(), nested(0, 0, value), m_eol);
    }
    if (root.Style() == YAML::EmitterStyle::Flow)
      return at(m_display, root.Mark().line + 1, root.Mark().column + 1,
                cannot_set(m_path) + ": the top level is a flow mapping",
                "rewrite it as a block mapping, one key per line");

    YAML::Node current = root;
    std::size_t region_end = m_text.size();
    bool at_root = true;
    for (std::size_t i = 0; i < n; ++i) {
      auto entries = entries_of(current, region_end);
      if (!entries) return m_error;
      const Entry* found = nullptr;
      for (const auto& e : *entries)
        if (same_key(e.key.Scalar(), m_path[i])) found = &e;
      if (!found) {
        if (entries->empty()) return unsupported(0);
        int indent = entries->front().column;
        std::size_t insert_at = m_text.size();
        if (!at_root) {
          auto end = entry_end(entries->back());
          if (!end) return m_error;
          insert_at = after_line(m_text, *end);
        }
        return insert_lines(m_text, insert_at, nested(i, indent, value), m_eol);
      }
      const Entry& e = *found;
      Path prefix(m_path.begin(), m_path.begin() + static_cast<std::ptrdiff_t>(i + 1));
      if (i + 1 == n) return replace(e, value);

      if (e.value.IsMap() && e.value.Style() == YAML::EmitterStyle::Flow && e.value.size() == 0) {
        // `key: {}` has nothing to lose: drop the braces, add the child below.
        auto span = span_of(e);
        if (!span) return m_error;
        std::string out = insert_lines(m_text, after_line(m_text, span->end), nested(i + 1, e.column + m_unit, value),
                                       m_eol);
        return out.erase(span->colon + 1, span->end - span->colon - 1);
      }
      if (e.value.IsMap()) {
        if (e.value.Style() == YAML::EmitterStyle::Flow)
          return at(m_display, e.line + 1, e.column + 1,
                    cannot_set(m_path) + ": " + quote(join_key(prefix)) + " is a flow mapping",
                    "rewrite " + quote(join_key(prefix)) + " as a block mapping, one key per line");
        current = e.value;
        region_end = e.region_end;
        at_root = false;
        continue;
      }
      if (e.value.IsNull()) {
        auto span = span_of(e);
        if (!span) return m_error;
        // `key:` with nothing after it: give it its first child.
        if (span->empty)
          return insert_lines(m_text, after_line(m_text, span->colon), nested(i + 1, e.column + m_unit, value),
                              m_eol);
      }
      return at(m_display, e.line + 1, e.column + 1,
                cannot_set(m_path) + ": " + quote(join_key(prefix)) + " is " + type_of(prefix) +
                    ", not a table");
    }
    return m_error;  // not reached: the loop returns
  }

 private:
  std::size_t offset(const YAML::Mark& m) const {
    if (m.line < 0 || static_cast<std::size_t>(m.line) >= m_line_starts.size()) return std::string_view::npos;
    std::size_t pos = m_line_starts[static_cast<std::size_t>(m.line)] + static_cast<std::size_t>(m.column);
    if (m.line == 0) pos += m_bom;
    return pos <= m_text.size() ? pos : std::string_view::npos;
  }

  Error unsupported(std::size_t pos, std::string what = "this YAML is beyond what keel can edit") {
    std::size_t start = line_begin(m_text, pos);
    int line = 1;
    for (std::size_t i = 0; i < start; ++i) line += m_text[i] == '\n';
    return at(m_display, line, static_cast<int>(pos - start) + 1, cannot_set(m_path) + ": " + what,
              "edit the file by hand");
  }

  // The entries of a block mapping whose text ends at region_end.
  std::optional<std::vector<Entry>> entries_of(const YAML::Node& map, std::size_t region_end) {
    std::vector<Entry> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      Entry e;
      e.key = it->first;
      e.value = it->second;
      YAML::Mark m = e.key.Mark();
      e.key_pos = offset(m);
      e.line = m.line;
      e.column = m.column;
      if (e.key_pos == std::string_view::npos || !e.key.IsScalar() || !key_at(e.key_pos, e.key.Scalar())) {
        m_error = unsupported(e.key_pos == std::string_view::npos ? 0 : e.key_pos);
        return std::nullopt;
      }
      out.push_back(std::move(e));
    }
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i].region_end = i + 1 < out.size() ? line_begin(m_text, out[i + 1].key_pos) : region_end;
    return out;
  }

  // Does the key's text start at pos? Guards the mark-to-offset mapping
  // (line breaks yaml-cpp counts and this editor does not, anchors, tags).
  bool key_at(std::size_t pos, const std::string& key) const {
    if (pos >= m_text.size()) return false;
    if (m_text[pos] == '"' || m_text[pos] == '\'') return true;
    return m_text.substr(pos, key.size()) == key;
  }

  bool at_line_end(std::size_t p) const { return p >= m_text.size() || m_text[p] == '\n' || m_text[p] == '\r'; }
  bool blank(char c) const { return c == ' ' || c == '\t'; }
  std::size_t skip_blanks(std::size_t p) const {
    while (p < m_text.size() && blank(m_text[p])) ++p;
    return p;
  }

  // Past a quoted scalar starting at p; npos when it does not close.
  std::size_t quoted_end(std::size_t p) const {
    char q = m_text[p];
    for (std::size_t i = p + 1; i < m_text.size(); ++i) {
      if (q == '"' && m_text[i] == '\\') {
        ++i;
        continue;
      }
      if (m_text[i] == q) {
        if (q == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'') {
          ++i;
          continue;
        }
        return i + 1;
      }
    }
    return std::string_view::npos;
  }

  // Past the flow collection starting at p ('[' or '{').
  std::size_t flow_end(std::size_t p) const {
    int depth = 0;
    for (std::size_t i = p; i < m_text.size(); ++i) {
      char c = m_text[i];
      if (c == '"' || c == '\'') {
        std::size_t q = quoted_end(i);
        if (q == std::string_view::npos) return q;
        i = q - 1;
      } else if (c == '#' && i > 0 && (blank(m_text[i - 1]) || m_text[i - 1] == '\n')) {
        while (i < m_text.size() && m_text[i] != '\n') ++i;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::string_view::npos;
  }

  // Lines in [from, to): first non-blank character, or npos for blank and
  // comment-only lines.
  std::size_t content_start(std::size_t line) const {
    std::size_t p = skip_blanks(line);
    if (at_line_end(p) || m_text[p] == '#') return std::string_view::npos;
    return p;
  }

  // End (before any trailing blanks) of the last line in [from, to) that
  // holds more than blanks and a comment; npos when there is none.
  std::size_t last_content_end(std::size_t from, std::size_t to) const {
    std::size_t found = std::string_view::npos;
    for (std::size_t line = from; line < to; line = after_line(m_text, line)) {
      if (content_start(line) != std::string_view::npos) found = line;
      if (after_line(m_text, line) == line) break;
    }
    if (found == std::string_view::npos) return found;
    std::size_t end = line_content_end(m_text, found);
    while (end > found && blank(m_text[end - 1])) --end;
    return end;
  }

  // Where a plain scalar's text ends on the line holding p: before a
  // " #" comment and trailing blanks.
  std::size_t plain_end_on_line(std::size_t p) const {
    std::size_t end = line_content_end(m_text, p);
    for (std::size_t i = p; i < end; ++i)
      if (m_text[i] == '#' && i > 0 && blank(m_text[i - 1])) {
        end = i;
        break;
      }
    while (end > p && blank(m_text[end - 1])) --end;
    return end;
  }

  std::optional<std::size_t> colon_of(const Entry& e) {
    std::size_t p = e.key_pos;
    if (m_text[p] == '"' || m_text[p] == '\'') {
      p = quoted_end(p);
      if (p == std::string_view::npos) {
        m_error = unsupported(e.key_pos);
        return std::nullopt;
      }
      p = skip_blanks(p);
    } else {
      while (!at_line_end(p) && !(m_text[p] == ':' && (p + 1 >= m_text.size() || blank(m_text[p + 1]) ||
                                                         m_text[p + 1] == '\n' || m_text[p + 1] == '\r')))
        ++p;
    }
    if (p >= m_text.size() || m_text[p] != ':') {
      m_error = unsupported(e.key_pos);
      return std::nullopt;
    }
    return p;
  }

  std::optional<Span> span_of(const Entry& e) {
    auto colon = colon_of(e);
    if (!colon) return std::nullopt;
    Span s;
    s.colon = *colon;
    std::size_t p = skip_blanks(s.colon + 1);
    const std::size_t next_line = after_line(m_text, s.colon);
    if (at_line_end(p) || m_text[p] == '#') {
      // Below the key: a block sequence or mapping, or a scalar on its own
      // lines. Everything up to the last content line of the entry.
      s.below = true;
      std::size_t first = std::string_view::npos;
      for (std::size_t line = next_line; line < e.region_end && first == std::string_view::npos;
           line = after_line(m_text, line)) {
        first = content_start(line);
        if (after_line(m_text, line) == line) break;
      }
      if (first == std::string_view::npos) {
        s.empty = true;
        s.begin = s.end = s.colon + 1;
        return s;
      }
      s.begin = first;
      std::size_t end = last_content_end(next_line, e.region_end);
      if (m_text[first] == '"' || m_text[first] == '\'') {
        std::size_t q = quoted_end(first);
        if (q == std::string_view::npos) {
          m_error = unsupported(first);
          return std::nullopt;
        }
        end = line_content_end(m_text, q);
      }
      s.end = end;
      return s;
    }
    s.begin = p;
    char c = m_text[p];
    if (c == '&' || c == '!') {
      m_error = unsupported(p, "its value has a YAML anchor or tag");
      return std::nullopt;
    }
    if (c == '"' || c == '\'') {
      s.end = quoted_end(p);
    } else if (c == '[' || c == '{') {
      s.end = flow_end(p);
    } else if (c == '|' || c == '>') {
      // A block scalar: every line indented deeper than the key.
      s.end = plain_end_on_line(p);
      for (std::size_t line = next_line; line < e.region_end; line = after_line(m_text, line)) {
        std::size_t first = skip_blanks(line);
        if (!at_line_end(first) && first - line > static_cast<std::size_t>(e.column))
          s.end = line_content_end(m_text, line);
        if (after_line(m_text, line) == line) break;
      }
    } else {
      // A plain scalar, possibly folded over more lines: within the entry,
      // anything below the key but comments continues it.
      std::size_t last_line = line_begin(m_text, last_content_end(line_begin(m_text, p), e.region_end));
      s.end = plain_end_on_line(last_line <= p ? p : skip_blanks(last_line));
    }
    if (s.end == std::string_view::npos) {
      m_error = unsupported(p);
      return std::nullopt;
    }
    return s;
  }

  // Where the text of an entry (its value and, for a mapping, all of its
  // children) ends.
  std::optional<std::size_t> entry_end(const Entry& e) {
    if (e.value.IsMap() && e.value.Style() != YAML::EmitterStyle::Flow && e.value.size() > 0) {
      auto children = entries_of(e.value, e.region_end);
      if (!children) return std::nullopt;
      return entry_end(children->back());
    }
    auto span = span_of(e);
    if (!span) return std::nullopt;
    return span->empty ? span->colon : span->end;
  }

  Result<std::string> replace(const Entry& e, const Value& value) {
    if (e.value.IsMap())
      return at(m_display, e.line + 1, e.column + 1, cannot_set(m_path) + ": it is a table",
                "set one of its keys instead");
    auto span = span_of(e);
    if (!span) return m_error;
    StringStyle style = StringStyle::double_quoted;
    if (!span->below && !span->empty && e.value.IsScalar()) {
      char c = m_text[span->begin];
      if (c == '\'')
        style = StringStyle::single_quoted;
      else if (c != '"' && c != '|' && c != '>' && c != '*')
        style = StringStyle::plain;
    }
    std::string rendered = render_yaml(value, style);
    std::string out;
    if (!span->below || span->empty) {
      // In place; a value put after a bare `key:` gets a space before it.
      out = std::string(m_text.substr(0, span->begin));
      out += (span->empty ? " " : "") + rendered;
      out += m_text.substr(span->end);
      return out;
    }
    // A value on the lines below the key moves up beside it; the key line's
    // comment stays, the old lines go.
    std::size_t key_line_end = line_content_end(m_text, span->colon);
    out = std::string(m_text.substr(0, span->colon + 1));
    out += " " + rendered;
    out += m_text.substr(span->colon + 1, key_line_end - span->colon - 1);
    out += m_text.substr(line_content_end(m_text, span->end));
    return out;
  }

  // The lines for path[from..]: "a:" / "  b:" / "    c: value".
  std::string nested(std::size_t from, int indent, const Value& value) const {
    std::string out;
    for (std::size_t j = from; j < m_path.size(); ++j) {
      out += std::string(static_cast<std::size_t>(indent) + (j - from) * static_cast<std::size_t>(m_unit), ' ');
      out += yaml_key(m_path[j]) + ":";
      if (j + 1 == m_path.size()) out += " " + render_yaml(value);
      out += m_eol;
    }
    return out;
  }

  // The document's indentation step: what the first block mapping nested
  // in another uses; 0 when there is none.
  static int find_unit(const YAML::Node& node) {
    if (!node.IsMap() || node.Style() == YAML::EmitterStyle::Flow) return 0;
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node v = it->second;  // it-> is a proxy: copy, do not bind
      if (!v.IsMap() || v.Style() == YAML::EmitterStyle::Flow || v.size() == 0) continue;
      int step = v.begin()->first.Mark().column - it->first.Mark().column;
      if (step > 0) return step;
      if (int inner = find_unit(v); inner > 0) return inner;
    }
    return 0;
  }

  // "an integer", "a string", "null": as the config tree names it.
  std::string type_of(const Path& prefix) const {
    const Value* v = m_tree.find_path(prefix);
    return v ? describe(*v) : "not a table";
  }

  std::string_view m_text;
  const Value& m_tree;  // the same document as parse_yaml read it
  const Path& m_path;
  const std::string& m_display;
  std::string m_eol;
  std::size_t m_bom = 0;
  std::vector<std::size_t> m_line_starts;
  int m_unit = 2;
  Error m_error;
};

}  // namespace

Result<std::string> set_in_yaml(std::string_view text, const Path& path, const Value& value,
                                const std::string& display_path) {
  auto parsed = parse_yaml(text, display_path, Origin::Kind::project);
  if (!parsed) return parsed.error();
  return Editor(text, parsed.value(), path, display_path).set(value);
}

}  // namespace keel::config::edit_detail
