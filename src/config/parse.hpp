#pragma once
// TOML and YAML documents into one Value tree. Pure functions: the caller
// reads the file (bounded) and passes its text.

#include <string>
#include <string_view>

#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::config {

enum class Format { toml, yaml };

// By extension: ".toml" is TOML, ".yaml"/".yml" YAML, anything else TOML.
Format format_for_path(std::string_view path);

// `display_path` is used in origins and in error messages
// ("keel.toml:3:7: ..."). The top level must be a table; duplicate keys,
// invalid UTF-8 and malformed documents are errors with a position.
Result<Value> parse_toml(std::string_view text, const std::string& display_path, Origin::Kind kind);
Result<Value> parse_yaml(std::string_view text, const std::string& display_path, Origin::Kind kind);
Result<Value> parse_document(std::string_view text, const std::string& display_path, Origin::Kind kind);

// A value given on the command line or in the environment: a TOML value
// when it parses as one of the non-string scalars or an inline array,
// otherwise the plain string.
Value parse_flag_value(std::string_view text, Origin origin, bool any_toml = false);
// A TOML value such as a key table's default ("\"auto\"", "5", "[\"a\"]").
Value parse_toml_value(std::string_view text, Origin origin = {});

}  // namespace keel::config
