#pragma once
// Name templates of keel dist: "{name}_{version}_{os}_{arch}". Pure logic,
// fuzzed (tests/fuzz/fuzz_dist_template.cpp): a template comes from a
// project's keel.toml and its result becomes a file name.

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::dist {

struct TemplateFields {
  std::string name, version, os, arch;
};

enum class Unknown {
  refuse,  // a name template: "{nme}" is a mistake
  keep,    // a source glob: "{a,b}" is a glob's alternatives
};

// Replaces {name}, {version}, {os} and {arch}. An unknown "{...}" is an
// error (refuse) or left as it is (keep).
Result<std::string> expand(std::string_view text, const TemplateFields& fields, Unknown unknown = Unknown::refuse);

// A name an artifact may have: not empty, at most 255 bytes, valid UTF-8,
// no '/', no control character, not "." or "..", not starting with '.' or '-'.
Status check_artifact_name(std::string_view name);

}  // namespace keel::dist
