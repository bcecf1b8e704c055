#include "config/value.hpp"

#include <algorithm>
#include <cstdio>

#include "core/json.hpp"

namespace keel::config {

std::string Origin::describe() const {
  switch (kind) {
    case Kind::builtin:
      return "default";
    case Kind::env:
      return "env " + source;
    case Kind::flag:
      if (line > 0) break;  // a --config file
      return source;
    default:
      break;
  }
  std::string s = source;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

std::string normalize_key(std::string_view key) {
  std::string out(key);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '-' ? '_' : a[i];
    char y = b[i] == '-' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

Value Value::make_bool(bool b, Origin o) {
  Value v;
  v.m_type = Type::boolean;
  v.m_bool = b;
  v.m_origin = std::move(o);
  return v;
}
Value Value::make_int(std::int64_t i, Origin o) {
  Value v;
  v.m_type = Type::integer;
  v.m_int = i;
  v.m_origin = std::move(o);
  return v;
}
Value Value::make_float(double d, Origin o) {
  Value v;
  v.m_type = Type::floating;
  v.m_float = d;
  v.m_origin = std::move(o);
  return v;
}
Value Value::make_string(std::string s, Origin o) {
  Value v;
  v.m_type = Type::string;
  v.m_string = std::move(s);
  v.m_origin = std::move(o);
  return v;
}
Value Value::make_array(Origin o) {
  Value v;
  v.m_type = Type::array;
  v.m_origin = std::move(o);
  return v;
}
Value Value::make_table(Origin o) {
  Value v;
  v.m_type = Type::table;
  v.m_origin = std::move(o);
  return v;
}

const Value* Value::find(std::string_view key) const {
  for (std::size_t i = 0; i < m_keys.size(); ++i)
    if (same_key(m_keys[i], key)) return &m_children[i];
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

Value& Value::set(std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  m_keys.emplace_back(key);
  m_children.push_back(std::move(v));
  return m_children.back();
}

bool Value::erase(std::string_view key) {
  for (std::size_t i = 0; i < m_keys.size(); ++i) {
    if (same_key(m_keys[i], key)) {
      m_keys.erase(m_keys.begin() + static_cast<std::ptrdiff_t>(i));
      m_children.erase(m_children.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

const Value* Value::find_path(const std::vector<std::string>& path) const {
  const Value* v = this;
  for (const auto& part : path) {
    if (!v->is_table()) return nullptr;
    v = v->find(part);
    if (!v) return nullptr;
  }
  return v;
}

void Value::merge(const Value& over) {
  if (!is_table() || !over.is_table()) {
    *this = over;
    return;
  }
  for (std::size_t i = 0; i < over.m_keys.size(); ++i) {
    Value* mine = find(over.m_keys[i]);
    if (mine && mine->is_table() && over.m_children[i].is_table())
      mine->merge(over.m_children[i]);
    else
      set(over.m_keys[i], over.m_children[i]);
  }
}

std::string_view Value::type_name(Type t) {
  switch (t) {
    case Type::null: return "null";
    case Type::boolean: return "a boolean";
    case Type::integer: return "an integer";
    case Type::floating: return "a float";
    case Type::string: return "a string";
    case Type::array: return "an array";
    case Type::table: return "a table";
  }
  return "unknown";
}

static std::string render_float(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::string Value::render() const {
  switch (m_type) {
    case Type::null: return "null";
    case Type::boolean: return m_bool ? "true" : "false";
    case Type::integer: return std::to_string(m_int);
    case Type::floating: return render_float(m_float);
    case Type::string: return json::quote(m_string);
    case Type::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < m_children.size(); ++i) {
        if (i) s += ", ";
        s += m_children[i].render();
      }
      return s + "]";
    }
    case Type::table: {
      std::string s = "{";
      for (std::size_t i = 0; i < m_children.size(); ++i) {
        if (i) s += ", ";
        s += m_keys[i] + " = " + m_children[i].render();
      }
      return s + "}";
    }
  }
  return {};
}

std::string Value::render_json() const {
  if (m_type != Type::array && m_type != Type::table) return render();
  bool table = m_type == Type::table;
  std::string s = table ? "{" : "[";
  for (std::size_t i = 0; i < m_children.size(); ++i) {
    if (i) s += ", ";
    if (table) s += json::quote(m_keys[i]) + ": ";
    s += m_children[i].render_json();
  }
  return s + (table ? "}" : "]");
}

std::string Value::render_plain() const {
  if (m_type == Type::string) return m_string;
  if (m_type == Type::array) {
    std::string s;
    for (const auto& item : m_children) s += item.render_plain() + "\n";
    if (!s.empty()) s.pop_back();
    return s;
  }
  return render();
}

std::vector<std::string> split_key(std::string_view dotted) {
  std::vector<std::string> parts;
  parts.reserve(static_cast<std::size_t>(std::count(dotted.begin(), dotted.end(), '.')) + 1);
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = dotted.find('.', start);
    std::string_view part = dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) return {};
    parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string join_key(const std::vector<std::string>& path) {
  std::string s;
  for (const auto& p : path) {
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}

}  // namespace keel::config
