#include "release/template.hpp"

#include "config/value.hpp"

namespace keel::release {

namespace {

constexpr int k_max_depth = 64;

enum class TokenKind { text, variable, section, inverted, close, comment };

struct Token {
  TokenKind kind;
  std::string text;  // literal text, or the tag's name
  int line = 0;
  int column = 0;
};

bool valid_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char previous = 0;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error error_at(int line, int column, const std::string& problem) {
  return Error{"template:" + std::to_string(line) + ":" + std::to_string(column) + ": " + problem, {}, Exit::config};
}

// Splits one line (without its '\n') into tokens.
Status tokenize_line(std::string_view line, int number, std::vector<Token>& out) {
  std::size_t pos = 0;
  while (pos < line.size()) {
    std::size_t open = line.find("{{", pos);
    if (open == std::string_view::npos) {
      out.push_back({TokenKind::text, std::string(line.substr(pos)), number, static_cast<int>(pos) + 1});
      break;
    }
    if (open > pos) out.push_back({TokenKind::text, std::string(line.substr(pos, open - pos)), number, static_cast<int>(pos) + 1});
    std::size_t close = line.find("}}", open + 2);
    int column = static_cast<int>(open) + 1;
    if (close == std::string_view::npos) return error_at(number, column, "unterminated tag: no '}}' on this line");
    std::string_view inner = line.substr(open + 2, close - open - 2);
    TokenKind kind = TokenKind::variable;
    if (!inner.empty()) {
      switch (inner.front()) {
        case '#': kind = TokenKind::section; break;
        case '^': kind = TokenKind::inverted; break;
        case '/': kind = TokenKind::close; break;
        case '!': kind = TokenKind::comment; break;
        default: break;
      }
    }
    if (kind != TokenKind::variable) inner.remove_prefix(1);
    std::string_view name = trim(inner);
    if (kind != TokenKind::comment && !valid_name(name))
      return error_at(number, column, name.empty() ? "empty tag" : "invalid name " + quote(name));
    out.push_back({kind, std::string(name), number, column});
    pos = close + 2;
  }
  return ok_status();
}

// A line with only section, closing and comment tags and blanks is dropped
// with its newline, keeping only the tags.
bool standalone(const std::vector<Token>& tokens, std::size_t from) {
  bool any_tag = false;
  for (std::size_t i = from; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::variable) return false;
    if (t.kind == TokenKind::text) {
      if (!trim(t.text).empty()) return false;
      continue;
    }
    any_tag = true;
  }
  return any_tag;
}

}  // namespace

struct Template::Node {
  TokenKind kind = TokenKind::text;  // text, variable, section or inverted; the root is a section
  std::string text;                  // literal text or name
  std::vector<std::string> path;     // name split at '.'
  std::vector<Node> children;
};

namespace {

// The innermost scope that has the first segment, then down the rest.
const Data* lookup(const std::vector<const Data*>& scopes, const std::vector<std::string>& path) {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    const Data* d = (*it)->field(path.front());
    if (!d) continue;
    for (std::size_t i = 1; d && i < path.size(); ++i) d = d->field(path[i]);
    return d;
  }
  return nullptr;
}

void render_nodes(const std::vector<Template::Node>& nodes, std::vector<const Data*>& scopes, std::string& out);

void render_node(const Template::Node& n, std::vector<const Data*>& scopes, std::string& out) {
  switch (n.kind) {
    case TokenKind::text: out += n.text; return;
    case TokenKind::variable: {
      const Data* d = lookup(scopes, n.path);
      if (!d) return;
      if (d->kind() == Data::Kind::text) out += d->as_text();
      else if (d->kind() == Data::Kind::flag) out += d->as_flag() ? "true" : "false";
      return;
    }
    case TokenKind::section: {
      const Data* d = lookup(scopes, n.path);
      if (!d || !d->truthy()) return;
      if (d->kind() == Data::Kind::list) {
        for (const Data& item : d->items()) {
          scopes.push_back(&item);
          render_nodes(n.children, scopes, out);
          scopes.pop_back();
        }
      } else if (d->kind() == Data::Kind::object) {
        scopes.push_back(d);
        render_nodes(n.children, scopes, out);
        scopes.pop_back();
      } else {
        render_nodes(n.children, scopes, out);
      }
      return;
    }
    case TokenKind::inverted: {
      const Data* d = lookup(scopes, n.path);
      if (!d || !d->truthy()) render_nodes(n.children, scopes, out);
      return;
    }
    case TokenKind::close:
    case TokenKind::comment: return;
  }
}

