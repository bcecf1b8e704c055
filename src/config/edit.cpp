// The format-independent half of the config editor: checks on the request,
// rendering values and keys, and line helpers. The TOML and YAML halves are
// in edit_toml.cpp and edit_yaml.cpp.
#include "config/edit.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "config/edit_common.hpp"
#include "config/parse_common.hpp"
#include "core/utf8.hpp"

namespace keel::config {

namespace edit_detail {

namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// A double-quoted string with JSON-style escapes, valid as a TOML basic
// string and as a YAML double-quoted scalar. YAML also needs the C1 control
// characters escaped; invalid UTF-8 becomes U+FFFD.
std::string double_quote(std::string_view s, bool yaml) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t len = utf8::sequence_length(s.substr(i));
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
        continue;
      }
      auto c2 = static_cast<unsigned char>(s[i + 1]);
      bool c1_control = c == 0xC2 && c2 >= 0x80 && c2 <= 0x9F;
      bool bom = len == 3 && s.substr(i, 3) == "\xEF\xBB\xBF";
      if (yaml && (c1_control || bom)) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", c1_control ? static_cast<unsigned>(c2) : 0xFEFFu);
        out += buf;
      } else {
        out.append(s.substr(i, len));
      }
      i += len;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

// No control characters (tab allowed when `tab_ok`), valid UTF-8, and for
// YAML no C1 controls either.
bool printable(std::string_view s, bool tab_ok) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t len = utf8::sequence_length(s.substr(i));
      if (len == 0) return false;
      if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return false;
      if (s.substr(i, len) == "\xEF\xBB\xBF") return false;
      i += len;
      continue;
    }
    if ((c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7f) return false;
    ++i;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A word that reads back as the same string as a plain YAML scalar, in
// YAML 1.1 readers too: starts with a letter, no indicators, not a word
// those readers take for a boolean or null.
bool plain_yaml_safe(std::string_view s) {
  if (s.empty() || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  for (char c : s)
    if (!is_bare_key_char(c) && c != '.' && c != '/' && c != '+' && c != '@') return false;
  for (const char* word : {"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
    if (iequals(s, word)) return false;
  return true;
}

std::string render_float(double d, bool yaml) {
  if (std::isnan(d)) return yaml ? ".nan" : "nan";
  if (std::isinf(d)) return d < 0 ? (yaml ? "-.inf" : "-inf") : (yaml ? ".inf" : "inf");
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  // "5" would read back as an integer.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string render(const Value& v, StringStyle style, bool yaml) {
  switch (v.type()) {
    case Value::Type::boolean: return v.as_bool() ? "true" : "false";
    case Value::Type::integer: return std::to_string(v.as_int());
    case Value::Type::floating: return render_float(v.as_float(), yaml);
    case Value::Type::string: {
      const std::string& s = v.as_string();
      if (style == StringStyle::plain && yaml && plain_yaml_safe(s)) return s;
      if (style == StringStyle::single_quoted) {
        if (!yaml && s.find('\'') == std::string::npos && printable(s, true)) return "'" + s + "'";
        if (yaml && printable(s, false)) {
          std::string out = "'";
          for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
          return out + "'";
        }
      }
      return double_quote(s, yaml);
    }
    case Value::Type::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items().size(); ++i) {
        if (i) s += ", ";
        s += render(v.items()[i], StringStyle::double_quoted, yaml);
      }
      return s + "]";
    }
    case Value::Type::null:
    case Value::Type::table: break;  // refused by set_in_document
  }
  return {};
}

bool writable(const Value& v) {
  if (v.is_array()) {
    for (const auto& item : v.items())
      if (!writable(item)) return false;
    return true;
  }
  return v.type() != Value::Type::table && v.type() != Value::Type::null;
}

}  // namespace

std::string render_toml(const Value& v, StringStyle style) { return render(v, style, false); }
std::string render_yaml(const Value& v, StringStyle style) { return render(v, style, true); }

std::string toml_key(std::string_view key) {
  bool bare = !key.empty();
  for (char c : key) bare = bare && is_bare_key_char(c);
  return bare ? std::string(key) : double_quote(key, false);
}

std::string yaml_key(std::string_view key) {
  // Letters first: "-x", "1", "true" and the like are quoted.
  bool bare = !key.empty() && ((key[0] >= 'A' && key[0] <= 'Z') || (key[0] >= 'a' && key[0] <= 'z') || key[0] == '_');
  for (char c : key) bare = bare && is_bare_key_char(c);
  if (bare && !plain_yaml_safe(key) && key[0] != '_') bare = false;
  return bare ? std::string(key) : double_quote(key, true);
}

std::string toml_dotted_key(const std::vector<std::string>& path, std::size_t from) {
  std::string s;
  for (std::size_t i = from; i < path.size(); ++i) {
    if (i > from) s += '.';
    s += toml_key(path[i]);
  }
  return s;
}

std::string line_ending(std::string_view text) {
  std::size_t nl = text.find('\n');
  if (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') return "\r\n";
  return "\n";
}

std::size_t after_line(std::string_view text, std::size_t pos) {
  std::size_t nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

std::size_t line_content_end(std::string_view text, std::size_t pos) {
  std::size_t nl = text.find('\n', pos);
  if (nl == std::string_view::npos) return text.size();
  return nl > pos && text[nl - 1] == '\r' ? nl - 1 : nl;
}

std::size_t line_begin(std::string_view text, std::size_t pos) {
  while (pos > 0 && text[pos - 1] != '\n') --pos;
  return pos;
}

std::string insert_lines(std::string_view text, std::size_t at, std::string_view block, std::string_view eol) {
  std::string out;
  out.reserve(text.size() + block.size() + eol.size());
  if (at >= text.size() && !text.empty() && text.back() != '\n') {
    out.append(text);
    out.append(eol);
    out.append(block.substr(0, block.size() - eol.size()));
    return out;
  }
  out.append(text.substr(0, at));
  out.append(block);
  out.append(text.substr(at));
  return out;
}

std::string describe(const Value& v) {
  if (v.is_array() && !v.items().empty() && v.items().front().is_table()) return "an array of tables";
  return std::string(v.type_name());
}

std::string cannot_set(const std::vector<std::string>& path) { return "cannot set " + quote(join_key(path)); }

Error at(const std::string& display_path, int line, int column, std::string problem, std::string hint) {
  Error e = detail::position_error(display_path, line, column, std::move(problem));
  e.hint = std::move(hint);
  return e;
}

}  // namespace edit_detail

Result<std::string> set_in_document(std::string_view text, Format format, const std::vector<std::string>& path,
                                    const Value& value, const std::string& display_path) {
  if (path.empty()) return Error{"cannot set an empty key", {}, Exit::usage};
  for (const auto& segment : path)
    if (segment.empty()) return Error{"cannot set " + quote(join_key(path)) + ": empty key segment", {}, Exit::usage};
  if (!edit_detail::writable(value))
    return Error{edit_detail::cannot_set(path) + " to " + std::string(value.type_name()) +
                     ": only scalars and arrays of scalars can be written",
                 {}, Exit::usage};
  if (format == Format::yaml) return edit_detail::set_in_yaml(text, path, value, display_path);
  return edit_detail::set_in_toml(text, path, value, display_path);
}

}  // namespace keel::config
