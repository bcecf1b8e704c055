#include "config/schema.hpp"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>

#include "config/keys/tables.hpp"
#include "config/parse.hpp"
#include "core/json.hpp"
#include "core/spell.hpp"

namespace keel::config {

std::span<const KeyTable> all_key_tables() {
  static const KeyTable tables[] = {
      keys::core_table,
      keys::commit_table,
      keys::hooks_table,
      keys::release_table,
      keys::run_table,
      keys::ci_table,
      keys::dist_table,
      keys::update_table,
  };
  return tables;
}

namespace {

// Matches a concrete path against a declared name; `prefix` accepts paths
// that stop above the declaration (sections).
bool matches(std::string_view decl_name, const std::vector<std::string>& path, bool prefix) {
  // Every key of every start is looked up in every table: most declarations
  // already differ in the first letter.
  if (!path.empty() && !decl_name.empty() && decl_name[0] != '*' &&
      !same_key(decl_name.substr(0, 1), std::string_view(path[0]).substr(0, 1)))
    return false;
  std::size_t i = 0;
  std::size_t start = 0;
  while (start <= decl_name.size()) {
    std::size_t dot = decl_name.find('.', start);
    std::string_view seg = decl_name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (i == path.size()) return prefix;
    if (seg != "*" && !same_key(seg, path[i])) return false;
    ++i;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return !prefix && i == path.size();
}

bool parse_bool_text(std::string_view s, bool& out) {
  std::string low;
  for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (low == "true" || low == "yes" || low == "on" || low == "1") return out = true, true;
  if (low == "false" || low == "no" || low == "off" || low == "0") return out = false, true;
  return false;
}

std::string found(const Value& v) {
  if (v.is_string()) return quote(v.as_string());
  if (v.type() == Value::Type::table || v.type() == Value::Type::array) return std::string(v.type_name());
  return std::string(v.type_name()) + " (" + v.render() + ")";
}

Error mismatch(const KeyDecl& decl, const Value& v) {
  return Error{"expected " + std::string(type_description(decl)) + ", found " + found(v), {}, Exit::config};
}

std::vector<std::string_view> split_choices(std::string_view choices) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t bar = choices.find('|', start);
    out.push_back(choices.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

}  // namespace

const KeyDecl* find_decl(const std::vector<std::string>& path) {
  for (const auto& table : all_key_tables())
    for (const auto& decl : table.keys)
      if (matches(decl.name, path, false)) return &decl;
  return nullptr;
}

const KeyDecl* find_secret_decl(const std::vector<std::string>& path) {
  static const std::vector<const KeyDecl*> secrets = [] {
    std::vector<const KeyDecl*> out;
    for (const auto& table : all_key_tables())
      for (const auto& decl : table.keys)
        if (decl.secret()) out.push_back(&decl);
    return out;
  }();
  for (const KeyDecl* decl : secrets)
    if (matches(decl->name, path, false)) return decl;
  return nullptr;
}

bool is_declared_section(const std::vector<std::string>& path) {
  for (const auto& table : all_key_tables())
    for (const auto& decl : table.keys)
      if (matches(decl.name, path, true)) return true;
  return false;
}

std::string suggest_key(std::string_view dotted) {
  // "*" segments take the typed key's own segments, so that
  // hooks.pre-commit.commands.lint.globs can suggest ...commands.lint.glob;
  // sections count as well as keys, so that hooks.pre-commit.comands
  // suggests hooks.pre-commit.commands.
  std::vector<std::string> typed = split_key(dotted);
  std::set<std::string> names;
  for (const auto& table : all_key_tables()) {
    for (const auto& decl : table.keys) {
      std::vector<std::string> segs = split_key(decl.name);
      if (segs.size() < typed.size()) continue;
      segs.resize(typed.size());
      for (std::size_t i = 0; i < segs.size(); ++i)
        if (segs[i] == "*") segs[i] = typed[i];
      names.insert(join_key(segs));
    }
  }
  return closest_match(normalize_key(dotted), std::vector<std::string>(names.begin(), names.end()));
}

std::string_view type_description(const KeyDecl& decl) {
  switch (decl.type) {
    case KeyType::boolean: return "a boolean";
    case KeyType::integer: return "an integer";
    case KeyType::string: return "a string";
    case KeyType::string_list: return "a string or an array of strings";
    case KeyType::choice: {
      // Built once per declaration: "one of auto, always, never".
      static thread_local std::map<const KeyDecl*, std::string> cache;
      auto& s = cache[&decl];
      if (s.empty()) {
        s = "one of ";
        bool first = true;
        for (auto c : split_choices(decl.choices)) {
          if (!first) s += ", ";
          s += c;
          first = false;
        }
      }
      return s;
    }
    case KeyType::string_table: return "a table of strings";
    case KeyType::flag_or_list: return "a boolean, a string or an array of strings";
    case KeyType::table_list: return "an array of tables";
    case KeyType::integer_or_table_list: return "an integer or an array of tables";
  }
  return "a value";
}

Result<Value> check_value(const KeyDecl& decl, const Value& v, bool from_text) {
  const Origin& o = v.origin();
  switch (decl.type) {
    case KeyType::boolean: {
      if (v.type() == Value::Type::boolean) return v;
      bool b = false;
      if (from_text && v.is_string() && parse_bool_text(v.as_string(), b)) return Value::make_bool(b, o);
      return mismatch(decl, v);
    }
    case KeyType::integer: {
      if (v.type() == Value::Type::integer) return v;
      if (from_text && v.is_string()) {
        const std::string& s = v.as_string();
        errno = 0;
        char* end = nullptr;
        long long i = std::strtoll(s.c_str(), &end, 10);
        if (!s.empty() && errno == 0 && end && *end == '\0') return Value::make_int(i, o);
      }
      return mismatch(decl, v);
    }
    case KeyType::string:
      if (v.is_string()) return v;
      return mismatch(decl, v);
    case KeyType::choice: {
      if (!v.is_string()) return mismatch(decl, v);
      for (auto c : split_choices(decl.choices))
        if (c == v.as_string()) return v;
      return mismatch(decl, v);
    }
    case KeyType::string_list: {
      Value list = v;
      if (from_text && v.is_string()) {
        const std::string& s = v.as_string();
        if (!s.empty() && s.front() == '[') {
          list = parse_flag_value(s, o);
          if (!list.is_array()) return Error{"malformed array " + quote(s), {}, Exit::config};
        } else {
          return v;  // one string
        }
      }
      if (list.is_string()) return list;
      if (!list.is_array()) return mismatch(decl, v);
      for (const auto& item : list.items())
        if (!item.is_string()) return mismatch(decl, item);
      return list;
    }
    case KeyType::flag_or_list: {
      if (v.type() == Value::Type::boolean) return v;
      bool b = false;
      if (from_text && v.is_string() && parse_bool_text(v.as_string(), b)) return Value::make_bool(b, o);
      KeyDecl as_list = decl;
      as_list.type = KeyType::string_list;
      auto list = check_value(as_list, v, from_text);
      if (!list) return mismatch(decl, v);
      return list;
    }
    case KeyType::string_table: {
      if (!v.is_table()) return mismatch(decl, v);
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!v.value_at(i).is_string()) return mismatch(decl, v.value_at(i));
      return v;
    }
    case KeyType::table_list: {
      if (!v.is_array()) return mismatch(decl, v);
      for (const auto& item : v.items())
        if (!item.is_table()) return mismatch(decl, item);
      return v;
    }
    case KeyType::integer_or_table_list: {
      KeyDecl as = decl;
      as.type = v.is_array() ? KeyType::table_list : KeyType::integer;
      auto checked = check_value(as, v, from_text);
      if (!checked) return mismatch(decl, v);
      return checked;
    }
  }
  return v;
}

std::string json_schema() {
  // Nested "properties" objects built from the dotted names; "*" segments
  // become additionalProperties.
  struct Node {
    std::map<std::string, Node> children;
    const KeyDecl* decl = nullptr;
  };
  Node root;
  for (const auto& table : all_key_tables()) {
    for (const auto& decl : table.keys) {
      Node* n = &root;
      for (const auto& seg : split_key(decl.name)) n = &n->children[seg];
      n->decl = &decl;
    }
  }

  auto leaf = [](const KeyDecl& d) {
    std::string s = "{\"description\": " + json::quote(d.description);
    switch (d.type) {
      case KeyType::boolean: s += ", \"type\": \"boolean\""; break;
      case KeyType::integer: s += ", \"type\": \"integer\""; break;
      case KeyType::string: s += ", \"type\": \"string\""; break;
      case KeyType::string_list:
        s += ", \"oneOf\": [{\"type\": \"string\"}, {\"type\": \"array\", \"items\": {\"type\": \"string\"}}]";
        break;
      case KeyType::choice: {
        s += ", \"enum\": [";
        bool first = true;
        for (auto c : split_choices(d.choices)) {
          if (!first) s += ", ";
          s += json::quote(c);
          first = false;
        }
        s += "]";
        break;
      }
      case KeyType::string_table:
        s += ", \"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}";
        break;
      case KeyType::flag_or_list:
        s += ", \"oneOf\": [{\"type\": \"boolean\"}, {\"type\": \"string\"}, "
             "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}]";
        break;
      case KeyType::table_list: s += ", \"type\": \"array\", \"items\": {\"type\": \"object\"}"; break;
      case KeyType::integer_or_table_list:
        s += ", \"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"array\", \"items\": {\"type\": \"object\"}}]";
        break;
    }
    if (!d.default_value.empty()) s += ", \"default\": " + parse_toml_value(d.default_value).render_json();
    return s + "}";
  };

  auto object = [&](auto& self, const Node& n, int depth) -> std::string {
    std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    std::string s = "{\"type\": \"object\"";
    std::string props;
    const Node* star = nullptr;
    for (const auto& [name, child] : n.children) {
      if (name == "*") {
        star = &child;
        continue;
      }
      std::string body = child.decl ? leaf(*child.decl) : self(self, child, depth + 1);
      if (!props.empty()) props += ",";
      props += "\n" + pad + "  " + json::quote(name) + ": " + body;
    }
    if (!props.empty()) s += ", \"properties\": {" + props + "\n" + pad + "}";
    if (star) {
      s += ", \"additionalProperties\": " + (star->decl ? leaf(*star->decl) : self(self, *star, depth + 1));
    }
    return s + "}";
  };

  std::string out = "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
                    "  \"title\": \"keel configuration\",\n  \"type\": \"object\",\n"
                    "  \"properties\": {\n    \"extends\": {\"description\": \"Files to include, relative to this one; "
                    "this file's values win.\", \"type\": \"array\", \"items\": {\"type\": \"string\"}}";
  for (const auto& [name, child] : root.children) {
    out += ",\n    " + json::quote(name) + ": " + (child.decl ? leaf(*child.decl) : object(object, child, 2));
  }
  out += "\n  }\n}\n";
  return out;
}

}  // namespace keel::config
