#pragma once
// The changelog's context: the data each section's template receives, as
// JSON for `keel release changelog --context`, and read back for
// `--from-context`, so that a script can change what a changelog says and
// keel renders it with the configured template. The shape is described by
// docs/changelog-context.schema.json: an array of sections, newest first.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "release/template.hpp"

namespace keel::release {

// The sections as a JSON array (two-space indented, ending in a newline).
std::string context_json(const std::vector<Data>& sections);

// Sections from such JSON; `shown` names the input in errors, which give
// its line and column for malformed JSON (exit status 2).
Result<std::vector<Data>> context_from_json(std::string_view text, const std::string& shown);

}  // namespace keel::release
