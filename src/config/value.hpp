#pragma once
// The configuration tree: one type for TOML and YAML alike. Every node
// remembers where it came from so that errors and `config list
// --show-origin` can name the file and position, variable or flag.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keel::config {

struct Origin {
  enum class Kind { builtin, system, user, project, local, env, flag };
  Kind kind = Kind::builtin;
  std::string source;  // file path, variable name or flag text
  int line = 0;        // 1-based, 0 when unknown
  int column = 0;

  // "keel.toml:3:7", "env KEEL_LOG__LEVEL", "-c log.level=debug", "default".
  std::string describe() const;
  // Project files come from the repository: they may not set trusted keys.
  bool from_repository() const { return kind == Kind::project || kind == Kind::local; }
};

// Keys compare with '-' and '_' treated alike ("fail-fast" is "fail_fast").
std::string normalize_key(std::string_view key);
bool same_key(std::string_view a, std::string_view b);

class Value {
 public:
  enum class Type { null, boolean, integer, floating, string, array, table };

  Value() = default;
  static Value make_bool(bool b, Origin o = {});
  static Value make_int(std::int64_t i, Origin o = {});
  static Value make_float(double d, Origin o = {});
  static Value make_string(std::string s, Origin o = {});
  static Value make_array(Origin o = {});
  static Value make_table(Origin o = {});

  Type type() const { return m_type; }
  bool is_table() const { return m_type == Type::table; }
  bool is_array() const { return m_type == Type::array; }
  bool is_string() const { return m_type == Type::string; }

  bool as_bool() const { return m_bool; }
  std::int64_t as_int() const { return m_int; }
  double as_float() const { return m_float; }
  const std::string& as_string() const { return m_string; }

  const Origin& origin() const { return m_origin; }
  void set_origin(Origin o) { m_origin = std::move(o); }

  // Arrays.
  const std::vector<Value>& items() const { return m_children; }
  void push_back(Value v) { m_children.push_back(std::move(v)); }

  // Tables keep insertion order; keys are looked up with same_key().
  std::size_t size() const { return m_children.size(); }
  const std::string& key_at(std::size_t i) const { return m_keys[i]; }
  const Value& value_at(std::size_t i) const { return m_children[i]; }
  Value& value_at(std::size_t i) { return m_children[i]; }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Inserts or replaces; returns the stored value.
  Value& set(std::string_view key, Value v);
  bool erase(std::string_view key);

  // Follows a dotted path of keys through nested tables.
  const Value* find_path(const std::vector<std::string>& path) const;

  // Merge `over` on top of this: tables merge key by key, everything else
  // (arrays included) is replaced whole.
  void merge(const Value& over);

  // "a string", "an integer", ... for error messages.
  static std::string_view type_name(Type t);
  std::string_view type_name() const { return type_name(m_type); }

  // TOML-like rendering for `config list`: strings quoted, arrays inline.
  std::string render() const;
  // JSON: like render(), but tables as {"key": value}.
  std::string render_json() const;
  // Plain rendering for `config get`: strings bare.
  std::string render_plain() const;

 private:
  Type m_type = Type::null;
  bool m_bool = false;
  std::int64_t m_int = 0;
  double m_float = 0;
  std::string m_string;
  std::vector<std::string> m_keys;   // tables only
  std::vector<Value> m_children;     // array items or table values
  Origin m_origin;
};

// Splits "a.b.c" into {"a","b","c"}; an empty segment gives an empty result.
std::vector<std::string> split_key(std::string_view dotted);
std::string join_key(const std::vector<std::string>& path);

}  // namespace keel::config