void render_nodes(const std::vector<Template::Node>& nodes, std::vector<const Data*>& scopes, std::string& out) {
  for (const auto& n : nodes) render_node(n, scopes, out);
}

}  // namespace

Data& Data::set(std::string name, Data value) {
  for (auto& [k, v] : m_fields)
    if (k == name) return v = std::move(value);
  m_fields.emplace_back(std::move(name), std::move(value));
  return m_fields.back().second;
}

const Data* Data::field(std::string_view name) const {
  for (const auto& [k, v] : m_fields)
    if (k == name) return &v;
  return nullptr;
}

bool Data::truthy() const {
  switch (m_kind) {
    case Kind::text: return !m_text.empty();
    case Kind::flag: return m_flag;
    case Kind::list: return !m_items.empty();
    case Kind::object: return true;
  }
  return false;
}

Template::Template() : m_root(std::make_unique<Node>()) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Result<Template> Template::parse(std::string_view text) {
  std::vector<Token> tokens;
  int number = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    bool has_newline = end != std::string_view::npos;
    std::string_view line = text.substr(pos, has_newline ? end - pos : std::string_view::npos);
    std::size_t first = tokens.size();
    if (auto st = tokenize_line(line, number, tokens); !st) return st.error();
    if (standalone(tokens, first)) {
      std::size_t keep = first;
      for (std::size_t i = first; i < tokens.size(); ++i) {
        if (tokens[i].kind == TokenKind::text) continue;
        if (keep != i) tokens[keep] = std::move(tokens[i]);  // never onto itself: that empties the string
        ++keep;
      }
      tokens.resize(keep);
    } else if (has_newline) {
      tokens.push_back({TokenKind::text, "\n", number, static_cast<int>(line.size()) + 1});
    }
    if (!has_newline) break;
    pos = end + 1;
    ++number;
  }

  Template t;
  std::vector<Node*> stack{t.m_root.get()};
  std::vector<const Token*> opened;
  for (const Token& tok : tokens) {
    Node* top = stack.back();
    switch (tok.kind) {
      case TokenKind::comment: break;
      case TokenKind::text:
        // Adjacent text merges into one node.
        if (!top->children.empty() && top->children.back().kind == TokenKind::text)
          top->children.back().text += tok.text;
        else
          top->children.push_back({TokenKind::text, tok.text, {}, {}});
        break;
      case TokenKind::variable: top->children.push_back({TokenKind::variable, tok.text, config::split_key(tok.text), {}}); break;
      case TokenKind::section:
      case TokenKind::inverted:
        if (static_cast<int>(opened.size()) >= k_max_depth)
          return error_at(tok.line, tok.column, "sections nested more than " + std::to_string(k_max_depth) + " deep");
        top->children.push_back({tok.kind, tok.text, config::split_key(tok.text), {}});
        stack.push_back(&top->children.back());
        opened.push_back(&tok);
        break;
      case TokenKind::close:
        if (opened.empty()) return error_at(tok.line, tok.column, "closing tag " + quote(tok.text) + " without a section");
        if (opened.back()->text != tok.text)
          return error_at(tok.line, tok.column,
                          "closing tag " + quote(tok.text) + " does not match section " + quote(opened.back()->text) +
                              " opened at " + std::to_string(opened.back()->line) + ":" +
                              std::to_string(opened.back()->column));
        stack.pop_back();
        opened.pop_back();
        break;
    }
  }
  if (!opened.empty())
    return error_at(opened.back()->line, opened.back()->column, "section " + quote(opened.back()->text) + " is not closed");
  return t;
}

void Template::render(const Data& data, std::string& out) const {
  std::vector<const Data*> scopes{&data};
  render_nodes(m_root->children, scopes, out);
}

}  // namespace keel::release
