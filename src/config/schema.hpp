#pragma once
// Declared configuration keys. Each command group declares its keys in one
// table (src/config/keys/<group>.cpp) and lists it in all_key_tables().

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::config {

enum class KeyType {
  boolean,
  integer,
  string,
  string_list,  // an array of strings; a single string is accepted too
  choice,       // a string from KeyDecl::choices
  string_table, // a table whose keys are free and whose values are strings
  flag_or_list, // a boolean, or a string or array of strings (skip = true, skip = ["merge"])
  table_list,   // an array of tables ([[x]] in TOML); their owner checks the fields
  integer_or_table_list,  // a number, or an array of tables (hooks.HOOK.jobs: a count, or lefthook's jobs)
};

enum KeyFlags : unsigned {
  k_secret = 1u << 0,   // never logged or shown; `config list` prints "<redacted>"
  k_trusted = 1u << 1,  // decides what code runs: project files may not set it
};

struct KeyDecl {
  std::string_view name;          // dotted; "*" stands for one free segment
  KeyType type;
  std::string_view default_value; // TOML value text; empty for no default
  std::string_view description;
  unsigned flags = 0;
  std::string_view choices = {};  // "a|b|c" for KeyType::choice

  bool secret() const { return flags & k_secret; }
  bool trusted() const { return flags & k_trusted; }
};

struct KeyTable {
  std::string_view group;
  std::span<const KeyDecl> keys;
};

// Every group's table; the one place a new table is registered.
std::span<const KeyTable> all_key_tables();

// A declaration's default_value as a Value (a TOML value read without the
// TOML parser where it can be).
Value parse_default_value(std::string_view text);

// The declaration matching a concrete path, or nullptr.
const KeyDecl* find_decl(const std::vector<std::string>& path);
// The secret key declaration that path names, if any; cheaper than find_decl.
const KeyDecl* find_secret_decl(const std::vector<std::string>& path);
// True when some declaration lies below this path (it is a section).
bool is_declared_section(const std::vector<std::string>& path);
// The declared key closest to a mistyped one, or empty.
std::string suggest_key(std::string_view dotted);

std::string_view type_description(const KeyDecl& decl);  // "a boolean", "one of auto, always, never"

// Checks `v` against decl. Strings from the environment or the command line
// (`from_text`) are first converted to the declared type. On success the
// value (possibly converted) is returned; on failure, the problem text
// without position: "expected a boolean, found 'maybe'".
Result<Value> check_value(const KeyDecl& decl, const Value& v, bool from_text);

// JSON Schema (draft 2020-12) of every declared key, for editors.
std::string json_schema();

}  // namespace keel::config
