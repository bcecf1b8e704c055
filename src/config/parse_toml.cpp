// The only translation unit that includes toml++: it is a heavy header.
//
// toml++ 3.3 checks some parser invariants with TOML_ASSERT_ASSUME and marks
// some paths TOML_UNREACHABLE; a release build turns both into optimiser
// assumptions. Malformed input reaches them (a table header "[`x]", a
// non-ASCII character such as U+013A where whitespace may follow "="), which
// would be undefined behaviour. Make the assertions throw, and check for
// non-ASCII characters outside strings before parsing.
#include <toml++/impl/preprocessor.h>

#include <cstdlib>

namespace keel::config::detail {
struct TomlInvariantFailed {};
[[noreturn]] inline void toml_invariant_failed() { throw TomlInvariantFailed{}; }
}  // namespace keel::config::detail

#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) ((expr) ? static_cast<void>(0) : ::keel::config::detail::toml_invariant_failed())
// Unreachable paths sit in noexcept functions, where a throw would
// terminate anyway: stop deterministically rather than invoke UB.
#undef TOML_UNREACHABLE
#define TOML_UNREACHABLE std::abort()

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <tuple>
#include <sstream>

#include "config/parse.hpp"
#include "config/parse_common.hpp"
#include "core/utf8.hpp"

namespace keel::config {

namespace detail {

std::optional<Error> check_utf8(std::string_view text, const std::string& path) {
  if (auto bad = utf8::find_invalid(text))
    return position_error(path, bad->line, bad->column, "invalid UTF-8");
  // Config files are text; a NUL byte also trips toml++'s key parser.
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    auto pos = utf8::position_of(text, nul);
    return position_error(path, pos.line, pos.column, "NUL byte in text");
  }
  return std::nullopt;
}

}  // namespace detail

namespace {

Origin origin_of(const toml::node& node, const std::string& path, Origin::Kind kind) {
  const auto& src = node.source();
  return Origin{kind, path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

template <class T>
std::string to_text(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

Value convert(const toml::node& node, const std::string& path, Origin::Kind kind) {
  Origin o = origin_of(node, path, kind);
  if (auto* t = node.as_table()) {
    // toml++ sorts keys; keep the file's order so diagnostics follow it.
    std::vector<std::pair<std::string, Value>> entries;
    for (auto&& [key, child] : *t) {
      Value c = convert(child, path, kind);
      // Keys carry their own position, which is the one a user looks for.
      const auto& ks = key.source();
      if (ks.begin.line > 0) {
        Origin ko = c.origin();
        ko.line = static_cast<int>(ks.begin.line);
        ko.column = static_cast<int>(ks.begin.column);
        c.set_origin(ko);
      }
      entries.emplace_back(std::string(key.str()), std::move(c));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const Origin& x = a.second.origin();
      const Origin& y = b.second.origin();
      return std::tie(x.line, x.column) < std::tie(y.line, y.column);
    });
    Value v = Value::make_table(std::move(o));
    for (auto& [key, child] : entries) v.set(key, std::move(child));
    return v;
  }
  if (auto* a = node.as_array()) {
    Value v = Value::make_array(std::move(o));
    for (auto&& child : *a) v.push_back(convert(child, path, kind));
    return v;
  }
  if (auto* s = node.as_string()) return Value::make_string(s->get(), std::move(o));
  if (auto* i = node.as_integer()) return Value::make_int(i->get(), std::move(o));
  if (auto* f = node.as_floating_point()) return Value::make_float(f->get(), std::move(o));
  if (auto* b = node.as_boolean()) return Value::make_bool(b->get(), std::move(o));
  if (auto* d = node.as_date()) return Value::make_string(to_text(d->get()), std::move(o));
  if (auto* t = node.as_time()) return Value::make_string(to_text(t->get()), std::move(o));
  if (auto* dt = node.as_date_time()) return Value::make_string(to_text(dt->get()), std::move(o));
  return Value();
}

std::string lowercase_first(std::string_view text) {
  std::string s(text);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// Where toml++ gave up without a position: the first character of a
// [table] header that cannot appear in a key. (0, 0) when there is none.
utf8::Position bad_header_character(std::string_view text) {
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    std::size_t end = text.find('\n', line_start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(line_start, end - line_start);
    std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '[') {
      bool quoted = false;
      for (std::size_t i = first; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"' || c == '\'') quoted = !quoted;
        if (quoted || c == '"' || c == '\'') continue;
        if (c == ']' ) break;
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ' ' ||
                  c == '\t' || c == '[';
        if (!ok) return utf8::position_of(text, line_start + i);
      }
    }
    line_start = end + 1;
  }
  return utf8::Position{0, 0, 0};
}

// The first non-ASCII character outside strings and comments, where TOML
// allows none. (0, 0) when there is none. Checked before toml++ sees the
// text: its whitespace test for such characters is marked unreachable.
utf8::Position non_ascii_outside_strings(std::string_view text) {
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a byte order mark is allowed
  auto starts = [&](std::string_view token) { return text.substr(i, token.size()) == token; };
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (starts("\"\"\"") || starts("\'\'\'")) {
      std::string_view delim = text.substr(i, 3);
      i += 3;
      while (i < text.size() && !starts(delim)) i += (delim[0] == '"' && text[i] == '\\') ? 2 : 1;
      while (i < text.size() && text[i] == delim[0]) ++i;  // up to two quotes may end the content
    } else if (c == '"' || c == '\'') {
      ++i;
      while (i < text.size() && text[i] != c && text[i] != '\n') i += (c == '"' && text[i] == '\\') ? 2 : 1;
      ++i;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return utf8::position_of(text, i);
    } else {
      ++i;
    }
  }
  return utf8::Position{0, 0, 0};
}

}  // namespace

Format format_for_path(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".yaml") || ends_with(".yml")) return Format::yaml;
  return Format::toml;
}

