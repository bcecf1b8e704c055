#pragma once
// The lint rules and ignore switches as keel's configuration sets them: the
// `commit.*` keys declared in src/config/keys/commit.cpp.

#include "commit/lint.hpp"
#include "config/config.hpp"
#include "core/error.hpp"

namespace keel::commit {

struct Settings {
  Rules rules;
  Ignore ignore;
};

// Fails (exit 2) on a value the schema cannot check, such as an unknown
// case name in commit.rules.subject-case.value.
Result<Settings> settings_from_config(const config::Config& config);

}  // namespace keel::commit
