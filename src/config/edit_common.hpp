#pragma once
// Internal to the config editor (edit.cpp, edit_toml.cpp, edit_yaml.cpp):
// rendering values and keys as text, and small text helpers shared by the
// TOML and YAML halves.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::config::edit_detail {

// How a string value is written. A replaced value keeps the style it had
// when the new string can be written that way; new values are double-quoted.
enum class StringStyle { double_quoted, single_quoted, plain };

// Value text as TOML / YAML. `v` is a scalar or an array (checked by the
// caller); array items are always double-quoted.
std::string render_toml(const Value& v, StringStyle style = StringStyle::double_quoted);
std::string render_yaml(const Value& v, StringStyle style = StringStyle::double_quoted);

// Keys: bare when they can be, double-quoted otherwise.
std::string toml_key(std::string_view key);
std::string yaml_key(std::string_view key);
std::string toml_dotted_key(const std::vector<std::string>& path, std::size_t from = 0);

// "\r\n" when the document's first line ends with it, "\n" otherwise.
std::string line_ending(std::string_view text);

// The offset just past the end of the line holding `pos` (past its '\n'),
// or text.size() on a last line without one.
std::size_t after_line(std::string_view text, std::size_t pos);
// The offset of the '\r' or '\n' that ends the line holding `pos`, or
// text.size().
std::size_t line_content_end(std::string_view text, std::size_t pos);
// The offset of the first byte of the line holding `pos`.
std::size_t line_begin(std::string_view text, std::size_t pos);

// Inserts `block` (whole lines, each ending with `eol`) at `at`, which is a
// line start or text.size(). At the end of a text whose last line has no
// newline, the newline moves to the front so that its absence is kept.
std::string insert_lines(std::string_view text, std::size_t at, std::string_view block, std::string_view eol);

// "an integer", "an array of tables", ...: what a parent that is not a
// table is, for refusals.
std::string describe(const Value& v);

// "cannot set 'a.b'" — the start of most refusals.
std::string cannot_set(const std::vector<std::string>& path);
// "display:line:col: problem".
Error at(const std::string& display_path, int line, int column, std::string problem, std::string hint = {});

Result<std::string> set_in_toml(std::string_view text, const std::vector<std::string>& path, const Value& value,
                                const std::string& display_path);
Result<std::string> set_in_yaml(std::string_view text, const std::vector<std::string>& path, const Value& value,
                                const std::string& display_path);

}  // namespace keel::config::edit_detail
