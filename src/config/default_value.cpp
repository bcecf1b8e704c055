// Declared defaults (KeyDecl::default_value) are TOML value text, read on
// every keel start. The shapes they use (booleans, integers, plain strings,
// arrays of them and inline tables of plain strings) are read here; anything
// else goes to the TOML parser, which costs far more per value.
#include <optional>

#include "config/parse.hpp"
#include "config/schema.hpp"

namespace keel::config {

namespace {

class DefaultReader {
 public:
  explicit DefaultReader(std::string_view text) : m_text(text) {}

  std::optional<Value> whole() {
    auto v = value();
    skip_space();
    if (!v || m_pos != m_text.size()) return std::nullopt;
    return v;
  }

 private:
  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) ++m_pos;
  }

  bool take(char c) {
    skip_space();
    if (m_pos >= m_text.size() || m_text[m_pos] != c) return false;
    ++m_pos;
    return true;
  }

  std::optional<Value> value() {
    skip_space();
    if (m_pos >= m_text.size()) return std::nullopt;
    char c = m_text[m_pos];
    if (c == '"') return plain_string();
    if (c == '[') return array();
    if (c == '{') return inline_table();
    return scalar();
  }

  // A basic string with no escapes.
  std::optional<Value> plain_string() {
    std::size_t end = m_text.find_first_of("\"\\", m_pos + 1);
    if (end == std::string_view::npos || m_text[end] != '"') return std::nullopt;
    Value v = Value::make_string(std::string(m_text.substr(m_pos + 1, end - m_pos - 1)));
    m_pos = end + 1;
    return v;
  }

  // true, false or a decimal integer without sign or leading zero.
  std::optional<Value> scalar() {
    std::size_t end = m_pos;
    while (end < m_text.size() && m_text[end] >= 'a' && m_text[end] <= 'z') ++end;
    std::string_view word = m_text.substr(m_pos, end - m_pos);
    if (word == "true" || word == "false") {
      m_pos = end;
      return Value::make_bool(word == "true");
    }
    end = m_pos;
    while (end < m_text.size() && m_text[end] >= '0' && m_text[end] <= '9') ++end;
    std::string_view digits = m_text.substr(m_pos, end - m_pos);
    if (digits.empty() || digits.size() > 18 || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
    std::int64_t n = 0;
    for (char d : digits) n = n * 10 + (d - '0');
    m_pos = end;
    return Value::make_int(n);
  }

  std::optional<Value> array() {
    ++m_pos;
    Value arr = Value::make_array();
    if (take(']')) return arr;
    do {
      auto item = value();
      if (!item) return std::nullopt;
      arr.push_back(std::move(*item));
    } while (take(','));
    if (!take(']')) return std::nullopt;
    return arr;
  }

  std::optional<Value> inline_table() {
    ++m_pos;
    Value table = Value::make_table();
    if (take('}')) return table;
    do {
      skip_space();
      std::size_t end = m_pos;
      while (end < m_text.size() && is_bare_key_char(m_text[end])) ++end;
      if (end == m_pos) return std::nullopt;
      std::string key(m_text.substr(m_pos, end - m_pos));
      m_pos = end;
      if (!take('=')) return std::nullopt;
      auto item = value();
      if (!item || table.find(key)) return std::nullopt;
      table.set(key, std::move(*item));
    } while (take(','));
    if (!take('}')) return std::nullopt;
    return table;
  }

  static bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

Value parse_default_value(std::string_view text) {
  if (auto v = DefaultReader(text).whole()) return std::move(*v);
  return parse_toml_value(text);
}

}  // namespace keel::config