Result<Value> parse_toml(std::string_view text, const std::string& display_path, Origin::Kind kind) {
  if (auto err = detail::check_utf8(text, display_path)) return *err;
  if (auto pos = non_ascii_outside_strings(text); pos.line > 0)
    return detail::position_error(display_path, pos.line, pos.column, "malformed TOML: unexpected character");
  try {
    toml::table table = toml::parse(text, std::string_view(display_path));
    Value v = convert(table, display_path, kind);
    v.set_origin(Origin{kind, display_path, 0, 0});
    return v;
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return detail::position_error(display_path, static_cast<int>(src.begin.line),
                                  static_cast<int>(src.begin.column),
                                  "malformed TOML: " + lowercase_first(e.description()));
  } catch (const detail::TomlInvariantFailed&) {
    auto pos = bad_header_character(text);
    return detail::position_error(display_path, pos.line, pos.column, "malformed TOML: unexpected character in a key");
  }
}

Result<Value> parse_document(std::string_view text, const std::string& display_path, Origin::Kind kind) {
  if (format_for_path(display_path) == Format::yaml) return parse_yaml(text, display_path, kind);
  return parse_toml(text, display_path, kind);
}

Value parse_toml_value(std::string_view text, Origin origin) { return parse_flag_value(text, std::move(origin), true); }

Value parse_flag_value(std::string_view text, Origin origin, bool any_toml) {
  bool looks_typed = !text.empty() && (text.front() == '[' || text == "true" || text == "false" ||
                                       text.front() == '-' || text.front() == '+' ||
                                       (text.front() >= '0' && text.front() <= '9'));
  if (looks_typed || any_toml) {
    std::string doc = "v = ";
    doc += text;
    try {
      toml::table t = toml::parse(std::string_view(doc), std::string_view("flag"));
      if (auto* node = t.get("v")) {
        Value v = convert(*node, origin.source, origin.kind);
        // Values nested in an inline array take the flag's origin too.
        v.set_origin(origin);
        Value out = v;
        if (out.is_array()) {
          Value arr = Value::make_array(origin);
          for (const auto& item : v.items()) {
            Value copy = item;
            copy.set_origin(origin);
            arr.push_back(std::move(copy));
          }
          return arr;
        }
        return out;
      }
    } catch (const toml::parse_error&) {
      // Not a TOML value: it is a plain string.
    }
  }
  return Value::make_string(std::string(text), std::move(origin));
}

}  // namespace keel::config
