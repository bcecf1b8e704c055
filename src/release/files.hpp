#pragma once
// Replacing the version in project files ([[release.files]]). Pure logic:
// text in, text out; only the bytes of the version token change.
//
// Presets, chosen by `preset` or by the file's name when neither preset nor
// regex is given:
//   package.json    the top-level "version" string
//   Cargo.toml      version = "…" in [package] or [workspace.package]
//   pyproject.toml  version = "…" in [project] and/or [tool.poetry]
//   meson.build     version: '…' inside the project( … ) call
//   VERSION         the whole file, surrounding whitespace kept
// A custom entry gives `regex` (ECMAScript syntax, ^ and $ match at line
// ends) with a group named version, written (?<version>…) or
// (?P<version>…); keel turns it into a plain numbered group. Without a
// named group, the whole match is the version.
//
// Each entry must find exactly `count` places (default 1); pyproject.toml
// accepts one place in each of its two tables.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace keel::release {

enum class Preset { none, package_json, cargo_toml, pyproject_toml, meson_build, version_file };

std::optional<Preset> parse_preset(std::string_view name);  // "package.json", "Cargo.toml", ...
// The preset a file name implies, from its last path component.
Preset preset_for_path(std::string_view path);

struct FileRule {
  std::string path;
  Preset preset = Preset::none;
  std::string regex;  // custom entries
  int count = 1;
};

// Where the version tokens are in a file: byte ranges.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Finds the version tokens; errors name the path and what was found.
Result<std::vector<Span>> find_versions(const FileRule& rule, std::string_view content);

// The file with every version token replaced by version.
Result<std::string> replace_version(const FileRule& rule, std::string_view content, std::string_view version);

// "(?<version>x)" / "(?P<version>x)" -> "(x)"; group receives its number
// (0 without a named group). Errors on a second named group.
Result<std::string> translate_named_group(std::string_view regex, std::size_t& group);

}  // namespace keel::release
