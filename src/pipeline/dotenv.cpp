#include "pipeline/dotenv.hpp"

namespace keel::pipeline {

namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

class Reader {
 public:
  Reader(std::string_view text, const std::string& shown) : m_text(text), m_shown(shown) {}

  Result<std::vector<std::pair<std::string, std::string>>> read() {
    std::vector<std::pair<std::string, std::string>> out;
    while (m_at < m_text.size()) {
      skip_blanks();
      if (m_at >= m_text.size()) break;
      char c = m_text[m_at];
      if (c == '\n' || c == '#') {
        skip_line();
        continue;
      }
      if (m_text.compare(m_at, 7, "export ") == 0) {
        m_at += 7;
        skip_blanks();
      }
      std::size_t start = m_at;
      while (m_at < m_text.size() && name_char(m_text[m_at], m_at == start)) ++m_at;
      if (m_at == start) return bad("expected NAME=value");
      std::string name(m_text.substr(start, m_at - start));
      skip_blanks();
      if (m_at >= m_text.size() || m_text[m_at] != '=') return bad("expected '=' after " + quote(name));
      ++m_at;
      skip_blanks();
      auto value = read_value();
      if (!value) return value.error();
      out.emplace_back(std::move(name), std::move(value).value());
    }
    return out;
  }

 private:
  Error bad(std::string message) const {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < m_at && i < m_text.size(); ++i) {
      if (m_text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Error{m_shown + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + std::move(message), {},
                 Exit::config};
  }

  void skip_blanks() {
    while (m_at < m_text.size() && (m_text[m_at] == ' ' || m_text[m_at] == '\t' || m_text[m_at] == '\r')) ++m_at;
  }
  void skip_line() {
    std::size_t nl = m_text.find('\n', m_at);
    m_at = nl == std::string_view::npos ? m_text.size() : nl + 1;
  }

  // After a closing quote only blanks and a comment may follow.
  Status end_of_line() {
    skip_blanks();
    if (m_at < m_text.size() && m_text[m_at] != '\n' && m_text[m_at] != '#')
      return bad("unexpected text after the closing quote");
    skip_line();
    return ok_status();
  }

  Result<std::string> read_value() {
    if (m_at < m_text.size() && (m_text[m_at] == '\'' || m_text[m_at] == '"')) {
      char q = m_text[m_at];
      std::size_t open = m_at++;
      std::string value;
      while (m_at < m_text.size() && m_text[m_at] != q) {
        char c = m_text[m_at++];
        if (q == '"' && c == '\\' && m_at < m_text.size()) {
          char e = m_text[m_at++];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          if (e != 'n' && e != 't' && e != 'r' && e != '\\' && e != '"') value.insert(value.size() - 1, 1, '\\');
          continue;
        }
        value += c;
      }
      if (m_at >= m_text.size()) {
        m_at = open;
        return bad(std::string("unterminated ") + (q == '"' ? "double" : "single") + "-quoted value");
      }
      ++m_at;
      if (auto st = end_of_line(); !st) return st.error();
      return value;
    }
    std::size_t start = m_at;
    std::size_t nl = m_text.find('\n', m_at);
    std::size_t end = nl == std::string_view::npos ? m_text.size() : nl;
    std::string_view raw = m_text.substr(start, end - start);
    // " #" starts a comment; '#' inside a word (a URL's fragment) does not.
    for (std::size_t i = 1; i < raw.size(); ++i)
      if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
        raw = raw.substr(0, i);
        break;
      }
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r')) raw.remove_suffix(1);
    m_at = nl == std::string_view::npos ? m_text.size() : nl + 1;
    return std::string(raw);
  }

  std::string_view m_text;
  const std::string& m_shown;
  std::size_t m_at = 0;
};

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_dotenv(std::string_view text, const std::string& shown) {
  return Reader(text, shown).read();
}

}  // namespace keel::pipeline
