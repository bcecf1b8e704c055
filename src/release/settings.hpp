#pragma once
// keel release's settings as the configuration sets them: the release.*
// keys declared in src/config/keys/release.cpp.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "release/changelog.hpp"
#include "release/files.hpp"
#include "release/version.hpp"

namespace keel::release {

// What is released together: the whole repository, or one monorepo package.
struct Unit {
  std::string name;  // package name; empty for the repository
  std::string path;  // package directory, '/'-separated; empty for the repository
  TagTemplate tag;
  semver::Version initial;
  std::string changelog_path;  // relative to the root; empty for none
  std::vector<FileRule> files;
};

struct Settings {
  Unit root;
  std::vector<Unit> packages;  // [release.packages.NAME], in the config's order
  Rules rules;
  std::vector<std::string> branches;
  std::vector<std::string> before;
  std::vector<std::string> after;
  std::string commit_message;
  std::string remote;
  std::string changelog_template;  // file path; empty for the built-in template
  ChangelogSettings changelog;     // forge left unset
};

// Errors (exit 2) name the key and what is wrong with its value.
Result<Settings> settings_from_config(const config::Config& config);

// "chore(release): {version}" with {version}, {tag} and {previous_version}
// filled in.
std::string fill(std::string_view text, std::string_view version, std::string_view tag, std::string_view previous);

}  // namespace keel::release
